"""Reading an outcomes file: crime and disorder counts of the partnership's area by month
and category, either in long form (one row per incident, as police open data, or one row
per month and category with a count) or wide (one column per month)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pyarrow as pa

from monitor.errors import MAX_LISTED, Problem, ProblemList, ValidationError
from monitor.ingest.cells import parse_month, sheet_rows, whole_count
from monitor.ingest.columns import (
    DEFAULT_PARTNERSHIP,
    header_problems,
    locate_fields,
    missing_fields,
)
from monitor.ingest.kinds import OUTCOMES
from monitor.ingest.readers import Sheet
from monitor.store import Database
from monitor.store.records import outcome_keys

DEFAULT_AREA = "Whole area"


OUTCOME_ALIASES: dict[str, tuple[str, ...]] = {
    "partnership": ("partnership", "partnership_name"),
    "month": ("month", "period", "date"),
    "category": ("category", "crime_type", "offence", "offence_type", "type"),
    "area": ("area", "lsoa_name", "neighbourhood", "ward", "falls_within"),
    "count": ("count", "crimes", "incidents", "number", "n"),
}


OUTCOME_SCHEMA = pa.schema(
    [
        ("partnership", pa.string()),
        ("area", pa.string()),
        ("month", pa.date32()),
        ("category", pa.string()),
        ("count", pa.int32()),
    ]
)


def _outcome_cells(sheet: Sheet, fields: dict, month_columns: dict[int, date], problems):
    """(partnership, area, month, category, count) per cell or row of the file."""
    header = sheet.header

    def get(cells, name, default=""):
        return cells[fields[name]] if name in fields else default

    out = []
    rows = sheet_rows(sheet)
    for row, cells in rows:
        category = get(cells, "category")
        if not category:
            problems.add(
                Problem(
                    "the category is blank",
                    "Give the crime or disorder category on every row",
                    row=row,
                    column=header[fields["category"]],
                )
            )
            continue
        head = (get(cells, "partnership"), get(cells, "area") or DEFAULT_AREA)
        if month_columns:  # wide: one column per month
            for pos, month in month_columns.items():
                count = whole_count(cells[pos])
                if count is None:
                    problems.add(
                        Problem(
                            "not a whole number of zero or more",
                            "Write the number of incidents (blank counts as 0)",
                            row=row,
                            column=header[pos],
                            value=cells[pos],
                        )
                    )
                    continue
                out.append((*head, month, category, count))
            continue
        month = parse_month(get(cells, "month"))
        if month is None:
            problems.add(
                Problem(
                    "not a month",
                    "Write the month as 2025-03",
                    row=row,
                    column=header[fields["month"]],
                    value=get(cells, "month"),
                )
            )
            continue
        count = whole_count(get(cells, "count", "1")) if "count" in fields else 1
        if count is None:
            problems.add(
                Problem(
                    "not a whole number of zero or more",
                    "Write the number of incidents",
                    row=row,
                    column=header[fields["count"]],
                    value=get(cells, "count"),
                )
            )
            continue
        out.append((*head, month, category, count))
    return rows, out


def prepare_outcomes(
    db: Database, sheet: Sheet, file_name: str, partnership: str | None
) -> tuple[int, pa.Table, list[str], list[str]]:
    """Validate the outcomes rows of `sheet`: the rows read, the table to store, its
    periods and notes. Raises ValidationError listing every problem."""
    fields, other = locate_fields(sheet.header, OUTCOME_ALIASES)
    month_columns = {}
    if "month" not in fields:
        month_columns = {
            pos: parse_month(sheet.header[pos]) for pos in other if parse_month(sheet.header[pos])
        }
    problems = header_problems(sheet.header)
    problems += missing_fields(fields, ("category",), OUTCOMES)
    if "month" not in fields and not month_columns:
        problems.append(
            Problem(
                "no 'month' column and no columns named by month",
                "Give a 'month' column (one row per incident or per month and category), or "
                "one column per month named like 2025-03",
                row=1,
            )
        )
    if problems:
        raise ValidationError(file_name, problems + sheet.problems)
    collected = ProblemList()
    for p in sheet.problems:
        collected.add(p)
    rows, cells = _outcome_cells(sheet, fields, month_columns, collected)
    if not rows:
        collected.add(Problem("the file has column names but no rows", "Add the counts"))
    frame = pd.DataFrame(cells, columns=["partnership", "area", "month", "category", "count"])
    frame["partnership"] = (
        frame["partnership"].replace("", None).fillna(partnership or DEFAULT_PARTNERSHIP)
    )
    frame = frame.groupby(["partnership", "area", "month", "category"], as_index=False)[
        "count"
    ].sum()
    _outcomes_stored(db, frame, collected)
    if collected.total:
        raise ValidationError(file_name, collected.listed, collected.total)
    table = pa.Table.from_pandas(frame, schema=OUTCOME_SCHEMA, preserve_index=False)
    periods = sorted({m.strftime("%Y-%m") for m in frame["month"]})
    notes = []
    if month_columns:
        notes.append(f"Read as a wide table: {len(month_columns)} month columns.")
    return len(rows), table, periods, notes


def _outcomes_stored(db: Database, frame: pd.DataFrame, problems: ProblemList) -> None:
    stored = outcome_keys(db, sorted(frame["partnership"].unique().tolist()))
    if stored.empty:
        return
    stored["month"] = pd.to_datetime(stored["month"]).dt.date
    clash = frame.merge(stored, on=["partnership", "area", "month", "category"])
    for r in clash.head(MAX_LISTED).itertuples():
        problems.add(
            Problem(
                f"{r.category} in {r.area}, {r.month:%Y-%m} is already stored",
                "Remove the earlier upload first, or leave these months out",
            )
        )
