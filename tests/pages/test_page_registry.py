"""The page registry: every page script is registered and names itself, so the role check
and heading the registry gives are its own."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from monitor.dashboard import PAGES
from monitor.dashboard.frame import page_spec

ROOT = Path(__file__).resolve().parents[2]
STARTS = {"page", "partnership_page", "plain_page"}  # how a page script starts


def started_as(script: Path) -> list[str]:
    """The keys a page script passes to dashboard.page()/partnership_page()/plain_page()."""
    keys = []
    for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in STARTS
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            keys.append(node.args[0].value)
    return keys


def test_every_page_script_is_registered():
    assert sorted(spec.path for spec in PAGES) == sorted(
        str(path.relative_to(ROOT)) for path in (ROOT / "pages").glob("*.py")
    )


@pytest.mark.parametrize("spec", PAGES, ids=lambda spec: spec.key)
def test_each_page_names_itself_once(spec):
    assert started_as(ROOT / spec.path) == [spec.key]


def test_an_unknown_page_name_says_where_pages_are_registered():
    with pytest.raises(KeyError, match="page registry"):
        page_spec("nowhere")
