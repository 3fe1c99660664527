"""Hostile partnership, partner and file names and comments are shown as text on every page."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from hostile_corpus import HOSTILE  # noqa: E402
from test_fail_closed import APP, MONITOR_PAGES, TIMEOUT, WRITE_PAGES, protos  # noqa: E402
from test_platforms import ms_forms  # noqa: E402

from monitor.ingest import import_survey  # noqa: E402
from monitor.store import close_all, open_database  # noqa: E402

PARTNERSHIP = HOSTILE[0]
PARTNERS = HOSTILE[1:8]
# Raw pieces that would act if placed inside Markdown (escaped, they carry backslashes).
ACTIVE = [
    "[Click here to confirm your password](",
    "![tracker](",
    "<img src",
    "<a href",
    "# HEADING",
]
AS_TEXT = {"Text", "Code", "Arrow", "ArrowNamedDataSet"}  # elements that never read Markdown


def hostile_store(path: Path) -> None:
    db = open_database(path)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["respondent_id", "partner", "wave", "trust_1", "trust_2", "trust_3"])
    for n in range(42):
        writer.writerow([f"R{n}", PARTNERS[n % len(PARTNERS)], "2025-Q1", 1 + n % 5, 4, 3])
    data = out.getvalue().encode()
    import_survey(db, io.BytesIO(data), f"{HOSTILE[2]}.csv", partnership=PARTNERSHIP)
    comment = b"Meetings run over and minutes arrive late, caf\xe9 notes are lost."
    forms = ms_forms().replace(comment, PARTNERSHIP.encode())
    import_survey(db, io.BytesIO(forms), "forms.csv", partnership=PARTNERSHIP)
    close_all()


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


@pytest.mark.parametrize("page", MONITOR_PAGES + WRITE_PAGES + ["pages/settings.py"])
def test_every_page_shows_hostile_text_as_text(empty_store, monkeypatch, page):
    monkeypatch.setenv("MONITOR_COMMENT_MIN_GROUP_SIZE", "1")
    monkeypatch.setenv("MONITOR_MIN_GROUP_SIZE", "1")
    hostile_store(empty_store)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    acting = [(k, v[:120]) for k, v in formatted_fields(at) for a in ACTIVE if a in v]
    assert not acting, acting
    if page == "pages/comments.py":
        assert PARTNERSHIP in [t.value for t in at.text]  # the comment, as written
