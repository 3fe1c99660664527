"""Stored activity records and outcome counts."""

from __future__ import annotations

import pandas as pd

from monitor.store.database import Database, sql_text

OUTCOME_KEYS = (
    "SELECT DISTINCT partnership, area, month, category FROM outcomes "
    "WHERE list_contains($p, partnership)"
)


def activity_records(db: Database, partnership: str | None = None) -> pd.DataFrame:
    """Stored activity rows of one partnership (or all), in date order."""
    return db.query_df(sql_text("activity_records.sql"), {"partnership": partnership})


def outcome_counts(db: Database, partnership: str | None = None) -> pd.DataFrame:
    """Outcome counts per partnership, month and category."""
    return db.query_df(sql_text("outcome_counts.sql"), {"partnership": partnership})


def outcome_keys(db: Database, partnerships: list[str]) -> pd.DataFrame:
    """The (partnership, area, month, category) of outcome counts stored for `partnerships`."""
    return db.query_df(OUTCOME_KEYS, {"p": partnerships})
