"""Shared PDF base for BackCheck handouts and reports (fpdf2, bundled DejaVu fonts).

The DejaVu fonts ship inside the package so PDFs render any character the content
uses (dashes, ×, accents) on a machine with no system fonts.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal

from fpdf import FPDF

from .text import fmt_day

FONT_DIR = Path(__file__).resolve().parent / "assets" / "fonts"
PageSize = Literal["A4", "Letter"]


class BackCheckPDF(FPDF):
    """A4 or Letter page with the BackCheck header, a footer with page numbers and the disclaimer."""

    def __init__(self, title: str, page_size: PageSize = "A4") -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4" if page_size == "A4" else "letter")
        self.doc_title = title
        self.set_title(title)
        self.set_creator("BackCheck")
        self.set_author("BackCheck")
        self.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.add_font("DejaVu", "I", str(FONT_DIR / "DejaVuSans-Oblique.ttf"))
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(auto=True, margin=18)
        self.add_page()

    def header(self) -> None:
        self.set_font("DejaVu", "B", 9)
        self.set_text_color(27, 127, 95)
        self.cell(0, 5, "BackCheck", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font("DejaVu", "I", 7)
        self.set_text_color(110, 110, 110)
        self.cell(0, 4, f"{self.doc_title} · made {fmt_day(datetime.now())} · a self-assessment aid, not a diagnosis · page {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(0, 0, 0)

    # small writing helpers -------------------------------------------------

    def h1(self, text: str) -> None:
        self.set_font("DejaVu", "B", 16)
        self.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def h2(self, text: str) -> None:
        self.ln(2)
        self.set_font("DejaVu", "B", 12)
        self.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def para(self, text: str, size: float = 10, style: str = "") -> None:
        self.set_font("DejaVu", style, size)
        self.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")

    def bullet(self, text: str, size: float = 10) -> None:
        self.set_font("DejaVu", "", size)
        x = self.get_x()
        self.cell(5, size * 0.5, "•")
        self.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        self.set_x(x)

    def figure(self, svg: str, x: float, y: float, max_w: float, max_h: float, alt: str) -> float:
        """Draw one of our own SVG figures (vector paths) inside max_w × max_h mm at (x, y); return its height.

        It is wrapped in a marked-content /Figure sequence carrying `alt`, so readers and tests
        can find each figure in the page's content stream.
        """
        import io
        import re

        m = re.search(r'viewBox="0 0 ([0-9.]+) ([0-9.]+)"', svg)
        w_units, h_units = (float(m.group(1)), float(m.group(2))) if m else (max_w, max_h)
        scale = min(max_w / w_units, max_h / h_units)
        w, h = w_units * scale, h_units * scale
        safe = alt.encode("ascii", "replace").decode().replace("\\", "").replace("(", "[").replace(")", "]")
        self._out(f"/Figure <</Alt ({safe})>> BDC")
        self.image(io.BytesIO(svg.encode("utf-8")), x=x, y=y, w=w, h=h)
        self._out("EMC")
        return h

    def output_bytes(self) -> bytes:
        return bytes(self.output())
