"""Power and information sharing between agencies.

* The power-differential index: per factor and wave, how far apart the partner agencies'
  mean scores are (range, standard deviation and Gini coefficient of the partner means).
  Only partners with at least the minimum group size take part.
* The "partnership in name only" warning: an agency whose power, trust or communication
  score sits far below the partnership's, wave after wave.
"""

from __future__ import annotations

import pandas as pd

from monitor import disclosure
from monitor.instrument import Instrument, load_instrument
from monitor.scorecard import View
from monitor.scores import factor_scores
from monitor.store import Database
from monitor.store import queries as q

NAME_ONLY_FACTORS = ("power", "trust", "communication")
INDEX_COLUMNS = [
    "partnership", "wave", "wave_start", "factor", "factor_name",
    "partners", "lowest", "highest", "range", "sd", "gini",
]  # fmt: skip


def power_index(
    db: Database, view: View, min_group_size: int, instrument: Instrument | None = None
) -> pd.DataFrame:
    """The spread of partner means per wave and factor, up to `view.wave` (from
    `view.wave_from`): partners, lowest, highest, range, sd, gini. Partners hidden by the
    disclosure rule (too small, or hidden to protect a small one) take no part."""
    instrument = instrument or load_instrument()
    where = view.score_filter(db)
    counts = q.group_scores(db, instrument, by="partner", where=where)
    hidden = disclosure.suppress(counts, min_group_size)
    excluded = hidden.loc[hidden["suppressed"], ["partnership", "wave", "factor", "partner"]]
    frame = q.power_index(db, instrument, where, min_group_size, excluded)
    frame.insert(4, "factor_name", frame["factor"].map(instrument.factor_names()))
    return frame[INDEX_COLUMNS]


def partner_history(
    db: Database, view: View, min_group_size: int, instrument: Instrument | None = None
) -> pd.DataFrame:
    """Partner scores of every wave up to `view.wave` (disclosure rule applied), with the
    partnership's score of the same wave and factor (`overall`) and `difference`."""
    instrument = instrument or load_instrument()
    where = view.score_filter(db)
    by_partner = factor_scores(db, by="partner", where=where, instrument=instrument)
    if by_partner.empty:
        return by_partner
    by_partner = disclosure.suppress(by_partner, min_group_size)
    whole = factor_scores(db, where=where, instrument=instrument)
    merged = by_partner.merge(
        whole[["wave", "factor", "mean"]].rename(columns={"mean": "overall"}),
        on=["wave", "factor"],
    )
    merged["difference"] = merged["mean"] - merged["overall"]
    return merged


def name_only(
    history: pd.DataFrame,
    gap: float,
    waves: int = 2,
    factors: tuple[str, ...] = NAME_ONLY_FACTORS,
) -> pd.DataFrame:
    """Agencies at least `gap` below the partnership on one of `factors` in each of the
    last `waves` waves (consecutive, ending with the latest wave of `history`).

    One row per partner and factor: partner, factor, factor_name, waves (the streak
    length), latest_difference, mean_difference."""
    columns = ["partner", "factor", "factor_name", "waves", "latest_difference", "mean_difference"]
    if history.empty:
        return pd.DataFrame(columns=columns)
    order = history.drop_duplicates("wave").sort_values("wave_start")["wave"].tolist()
    rows = []
    part = history[history["factor"].isin(factors)]
    for (partner, factor), group in part.groupby(["partner", "factor"], sort=False):
        by_wave = group.set_index("wave")["difference"]
        streak = []
        for wave in reversed(order):
            value = by_wave.get(wave)
            if value is None or pd.isna(value) or value > -gap:
                break
            streak.append(value)
        if len(streak) >= waves:
            rows.append(
                (
                    partner,
                    factor,
                    group["factor_name"].iloc[0],
                    len(streak),
                    streak[0],
                    sum(streak) / len(streak),
                )
            )
    result = pd.DataFrame(rows, columns=columns)
    return result.sort_values("mean_difference").reset_index(drop=True)
