"""Downloads of the combined data (CSV and Excel), safe to open in a spreadsheet.

The combined data are the raw answers, one row per respondent with partner and
respondent id: no disclosure rule can protect them, so only evaluators and admins may
read them (`access.RAW_ANSWERS`, checked here for every caller)."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

from monitor import access
from monitor.access import Actor
from monitor.errors import TooLargeForExcelError
from monitor.instrument import Instrument, load_instrument
from monitor.scorecard import View
from monitor.store import Database, lookups, responses

UTF8_BOM = "\ufeff".encode()  # so that Excel opens accents correctly
EXCEL_MAX_ROWS = 1_048_576  # rows of an Excel sheet, the header included
# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell neutralised (see `neutralise`)."""
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].map(neutralise)
    return frame


def response_count(db: Database, view: View) -> int:
    """How many rows `combined_data` holds for the view."""
    return responses.count_responses(db, view.score_filter(db))


def may_read_answers(actor: Actor | None) -> bool:
    """Whether `actor` may read the raw answers (evaluators and admins)."""
    return actor is not None and actor.can(access.RAW_ANSWERS)


def combined_data(
    db: Database,
    view: View,
    actor: Actor | None,
    instrument: Instrument | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Stored answers, one row per respondent and wave, for the view's partnership,
    partners and waves (from `view.wave_from` to `view.wave`); the first `limit` rows
    when given. Raises AccessDenied unless `actor` may read raw answers of the
    partnership."""
    _require_raw_answers(db, view, actor)
    instrument = instrument or load_instrument()
    frame = responses.answers_wide(db, instrument, view.score_filter(db), limit)
    frame["wave_start"] = pd.to_datetime(frame["wave_start"]).dt.date
    return frame


def combined_csv(
    db: Database, view: View, actor: Actor | None, instrument: Instrument | None = None
) -> bytes:
    """`combined_data` (every row) as `to_csv_bytes` writes it, made by DuckDB without a
    frame: the 1.33M respondents of a large store took 2.2 GB and 65 s through pandas.
    Raises AccessDenied as `combined_data` does."""
    _require_raw_answers(db, view, actor)
    instrument = instrument or load_instrument()
    where = view.score_filter(db)
    return UTF8_BOM + responses.answers_wide_csv(db, instrument, where, FORMULA_STARTS)


def _require_raw_answers(db: Database, view: View, actor: Actor | None) -> None:
    chosen = [view.partnership] if view.partnership else lookups.partnerships(db)
    access.require(actor, access.RAW_ANSWERS, chosen)


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a BOM so Excel opens accents correctly."""
    return UTF8_BOM + safe_frame(frame).to_csv(index=False).encode()


def to_excel_bytes(frame: pd.DataFrame, sheet_name: str = "Data") -> bytes:
    return to_excel_sheets({sheet_name: frame})


def to_excel_sheets(sheets: dict[str, pd.DataFrame]) -> bytes:
    """One Excel workbook with a sheet per frame (sheet name -> frame), cells neutralised.
    Written row by row (a write-only workbook): 100,000 respondents took 77 s and 1.5 GB
    when every cell was kept in memory until saving. Raises TooLargeForExcelError for a
    frame of more rows than a sheet holds."""
    from openpyxl import Workbook

    for name, frame in sheets.items():
        if len(frame) >= EXCEL_MAX_ROWS:
            raise TooLargeForExcelError(
                f"The sheet '{name}' has {len(frame):,} rows; an Excel sheet holds "
                f"{EXCEL_MAX_ROWS - 1:,} under its header."
            )
    book = Workbook(write_only=True)
    for name, frame in sheets.items():
        _write_sheet(book.create_sheet(name[:31]), frame)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_sheet(sheet: Any, frame: pd.DataFrame) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    header = []
    for name in frame.columns:
        cell = WriteOnlyCell(sheet, value=neutralise(str(name)))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in safe_frame(frame).itertuples(index=False, name=None):
        sheet.append([_excel_value(v) for v in row])


def _excel_value(value: object) -> object:
    """A frame's value as a cell holds it: missing values (NaN, NA, NaT) left empty."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    return value
