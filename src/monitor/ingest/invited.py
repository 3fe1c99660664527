"""Counts of people invited per agency, as files bring them: the Invited sheet of a
partnership's survey template (read when the filled template is uploaded and stored with
its answers) and a CSV file of counts (see monitor.response_rates for the rate)."""

from __future__ import annotations

import csv
import io
from collections import Counter

import pyarrow as pa

from monitor import response_rates
from monitor.errors import InvitedCountError, Problem
from monitor.sheets import INVITED_COLUMNS, INVITED_SHEET
from monitor.store import Database, lookups

COLUMN = f"invited ({INVITED_SHEET} sheet)"


def _problem(message: str, fix: str, row: int | None = None, value: str = "") -> Problem:
    return Problem(f"{INVITED_SHEET} sheet: {message}", fix, row, COLUMN, value or None)


def read_counts(
    db: Database,
    rows: list[list[str]],
    partnerships: list[str],
    waves: list[str],
    respondents: pa.Table | None,
) -> tuple[dict[str, dict[str, int]], list[Problem]]:
    """The counts typed in the sheet's `rows` (header first): wave -> agency -> people
    invited, and the problems found. Rows without a count are skipped. A count is checked
    against the agency's respondents in its wave, stored and in this file (`respondents`:
    the file's, None when the file has problems of its own)."""
    if len(rows) < 2:
        return {}, []
    header = [h.strip().lower() for h in rows[0]]
    missing = [c for c in INVITED_COLUMNS if c not in header]
    if missing:
        fix = f"Keep the header row as the template has it: {', '.join(INVITED_COLUMNS)}."
        return {}, [_problem(f"no {' or '.join(missing)} column", fix, 1)]
    at = {c: header.index(c) for c in INVITED_COLUMNS}
    given = [(n, r) for n, r in enumerate(rows[1:], start=2) if _cell(r, at["invited"])]
    if not given:
        return {}, []
    if len(partnerships) != 1:
        fix = "Upload the counts with a file of one partnership."
        return {}, [_problem("counts for a file of several partnerships", fix)]
    return _checked(db, given, at, partnerships[0], waves, respondents)


def _cell(row: list[str], position: int) -> str:
    return row[position].strip() if position < len(row) else ""


def _checked(db, given, at, partnership, waves, respondents):
    known = set(waves) | {w for _, w in _stored_waves(db, partnership)}
    in_file = _file_counts(respondents)
    counts: dict[str, dict[str, int]] = {}
    problems = []
    for number, row in given:
        partner, wave = " ".join(_cell(row, at["partner"]).split()), _cell(row, at["wave"])
        raw = _cell(row, at["invited"])
        if not partner or not wave:
            what = "agency" if not partner else "wave"
            problems.append(_problem(f"a count without its {what}", f"Fill in the {what}.", number))
            continue
        if wave not in known:
            fix = f"Use a wave of the Responses sheet ({', '.join(waves)})."
            problems.append(_problem(f"wave {wave} is not in the file", fix, number, wave))
            continue
        if partner in counts.get(wave, {}):
            fix = "Keep one row per agency and wave."
            problems.append(_problem(f"{partner} is listed twice for {wave}", fix, number))
            continue
        came = None if respondents is None else _answered(db, partnership, wave, in_file, partner)
        count, wrong, fix = response_rates.check_count(raw, came or 0, wave)
        if wrong:
            problems.append(_problem(f"{partner}: {wrong}", fix, number, raw))
        elif count is not None:
            counts.setdefault(wave, {})[partner] = count
    return counts, problems


def _stored_waves(db: Database, partnership: str):
    return lookups.wave_starts(db, [partnership])


def _file_counts(respondents: pa.Table | None) -> Counter:
    if respondents is None:
        return Counter()
    pairs = zip(respondents["wave"].to_pylist(), respondents["partner"].to_pylist(), strict=True)
    return Counter(pairs)


def _answered(db: Database, partnership: str, wave: str, in_file: Counter, partner: str) -> int:
    stored = response_rates.answered(db, partnership, wave).get(partner, 0)
    return int(stored) + in_file[(wave, partner)]


# --- a CSV file of counts ---------------------------------------------------------------


def read_invited_csv(data: bytes, wave: str | None = None) -> dict[str, dict[str, str]]:
    """Counts of people invited from a CSV file with the columns partner (or agency),
    invited and, unless `wave` is given, wave: wave -> agency -> the cell as written
    (checked by `record_invited`). Raises InvitedCountError listing every problem."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvitedCountError(
            "the file", ["It is not UTF-8 text. Save it as CSV (UTF-8) and try again."]
        ) from None
    rows = list(csv.reader(io.StringIO(text)))
    header = [h.strip().lower() for h in (rows[0] if rows else [])]
    columns = {
        "partner": _column(header, ("partner", "agency")),
        "invited": _column(header, ("invited",)),
        "wave": _column(header, ("wave",)),
    }
    missing = [name for name in ("partner", "invited") if columns[name] is None]
    if wave is None and columns["wave"] is None:
        missing.append("wave")
    if missing:
        raise InvitedCountError(
            "the file",
            [
                f"It has no {' or '.join(missing)} column. The first row must name the "
                "columns partner, invited and wave (or give the wave separately)."
            ],
        )
    found: dict[str, dict[str, str]] = {}
    problems = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        partner = " ".join(_csv_cell(row, columns["partner"]).split())
        row_wave = wave or _csv_cell(row, columns["wave"]).strip()
        if not partner or not row_wave:
            problems.append(f"Row {number}: no {'agency' if not partner else 'wave'}. Fill it in.")
            continue
        counts = found.setdefault(row_wave, {})
        if partner in counts:
            problems.append(
                f"Row {number}: {partner} is listed twice for {row_wave}. Keep one row."
            )
            continue
        counts[partner] = _csv_cell(row, columns["invited"])
    if problems:
        raise InvitedCountError("the file", problems)
    if not found:
        raise InvitedCountError("the file", ["It has no rows of counts below the header."])
    return found


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    return next((header.index(n) for n in names if n in header), None)


def _csv_cell(row: list[str], position: int | None) -> str:
    return row[position] if position is not None and position < len(row) else ""
