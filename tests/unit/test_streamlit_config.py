"""Streamlit settings the screens rely on (.streamlit/config.toml)."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted([ROOT / "app.py", *ROOT.glob("pages/*.py")])


def magic_expressions(path: Path) -> list[str]:
    """Statements that Streamlit's magic would draw: a bare expression that is not a call, a docstring,
    a yield or an await (streamlit.runtime.scriptrunner.magic)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for parent in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(parent, field, None)
            if not isinstance(block, list):
                continue
            for i, node in enumerate(block):
                if not isinstance(node, ast.Expr) or isinstance(node.value, (ast.Call, ast.Yield, ast.YieldFrom, ast.Await)):
                    continue
                docstring = (field == "body" and i == 0 and isinstance(node.value, ast.Constant)
                             and isinstance(node.value.value, str)
                             and isinstance(parent, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef)))
                if not docstring:
                    found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)[:60]}")
    return found


def test_magic_is_off_and_no_screen_relies_on_it():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["magicEnabled"] is False
    # With magic off these would silently draw nothing: call st.write (or st.markdown) instead.
    assert [found for path in SCRIPTS for found in magic_expressions(path)] == []


def test_the_magic_check_finds_a_bare_expression(tmp_path):
    page = tmp_path / "page.py"
    page.write_text('"""Doc."""\nimport streamlit as st\nx = 1\nx\nif x:\n    "shown"\nst.write(x)\n', encoding="utf-8")
    assert magic_expressions(page) == ["page.py:4: x", "page.py:6: 'shown'"]
