"""pyflakes over the whole project: an undefined name (a removed alias still used in an annotation,
a typo in a rarely taken branch) fails here before it fails for a person."""

from __future__ import annotations

from pathlib import Path

from pyflakes.api import checkPath
from pyflakes.reporter import Reporter

ROOT = Path(__file__).resolve().parents[2]


class Collect(Reporter):
    def __init__(self) -> None:
        self.found: list[str] = []

    def unexpectedError(self, filename, msg) -> None:
        self.found.append(f"{filename}: {msg}")

    def syntaxError(self, filename, msg, lineno, offset, text) -> None:
        self.found.append(f"{filename}:{lineno}: {msg}")

    def flake(self, message) -> None:
        self.found.append(str(message))


def files() -> list[Path]:
    found = [ROOT / "app.py"]
    for folder in ("backcheck", "pages", "scripts", "tests"):
        found += sorted(p for p in (ROOT / folder).rglob("*.py") if "__pycache__" not in p.parts)
    return found


def test_pyflakes_finds_nothing():
    report = Collect()
    for path in files():
        checkPath(str(path), report)
    assert report.found == []


def test_pyflakes_would_catch_an_undefined_name(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from __future__ import annotations\n\n\ndef f(x: Missing) -> int:\n    return 1\n")
    report = Collect()
    checkPath(str(bad), report)
    assert len(report.found) == 1 and "undefined name 'Missing'" in report.found[0]
