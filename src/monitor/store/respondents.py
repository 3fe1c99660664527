"""Respondent-level reads for the statistics: two waves' factor scores summarised with
their repeat respondents matched (for the change test) and per-agency summaries (n,
mean, sd)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from monitor.instrument import Instrument
from monitor.store.database import Database, sql_text
from monitor.store.scoring import ScoreFilter, respondent_params, respondent_scores_sql

if TYPE_CHECKING:
    import pandas as pd

GROUPS = (None, "role")


def wave_overlap(
    db: Database,
    instrument: Instrument,
    before: Sequence[str],
    after: str,
    *,
    partnership: str | None = None,
    partners: Sequence[str] | None = None,
    by_agency: bool = False,
) -> pd.DataFrame:
    """The factor scores of each wave in `before` against those of wave `after`, as
    partially overlapping samples (see `statistics.Overlap`): one row per earlier wave
    and factor (and partner with `by_agency`, where a respondent repeats only for the
    same agency): before, factor, [partner], n1, mean1, sd1, n2, mean2, sd2, n_paired,
    r. A side without respondents has n 0 and NULL mean; sd is NULL for one respondent;
    r is 0 below `statistics.MIN_PAIRS_FOR_CORRELATION` shared respondents or when
    either side of the pairs has no spread (as `statistics.pearson`)."""
    agency = {
        "agency": ", partner",
        "later_agency": ", l.partner",
        "pair_agency": ", partner_a AS partner",
        "group_agency": ", g.partner",
        "same_agency": "\n      AND partner_a = partner_b",
    }
    from monitor.statistics import MIN_PAIRS_FOR_CORRELATION  # numpy: only when used

    keys = agency if by_agency else dict.fromkeys(agency, "")
    sql = respondent_scores_sql(db, instrument) + sql_text("wave_overlap.sql").format(**keys)
    where = ScoreFilter(partnership, tuple(partners) if partners else None)
    params = {**respondent_params(instrument, where), "before": list(before), "after": after}
    params["min_pairs"] = MIN_PAIRS_FOR_CORRELATION
    return db.query_df(sql, params)


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
