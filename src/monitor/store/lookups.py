"""What the store holds: partnerships, partners, waves and row counts (for menus and checks).

Partnerships, partners and waves of the survey are read from the respondent counts kept
per upload (`respondent_counts`, see kept_scores.py), a few rows instead of every answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from monitor.store.database import Database, quote_identifier, sql_text
from monitor.store.writer import DATA_TABLES

if TYPE_CHECKING:
    import pandas as pd


def partnerships(db: Database) -> list[str]:
    rows = db.query_rows("SELECT DISTINCT partnership FROM respondent_counts ORDER BY partnership")
    return [r[0] for r in rows]


def partners(db: Database, partnership: str | None = None) -> list[str]:
    """Partners with answers (in one partnership, or any)."""
    rows = db.query_rows(
        "SELECT DISTINCT partner FROM respondent_counts "
        "WHERE $partnership IS NULL OR partnership = $partnership ORDER BY partner",
        {"partnership": partnership},
    )
    return [r[0] for r in rows]


def record_partnerships(db: Database) -> list[str]:
    """Partnerships with survey answers, activity records or outcome counts."""
    rows = db.query_rows(
        "SELECT partnership FROM respondent_counts UNION SELECT partnership FROM activity "
        "UNION SELECT partnership FROM outcomes ORDER BY partnership"
    )
    return [r[0] for r in rows]


def waves(db: Database, partnership: str | None = None) -> pd.DataFrame:
    """Waves with data in time order: partnership, wave, wave_start."""
    return db.query_df(sql_text("waves.sql"), {"partnership": partnership})


def wave_starts(db: Database, partnerships_: list[str]) -> dict[tuple[str, str], object]:
    """Start date of each stored wave label, keyed by (partnership, wave)."""
    rows = db.query_rows(
        "SELECT partnership, wave, min(wave_start) FROM respondent_counts "
        "WHERE list_contains($p, partnership) GROUP BY ALL",
        {"p": partnerships_},
    )
    return {(partnership, wave): start for partnership, wave, start in rows}


def table_counts(db: Database) -> dict[str, int]:
    """Rows in each table of stored data."""
    counts = " UNION ALL ".join(
        f"SELECT '{table}', count(*) FROM {quote_identifier(table)}" for table in DATA_TABLES
    )
    return dict(db.query_rows(counts))


def count_answers(db: Database) -> int:
    """The answers stored (counted in their own table: the view `answers` would join)."""
    return db.query_rows("SELECT count(*) FROM item_answers")[0][0]
