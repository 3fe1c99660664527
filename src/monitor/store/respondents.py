"""Respondent-level reads for the statistics: the factor scores of chosen waves (to
match repeat respondents) and per-agency summaries (n, mean, sd)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from monitor.instrument import Instrument
from monitor.store.database import Database, sql_text
from monitor.store.scoring import ScoreFilter, respondent_params, respondent_scores_sql

if TYPE_CHECKING:
    import pandas as pd

GROUPS = (None, "role")


def scores_in_waves(
    db: Database,
    instrument: Instrument,
    waves: Sequence[str],
    partnership: str | None = None,
    partners: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Each respondent's factor score in the listed waves (of one partnership, and only
    `partners` when given): partnership, wave, wave_start, respondent_id, partner, role,
    factor, score. A respondent is the same person in two waves when partnership and
    respondent_id match."""
    where = ScoreFilter(partnership, tuple(partners) if partners else None)
    sql = respondent_scores_sql(db, instrument) + sql_text("respondent_scores_in_waves.sql")
    return db.query_df(sql, {**respondent_params(instrument, where), "waves": list(waves)})


def agency_summaries(
    db: Database, instrument: Instrument, where: ScoreFilter | None = None, by: str | None = None
) -> pd.DataFrame:
    """Per partnership, wave, factor (and role when `by='role'`) and partner agency: n,
    mean and sd (sample; NaN for one respondent) of the respondents' factor scores."""
    if by not in GROUPS:
        raise ValueError(f"by must be 'role' or None, not {by!r}")
    sql = respondent_scores_sql(db, instrument) + sql_text("agency_summaries.sql").format(
        group_select=f"{by}, " if by else ""
    )
    return db.query_df(sql, respondent_params(instrument, where))
