"""Values of single cells: dates, months, quarters, numbers, counts and yes/no answers,
and the rows of a sheet as trimmed text."""

from __future__ import annotations

import re
from datetime import date, timedelta

from monitor.ingest.readers import Sheet

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


def number(text: str) -> float | None:
    cleaned = re.sub(r"[£$€,\s]", "", text or "")
    try:
        return float(cleaned)
    except ValueError:
        return None


def whole_count(text: str) -> int | None:
    value = number(text) if text else 0.0
    if value is None or value < 0 or value != int(value):
        return None
    return int(value)


def yes_no(text: str, required: bool) -> bool | None:
    key = text.strip().lower()
    if key in YES:
        return True
    if key in NO and (key or not required):
        return False if key else None
    raise ValueError


def sheet_rows(sheet: Sheet) -> list[tuple[int, list[str]]]:
    """(row number, cells) of every row with some content."""
    columns = [sheet.cells.column(i).to_pylist() for i in range(sheet.cells.num_columns)]
    out = []
    for offset in range(sheet.cells.num_rows):
        cells = [("" if col[offset] is None else str(col[offset])).strip() for col in columns]
        if any(cells):
            out.append((sheet.first_data_row + offset, cells))
    return out


def _date_parts(text: str) -> tuple[int, int, int] | None:
    text = (text or "").strip()
    match = re.match(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text)
    if match:
        return 0, int(match.group(1)), int(match.group(2))  # (flag, year, month)
    match = re.match(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text)
    if match:
        return int(match.group(1)), int(match.group(3)), int(match.group(2))  # first, year, second
    return None


def quarters(values: list[str]) -> list[str]:
    """The quarter (`YYYY-Qn`) of each platform date (2025-03-14 10:22, 3/14/2025, 14/03/2025).

    Day-first or month-first is decided for the whole column: day-first when any date
    has a first number above 12 (as in 14/03/2025), else month-first.
    """
    parts = [_date_parts(v) for v in values]
    day_first = any(p and p[0] > 12 for p in parts)
    out = []
    for p in parts:
        if p is None:
            out.append("")
            continue
        first, year, second = p
        month = second if first == 0 or day_first else first
        out.append(f"{year}-Q{(month - 1) // 3 + 1}" if 1 <= month <= 12 else "")
    return out
