"""Importing activity records and outcome counts: validation, storage, removal."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from monitor.errors import DuplicateUploadError, ValidationError
from monitor.ingest.cells import parse_date, parse_month
from monitor.ingest.records import import_activity, import_outcomes, prepare_records
from monitor.store import records, uploads
from monitor.template import ACTIVITY_COLUMNS, build_records_template, records_template_bytes

HEADER = list(ACTIVITY_COLUMNS)


def to_csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def activity_rows(*rows):
    return [HEADER, *rows]


GOOD = activity_rows(
    ["2025-02-12", "Board meeting", "Police", "Insp. Hale", "yes", "Senior", "yes", 10, 1500, 2],
    ["2025-02-12", "Board meeting", "Council", "M. Osei", "yes", "Senior", "yes", 12, "", 1],
    ["2025-02-12", "Board meeting", "Housing", "", "no", "", "yes", "", "", ""],
    ["12/05/2025", "Board meeting", "Housing", "L. Green", "Yes", "Manager", "no", 4.5, 0, 0],
)


def activity(db, rows, name="activity.csv", **kw):
    return import_activity(db, io.BytesIO(to_csv(rows)), name, **kw)


def test_activity_is_stored_as_given(db):
    result = activity(db, GOOD, partnership="Hill")
    assert result.stored == 4 and result.rows == 4
    assert result.periods == ["2025-Q1", "2025-Q2"]
    assert "Imported activity.csv as upload #1: 4 activity rows" in result.summary()
    frame = records.activity_records(db, "Hill")
    assert frame["partner"].tolist() == ["Council", "Housing", "Police", "Housing"]
    assert frame["attended"].tolist() == [True, False, True, True]
    assert frame["staff_hours"].fillna(-1).tolist() == [12.0, -1.0, 10.0, 4.5]
    assert frame["activity_date"].dt.date.tolist()[-1] == date(2025, 5, 12)
    stored = uploads.list_uploads(db)
    assert stored["kind"].tolist() == ["activity"]


def test_activity_problems_are_all_listed(db, counts):
    rows = activity_rows(
        ["2025-13-40", "Board meeting", "Police", "A", "yes", "", "", "", "", ""],
        ["2025-02-12", "Board meeting", "", "A", "maybe", "", "", "-3", "lots", "1.5"],
        ["2025-02-12", "Board meeting", "Council", "B", "yes", "", "", "", "", ""],
        ["2025-02-12", "Board meeting", "Council", "B", "yes", "", "", "", "", ""],
    )
    with pytest.raises(ValidationError) as caught:
        activity(db, rows)
    problems = [(p.row, p.column, p.message) for p in caught.value.problems]
    assert (2, "date", "not a date") in problems
    assert (3, "partner", "the partner is blank") in problems
    assert (3, "attended", "not yes or no") in problems
    assert (3, "staff_hours", "not a number of zero or more") in problems
    assert (3, "resources", "not a number of zero or more") in problems
    assert (3, "info_shared", "not a whole number") in problems
    assert any(p.row == 5 and "as row 4" in p.message for p in caught.value.problems)
    assert caught.value.total == 7
    assert counts(db) == (0, 0)


def test_missing_activity_columns(db):
    with pytest.raises(ValidationError) as caught:
        activity(db, [["date", "partner"], ["2025-01-01", "Police"]])
    assert [p.message for p in caught.value.problems] == ["required column 'attended' is missing"]


def test_same_file_and_same_meetings_refused(db):
    activity(db, GOOD)
    with pytest.raises(DuplicateUploadError):
        activity(db, GOOD)
    with pytest.raises(ValidationError, match="already stored"):
        activity(
            db,
            [*GOOD, ["2025-02-12", "Board meeting", "Police", "X", "no"] + [""] * 5],
            name="again.csv",
        )


def test_removal_deletes_records(db):
    first = activity(db, GOOD)
    outcomes = import_outcomes(
        db,
        io.BytesIO(to_csv([["month", "category", "count"], ["2025-01", "Burglary", 3]])),
        "o.csv",
    )
    assert uploads.remove_upload(db, first.upload_id)["file_name"] == "activity.csv"
    assert records.activity_records(db).empty
    assert len(records.outcome_counts(db)) == 1
    uploads.remove_upload(db, outcomes.upload_id)
    assert records.outcome_counts(db).empty
    assert uploads.list_uploads(db).empty


def test_outcomes_long_form_counts_incidents(db):
    rows = [
        ["Crime ID", "Month", "Falls within", "LSOA name", "Crime type"],
        ["a", "2025-01", "Force", "North 1", "Burglary"],
        ["b", "2025-01", "Force", "North 1", "Burglary"],
        ["", "2025-01", "Force", "North 2", "Anti-social behaviour"],
        ["c", "2025-02", "Force", "North 1", "Burglary"],
    ]
    result = import_outcomes(db, io.BytesIO(to_csv(rows)), "police.csv", partnership="N")
    assert result.rows == 4 and result.stored == 3
    stored = db.query_rows("SELECT area, month, category, count FROM outcomes ORDER BY ALL")
    assert stored == [
        ("North 1", date(2025, 1, 1), "Burglary", 2),
        ("North 1", date(2025, 2, 1), "Burglary", 1),
        ("North 2", date(2025, 1, 1), "Anti-social behaviour", 1),
    ]


def test_outcomes_wide_form(db, files):
    rows = [
        ["area", "category", "2025-01", "Feb 2025", "2025-03"],
        ["North", "Burglary", 4, 5, ""],
        ["North", "Vehicle crime", 1, 0, 2],
    ]
    result = import_outcomes(db, io.BytesIO(files.xlsx(rows)), "wide.xlsx")
    assert result.periods == ["2025-01", "2025-02", "2025-03"]
    totals = records.outcome_counts(db)
    assert totals["count"].sum() == 12
    assert totals["partnership"].unique().tolist() == ["Partnership"]
    with pytest.raises(ValidationError, match="already stored"):
        import_outcomes(db, io.BytesIO(files.csv(rows)), "wide.csv")


def test_outcomes_problems(db, files):
    rows = [["month", "category", "count"], ["soon", "Burglary", 1], ["2025-01", "", 2]]
    rows.append(["2025-01", "Burglary", "-1"])
    with pytest.raises(ValidationError) as caught:
        import_outcomes(db, io.BytesIO(files.csv(rows)), "bad.csv")
    assert [p.row for p in caught.value.problems] == [2, 3, 4]
    with pytest.raises(ValidationError, match="no 'month' column"):
        import_outcomes(db, io.BytesIO(files.csv([["category", "x"], ["a", "1"]])), "x.csv")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-12", date(2025, 3, 12)),
        ("2025-03-12 00:00:00", date(2025, 3, 12)),
        ("12/03/2025", date(2025, 3, 12)),
        ("45728", date(2025, 3, 12)),
        ("2025-02-30", None),
        ("soon", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-07", date(2024, 7, 1)),
        ("2024/7", date(2024, 7, 1)),
        ("Jul 2024", date(2024, 7, 1)),
        ("July-24", date(2024, 7, 1)),
        ("2024-07-15", date(2024, 7, 1)),
        ("2024-13", None),
        ("Foo 2024", None),
    ],
)
def test_parse_month(text, expected):
    assert parse_month(text) == expected


def test_templates_are_accepted_when_filled(db):
    wb = build_records_template("activity")
    ws = wb.active
    assert [c.value for c in ws[1]] == HEADER
    ws.append(["2025-02-12", "Board meeting", "Police", "A", "yes", "", "yes", 3, 0, 1])
    out = io.BytesIO()
    wb.save(out)
    prepared = prepare_records(db, io.BytesIO(out.getvalue()), "t.xlsx", "activity")
    assert prepared.table.num_rows == 1
    assert records_template_bytes("outcomes") == records_template_bytes("outcomes")
