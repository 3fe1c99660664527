"""Survey waves: a label people recognise and a start date that orders waves in time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

_QUARTER = re.compile(r"^(\d{4})\s*[-/ ]?\s*Q([1-4])$|^Q([1-4])\s*[-/ ]?\s*(\d{4})$", re.I)
_HALF = re.compile(r"^(\d{4})\s*[-/ ]?\s*H([12])$|^H([12])\s*[-/ ]?\s*(\d{4})$", re.I)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Wave:
    label: str
    start: date | None


def _quarter(text: str) -> Wave | None:
    m = _QUARTER.match(text)
    if not m:
        return None
    year = int(m.group(1) or m.group(4))
    quarter = int(m.group(2) or m.group(3))
    return Wave(f"{year}-Q{quarter}", date(year, 3 * quarter - 2, 1))


def _half(text: str) -> Wave | None:
    m = _HALF.match(text)
    if not m:
        return None
    year = int(m.group(1) or m.group(4))
    half = int(m.group(2) or m.group(3))
    return Wave(f"{year}-H{half}", date(year, 6 * half - 5, 1))


def _month(text: str) -> Wave | None:
    m = _MONTH.match(text)
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    return Wave(f"{year}-{month:02d}", date(year, month, 1))


def _day(text: str) -> Wave | None:
    m = _DATE.match(text)
    if not m:
        return None
    try:
        day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    return Wave(day.isoformat(), day)


def _year(text: str) -> Wave | None:
    m = _YEAR.match(text)
    return Wave(m.group(1), date(int(m.group(1)), 1, 1)) if m else None


def parse_wave(value: object) -> Wave:
    """Read a wave from a cell: `YYYY-Qn`, `YYYY-Hn`, `YYYY-MM`, an ISO date, a year,
    or any other label (which then has no start date of its own)."""
    if isinstance(value, datetime):
        return Wave(value.date().isoformat(), value.date())
    if isinstance(value, date):
        return Wave(value.isoformat(), value)
    text = " ".join(str(value).split())
    for parser in (_quarter, _half, _month, _day, _year):
        wave = parser(text)
        if wave:
            return wave
    return Wave(text, None)


def parse_start(value: object) -> date | None:
    """A wave's start date given on its own (ISO date, `YYYY-MM`, `YYYY-Qn`...)."""
    return parse_wave(value).start


def next_wave(label: str) -> str | None:
    """The wave after `label` in the same rhythm (quarter, half, month, year), or None
    when the label has no rhythm (an ISO date or a free label)."""
    text = " ".join(str(label).split())
    if wave := _quarter(text):
        year, quarter = wave.start.year, (wave.start.month + 2) // 3
        return f"{year + quarter // 4}-Q{quarter % 4 + 1}"
    if wave := _half(text):
        year, half = wave.start.year, 1 if wave.start.month == 1 else 2
        return f"{year + half // 2}-H{half % 2 + 1}"
    if wave := _month(text):
        year, month = wave.start.year, wave.start.month
        return f"{year + month // 12}-{month % 12 + 1:02d}"
    if wave := _year(text):
        return str(wave.start.year + 1)
    return None
