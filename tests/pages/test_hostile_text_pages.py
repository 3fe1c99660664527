"""Hostile partnership, partner and file names and comments are shown as text on every page."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from hostile_corpus import PARTNERSHIP, hostile_store  # noqa: E402
from test_fail_closed import APP, MONITOR_PAGES, TIMEOUT, WRITE_PAGES, protos  # noqa: E402

# Raw pieces that would act if placed inside Markdown (escaped, they carry backslashes).
ACTIVE = [
    "[Click here to confirm your password](",
    "![tracker](",
    "<img src",
    "<a href",
    "# HEADING",
]
# A bare address is made a link from the text left after the escapes are read.
BARE_ADDRESS = "://evil.example"
AS_TEXT = {"Text", "Code", "Arrow", "ArrowNamedDataSet"}  # elements that never read Markdown


def formatted_fields(at: AppTest) -> list[tuple[str, str]]:
    """(element type, text) of every field that Streamlit reads as Markdown."""
    found = []
    for proto in protos(at._tree):
        kind = type(proto).__name__
        if kind in AS_TEXT:
            continue
        for name in ("body", "label", "help", "caption"):
            value = getattr(proto, name, None)
            if isinstance(value, str) and value:
                found.append((kind, value))
    return found


def raw(piece: str, markdown: str) -> bool:
    """`piece` is in `markdown` with its first character not escaped."""
    return re.search(r"(?<!\\)" + re.escape(piece), markdown) is not None


def unescaped(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


@pytest.mark.parametrize("page", MONITOR_PAGES + WRITE_PAGES + ["pages/settings.py"])
def test_every_page_shows_hostile_text_as_text(empty_store, monkeypatch, page):
    monkeypatch.setenv("MONITOR_COMMENT_MIN_GROUP_SIZE", "1")
    monkeypatch.setenv("MONITOR_MIN_GROUP_SIZE", "1")
    hostile_store(empty_store)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    acting = [(k, v[:120]) for k, v in formatted_fields(at) for a in ACTIVE if raw(a, v)]
    acting += [(k, v[:120]) for k, v in formatted_fields(at) if BARE_ADDRESS in unescaped(v)]
    assert not acting, acting
    if page == "pages/comments.py":
        at.selectbox(key="partnership").set_value(PARTNERSHIP).run()  # it has the comments
        assert PARTNERSHIP in [t.value for t in at.text]  # the comment, as written
