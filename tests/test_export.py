"""The combined data as CSV, made by DuckDB: the same bytes as the frame written by pandas
(the independent route), for every view, with hostile text in every text field."""

from __future__ import annotations

import csv
import io

import pytest
from hostile_corpus import PARTNERSHIP, SECOND_PARTNERSHIP, hostile_store

from monitor import export
from monitor.access.roles import LOCAL_ACTOR, VIEWER, Actor
from monitor.errors import AccessDenied
from monitor.scorecard import View
from monitor.store import close_all, open_database

RIVERSIDE = "Riverside Community Safety Partnership"


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "hostile.duckdb"
    hostile_store(path)
    database = open_database(path)
    yield database
    close_all()


def through_pandas(db, view: View) -> bytes:
    return export.to_csv_bytes(export.combined_data(db, view, LOCAL_ACTOR))


@pytest.mark.parametrize(
    "view",
    [
        View(RIVERSIDE, "2025-Q4"),
        View(RIVERSIDE, "2025-Q3", wave_from="2025-Q2"),
        View(RIVERSIDE, "2025-Q4", partners=("Police", "Probation")),
        View(None, None),
        View(RIVERSIDE, "2031-Q1"),  # no such wave: every wave up to the latest
    ],
    ids=["one partnership", "a wave range", "two partners", "everything", "unknown wave"],
)
def test_the_csv_is_the_frame_written_by_pandas(sample_db, view):
    made = export.combined_csv(sample_db, view, LOCAL_ACTOR)
    assert made == through_pandas(sample_db, view)
    assert made.startswith(export.UTF8_BOM) and len(made.splitlines()) > 1


@pytest.mark.parametrize("partnership", [PARTNERSHIP, SECOND_PARTNERSHIP, None])
def test_hostile_text_is_written_as_pandas_writes_it(hostile_db, partnership):
    """Quotes, commas, line breaks and formulas in every text field."""
    view = View(partnership, None)
    made = export.combined_csv(hostile_db, view, LOCAL_ACTOR)
    assert made == through_pandas(hostile_db, view)
    rows = list(csv.DictReader(io.StringIO(made.decode("utf-8-sig"))))
    partners = {row["partner"] for row in rows}
    assert any(p[:1] == "'" and p[1:].startswith(export.FORMULA_STARTS) for p in partners)
    assert not any(p.startswith(export.FORMULA_STARTS) for p in partners)


def test_a_viewer_may_not_download_the_answers(sample_db):
    with pytest.raises(AccessDenied):
        export.combined_csv(sample_db, View(RIVERSIDE, None), Actor("v", VIEWER))
