"""Downloads of the combined data (CSV and Excel), safe to open in a spreadsheet.

The combined data are the raw answers, one row per respondent with partner and
respondent id: no disclosure rule can protect them, so only evaluators and admins may
read them (`access.RAW_ANSWERS`, checked here for every caller)."""

from __future__ import annotations

import io

import pandas as pd

from monitor import access
from monitor.access import Actor
from monitor.instrument import Instrument, load_instrument
from monitor.scorecard import View
from monitor.store import Database, lookups, responses

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
    chosen = [view.partnership] if view.partnership else lookups.partnerships(db)
    access.require(actor, access.RAW_ANSWERS, chosen)
    instrument = instrument or load_instrument()
    frame = responses.answers_wide(db, instrument, view.score_filter(db), limit)
    frame["wave_start"] = pd.to_datetime(frame["wave_start"]).dt.date
    return frame


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a BOM so Excel opens accents correctly."""
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")


def to_excel_bytes(frame: pd.DataFrame, sheet_name: str = "Data") -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        safe_frame(frame).to_excel(writer, index=False, sheet_name=sheet_name)
    return buffer.getvalue()


def to_excel_sheets(sheets: dict[str, pd.DataFrame]) -> bytes:
    """One Excel workbook with a sheet per frame (sheet name -> frame), cells neutralised."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            safe_frame(frame).to_excel(writer, index=False, sheet_name=name[:31])
    return buffer.getvalue()
