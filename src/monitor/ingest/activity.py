"""Reading an activity file: one row per partner at each meeting or activity of a
partnership (date, partner, representative, attended, role, minutes recorded, staff
hours, resources, information-sharing actions)."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from monitor.errors import Problem, ProblemList, ValidationError
from monitor.ingest.cells import number, parse_date, quarter, sheet_rows, yes_no
from monitor.ingest.columns import (
    DEFAULT_PARTNERSHIP,
    all_aliases,
    header_problems,
    locate_fields,
    missing_fields,
    normalise_header,
)
from monitor.ingest.kinds import ACTIVITY
from monitor.ingest.readers import Sheet
from monitor.store import Database
from monitor.store.records import activity_records

DEFAULT_ACTIVITY = "Meeting"


ACTIVITY_ALIASES: dict[str, tuple[str, ...]] = {
    "partnership": ("partnership", "partnership_name"),
    "date": ("date", "meeting_date", "activity_date"),
    "activity": ("activity", "meeting", "event", "activity_type", "meeting_type"),
    "partner": ("partner", "agency", "partner_agency", "organisation", "organization"),
    "representative": ("representative", "rep", "attendee", "name", "pseudonym"),
    "attended": ("attended", "present", "attendance"),
    "role": ("role", "seniority", "position"),
    "minutes_recorded": ("minutes_recorded", "minutes", "documented"),
    "staff_hours": ("staff_hours", "hours", "staff_time_hours"),
    "resources": ("resources", "resources_contributed", "money", "in_kind", "contribution"),
    "info_shared": (
        "info_shared",
        "information_sharing",
        "information_sharing_actions",
        "info_sharing_actions",
    ),
}


ACTIVITY_REQUIRED = ("date", "partner", "attended")


ACTIVITY_SCHEMA = pa.schema(
    [
        ("partnership", pa.string()),
        ("activity_date", pa.date32()),
        ("activity", pa.string()),
        ("partner", pa.string()),
        ("representative", pa.string()),
        ("attended", pa.bool_()),
        ("role", pa.string()),
        ("minutes_recorded", pa.bool_()),
        ("staff_hours", pa.float64()),
        ("resources", pa.float64()),
        ("info_shared", pa.int32()),
        ("source_row", pa.int32()),
    ]
)


def _activity_row(row: int, cells: list[str], fields: dict, header: list[str], problems, default):
    def cell(name: str) -> str:
        return cells[fields[name]] if name in fields else ""

    def bad(name: str, message: str, fix: str) -> None:
        problems.add(Problem(message, fix, row=row, column=header[fields[name]], value=cell(name)))

    record = {
        "partnership": cell("partnership") or default,
        "activity": cell("activity") or DEFAULT_ACTIVITY,
        "partner": cell("partner"),
        "representative": cell("representative") or None,
        "role": cell("role") or None,
        "source_row": row,
    }
    ok = True
    day = parse_date(cell("date"))
    if day is None:
        bad("date", "not a date", "Write the date as 2025-03-12 (or 12/03/2025)")
        ok = False
    record["activity_date"] = day
    if not record["partner"]:
        bad("partner", "the partner is blank", "Name the partner agency on every row")
        ok = False
    for name, required in (("attended", True), ("minutes_recorded", False)):
        try:
            record[name] = yes_no(cell(name), required)
        except ValueError:
            bad(name, "not yes or no", "Write yes or no")
            ok = False
    for name in ("staff_hours", "resources", "info_shared"):
        text = cell(name)
        value = number(text) if text else None
        if text and (value is None or value < 0):
            bad(name, "not a number of zero or more", "Write a number such as 3 or 2.5")
            ok = False
        elif name == "info_shared" and value is not None and value != int(value):
            bad(name, "not a whole number", "Count the information-sharing actions")
            ok = False
        record[name] = int(value) if name == "info_shared" and value is not None else value
    return record if ok else None


def _activity_duplicates(records: list[dict], db: Database, header, fields, problems) -> None:
    seen: dict[tuple, int] = {}
    for r in records:
        key = (r["partnership"], r["activity_date"], r["activity"], r["partner"])
        key += (r["representative"],)
        if key in seen:
            problems.add(
                Problem(
                    f"the same partner and representative at the same activity as row {seen[key]}",
                    "Keep one row per partner and representative at each meeting or activity",
                    row=r["source_row"],
                    column=header[fields["partner"]],
                    value=r["partner"],
                )
            )
        seen.setdefault(key, r["source_row"])
    stored = activity_records(db)
    if stored.empty or not records:
        return
    keys = set(
        zip(
            stored["partnership"],
            pd.to_datetime(stored["activity_date"]).dt.date,
            stored["activity"],
            stored["partner"],
            strict=True,
        )
    )
    for r in records:
        key = (r["partnership"], r["activity_date"], r["activity"], r["partner"])
        if key in keys:
            problems.add(
                Problem(
                    f"{r['partner']} at {r['activity']} on {r['activity_date']} is already stored",
                    "Remove the earlier upload first, or leave this row out",
                    row=r["source_row"],
                )
            )


def prepare_activity(
    db: Database, sheet: Sheet, file_name: str, partnership: str | None
) -> tuple[int, pa.Table, list[str], list[str]]:
    """Validate the activity rows of `sheet`: the rows read, the table to store, its
    periods and notes. Raises ValidationError listing every problem."""
    fields, _other = locate_fields(sheet.header, ACTIVITY_ALIASES)
    problems = header_problems(sheet.header) + missing_fields(fields, ACTIVITY_REQUIRED, ACTIVITY)
    if problems:
        raise ValidationError(file_name, problems + sheet.problems)
    collected = ProblemList()
    for p in sheet.problems:
        collected.add(p)
    default = partnership or DEFAULT_PARTNERSHIP
    records = []
    rows = sheet_rows(sheet)
    for row, cells in rows:
        record = _activity_row(row, cells, fields, sheet.header, collected, default)
        if record:
            records.append(record)
    _activity_duplicates(records, db, sheet.header, fields, collected)
    if not rows:
        collected.add(Problem("the file has column names but no rows", "Add the records"))
    if collected.total:
        raise ValidationError(file_name, collected.listed, collected.total)
    table = pa.Table.from_pylist(records, schema=ACTIVITY_SCHEMA)
    periods = sorted({quarter(r["activity_date"]) for r in records})
    notes = []
    unknown = [
        h for h in sheet.header if h and normalise_header(h) not in all_aliases(ACTIVITY_ALIASES)
    ]
    if unknown:
        notes.append("Columns ignored: " + ", ".join(unknown) + ".")
    return len(rows), table, periods, notes
