"""Import the two other upload kinds: activity records and outcome counts.

- **Activity records**: one row per partner at each meeting or activity of a partnership
  (date, partner, representative, attended, role, minutes recorded, staff hours, resources,
  information-sharing actions).
- **Outcomes**: crime and disorder counts of the partnership's area by month and category,
  either in long form (one row per incident, as police open data, or one row per month and
  category with a count) or wide (one column per month).

As with surveys, every problem is collected and a file with problems is refused whole;
the same bytes are never imported twice; each import is one transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import BinaryIO

import pandas as pd
import pyarrow as pa

from monitor.errors import Problem, ValidationError
from monitor.ingest.readers import Sheet, read_sheet
from monitor.ingest.survey import (
    DEFAULT_PARTNERSHIP,
    _header_problems,
    normalise_header,
    read_new_file,
)
from monitor.store import Database, uploads
from monitor.store.records import activity_records, outcome_keys

ACTIVITY, OUTCOMES = "activity", "outcomes"
KINDS = (ACTIVITY, OUTCOMES)
MAX_LISTED = 50  # problems listed in full; the rest are counted
DEFAULT_ACTIVITY = "Meeting"
DEFAULT_AREA = "Whole area"

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

OUTCOME_ALIASES: dict[str, tuple[str, ...]] = {
    "partnership": ("partnership", "partnership_name"),
    "month": ("month", "period", "date"),
    "category": ("category", "crime_type", "offence", "offence_type", "type"),
    "area": ("area", "lsoa_name", "neighbourhood", "ward", "falls_within"),
    "count": ("count", "crimes", "incidents", "number", "n"),
}

YES = {"yes", "y", "true", "1", "x", "present", "attended"}
NO = {"no", "n", "false", "0", "absent", ""}
MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
EXCEL_EPOCH = date(1899, 12, 30)


# --- parsing of single cells -------------------------------------------------------------


def parse_date(text: str) -> date | None:
    """A day written as 2025-03-12, 12/03/2025 (day first), an Excel date or serial number."""
    text = (text or "").strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][\d:.]+)?", text)
    if match:
        year, month, day = map(int, match.groups())
    elif match := re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text):
        day, month, year = map(int, match.groups())
    elif re.fullmatch(r"\d{5}(?:\.0+)?", text):
        return EXCEL_EPOCH + timedelta(days=int(float(text)))
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_month(text: str) -> date | None:
    """The first day of a month written as 2024-07, 2024/07, 2024-07-01, Jul 2024 or July-24."""
    text = (text or "").strip()
    if match := re.fullmatch(r"(\d{4})[-/](\d{1,2})", text):
        year, month = map(int, match.groups())
    elif match := re.fullmatch(r"([A-Za-z]+)[\s\-]+(\d{2}|\d{4})", text):
        month = MONTH_NAMES.get(match.group(1).lower())
        year = int(match.group(2))
        year = year + 2000 if year < 100 else year
        if month is None:
            return None
    else:
        day = parse_date(text)
        return day.replace(day=1) if day else None
    return date(year, month, 1) if 1 <= month <= 12 else None


def quarter(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _number(text: str) -> float | None:
    cleaned = re.sub(r"[£$€,\s]", "", text or "")
    try:
        return float(cleaned)
    except ValueError:
        return None


# --- results ---------------------------------------------------------------------------


@dataclass
class PreparedRecords:
    """A validated activity or outcomes file, ready to store."""

    kind: str
    file_name: str
    sha256: str
    rows: int
    partnerships: list[str]
    periods: list[str]
    table: pa.Table
    notes: list[str] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        return self.notes

    def preview(self, limit: int = 20) -> pd.DataFrame:
        return self.table.slice(0, limit).to_pandas()

    def describe(self) -> str:
        what = "activity rows" if self.kind == ACTIVITY else "monthly counts"
        return (
            f"{self.table.num_rows} {what}, period(s) {_span(self.periods)}, partnership "
            f"{', '.join(self.partnerships)}"
        )


@dataclass(frozen=True)
class RecordsResult:
    upload_id: int
    kind: str
    file_name: str
    rows: int
    stored: int
    partnerships: list[str]
    periods: list[str]
    warnings: list[str]

    def summary(self) -> str:
        what = "activity rows" if self.kind == ACTIVITY else "monthly counts"
        return (
            f"Imported {self.file_name} as upload #{self.upload_id}: {self.stored} {what} "
            f"from {self.rows} rows, period(s) {_span(self.periods)} of "
            f"{', '.join(self.partnerships)}."
        )


def _span(periods: list[str]) -> str:
    if len(periods) > 4:
        return f"{periods[0]} to {periods[-1]}"
    return ", ".join(periods)


class _Problems:
    """Collects problems, listing the first MAX_LISTED and counting all."""

    def __init__(self) -> None:
        self.listed: list[Problem] = []
        self.total = 0

    def add(self, problem: Problem) -> None:
        self.total += 1
        if len(self.listed) < MAX_LISTED:
            self.listed.append(problem)


def _locate(header: list[str], aliases: dict[str, tuple[str, ...]]) -> tuple[dict, list]:
    """Map fields to header positions (the earliest alias wins); the other positions."""
    keys = [normalise_header(name) for name in header]
    fields: dict[str, int] = {}
    for name, names in aliases.items():
        for alias in names:
            if alias in keys and keys.index(alias) not in fields.values():
                fields[name] = keys.index(alias)
                break
    other = [pos for pos in range(len(header)) if pos not in fields.values()]
    return fields, other


def _missing(fields: dict, required: tuple[str, ...], kind: str) -> list[Problem]:
    return [
        Problem(
            message=f"required column '{name}' is missing",
            fix=f"Add a column named '{name}' (see the {kind} template), or rename the column "
            "that holds it",
            row=1,
        )
        for name in required
        if name not in fields
    ]


def _rows(sheet: Sheet) -> list[tuple[int, list[str]]]:
    """(row number, cells) of every row with some content."""
    columns = [sheet.cells.column(i).to_pylist() for i in range(sheet.cells.num_columns)]
    out = []
    for offset in range(sheet.cells.num_rows):
        cells = [("" if col[offset] is None else str(col[offset])).strip() for col in columns]
        if any(cells):
            out.append((sheet.first_data_row + offset, cells))
    return out


# --- activity --------------------------------------------------------------------------

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


def _yes_no(text: str, required: bool) -> bool | None:
    key = text.strip().lower()
    if key in YES:
        return True
    if key in NO and (key or not required):
        return False if key else None
    raise ValueError


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
            record[name] = _yes_no(cell(name), required)
        except ValueError:
            bad(name, "not yes or no", "Write yes or no")
            ok = False
    for name in ("staff_hours", "resources", "info_shared"):
        text = cell(name)
        value = _number(text) if text else None
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


def _prepare_activity(db, sheet: Sheet, file_name: str, partnership: str | None):
    fields, _other = _locate(sheet.header, ACTIVITY_ALIASES)
    problems = _header_problems(sheet.header) + _missing(fields, ACTIVITY_REQUIRED, ACTIVITY)
    if problems:
        raise ValidationError(file_name, problems + sheet.problems)
    collected = _Problems()
    for p in sheet.problems:
        collected.add(p)
    default = partnership or DEFAULT_PARTNERSHIP
    records = []
    rows = _rows(sheet)
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
    unknown = [h for h in sheet.header if h and normalise_header(h) not in _all(ACTIVITY_ALIASES)]
    if unknown:
        notes.append("Columns ignored: " + ", ".join(unknown) + ".")
    return len(rows), table, periods, notes


def _all(aliases: dict[str, tuple[str, ...]]) -> set[str]:
    return {name for names in aliases.values() for name in names}


# --- outcomes --------------------------------------------------------------------------

OUTCOME_SCHEMA = pa.schema(
    [
        ("partnership", pa.string()),
        ("area", pa.string()),
        ("month", pa.date32()),
        ("category", pa.string()),
        ("count", pa.int32()),
    ]
)


def _count(text: str) -> int | None:
    value = _number(text) if text else 0.0
    if value is None or value < 0 or value != int(value):
        return None
    return int(value)


def _outcome_cells(sheet: Sheet, fields: dict, month_columns: dict[int, date], problems):
    """(partnership, area, month, category, count) per cell or row of the file."""
    header = sheet.header

    def get(cells, name, default=""):
        return cells[fields[name]] if name in fields else default

    out = []
    rows = _rows(sheet)
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
                count = _count(cells[pos])
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
        count = _count(get(cells, "count", "1")) if "count" in fields else 1
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


def _prepare_outcomes(db, sheet: Sheet, file_name: str, partnership: str | None):
    fields, other = _locate(sheet.header, OUTCOME_ALIASES)
    month_columns = {}
    if "month" not in fields:
        month_columns = {
            pos: parse_month(sheet.header[pos]) for pos in other if parse_month(sheet.header[pos])
        }
    problems = _header_problems(sheet.header)
    problems += _missing(fields, ("category",), OUTCOMES)
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
    collected = _Problems()
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


def _outcomes_stored(db: Database, frame: pd.DataFrame, problems: _Problems) -> None:
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


# --- entry points ------------------------------------------------------------------------


def prepare_records(
    db: Database,
    file: BinaryIO,
    file_name: str,
    kind: str,
    *,
    partnership: str | None = None,
    max_bytes: int | None = None,
) -> PreparedRecords:
    """Read and validate an activity or outcomes file without storing anything."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    data, sha256 = read_new_file(db, file, file_name, max_bytes)
    sheet = read_sheet(data, file_name)
    prepare = _prepare_activity if kind == ACTIVITY else _prepare_outcomes
    rows, table, periods, notes = prepare(db, sheet, file_name, partnership)
    return PreparedRecords(
        kind=kind,
        file_name=file_name,
        sha256=sha256,
        rows=rows,
        partnerships=sorted(set(table.column("partnership").to_pylist())),
        periods=periods,
        table=table,
        notes=notes,
    )


def commit_records(
    db: Database, prepared: PreparedRecords, uploaded_by: str | None = None
) -> RecordsResult:
    """Store a prepared file in one transaction (which refuses it if the same file was
    stored since it was checked)."""
    record = uploads.UploadRecord(
        file_name=prepared.file_name,
        sha256=prepared.sha256,
        partnership=", ".join(prepared.partnerships),
        waves=prepared.periods,
        n_rows=prepared.rows,
        uploaded_by=uploaded_by,
        kind=prepared.kind,
    )
    upload_id = uploads.insert_records(db, record, prepared.table)
    return RecordsResult(
        upload_id=upload_id,
        kind=prepared.kind,
        file_name=prepared.file_name,
        rows=prepared.rows,
        stored=prepared.table.num_rows,
        partnerships=prepared.partnerships,
        periods=prepared.periods,
        warnings=prepared.warnings,
    )


def import_records(
    db: Database,
    file: BinaryIO,
    file_name: str,
    kind: str,
    *,
    partnership: str | None = None,
    uploaded_by: str | None = None,
    max_bytes: int | None = None,
) -> RecordsResult:
    """Read, validate and store one activity or outcomes file (all or nothing)."""
    prepared = prepare_records(
        db, file, file_name, kind, partnership=partnership, max_bytes=max_bytes
    )
    return commit_records(db, prepared, uploaded_by)


def import_activity(db: Database, file: BinaryIO, file_name: str, **options) -> RecordsResult:
    return import_records(db, file, file_name, ACTIVITY, **options)


def import_outcomes(db: Database, file: BinaryIO, file_name: str, **options) -> RecordsResult:
    return import_records(db, file, file_name, OUTCOMES, **options)
