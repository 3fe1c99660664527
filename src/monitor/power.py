"""Power and information sharing between agencies.

* The power-differential index: per factor and wave, how far apart the partner agencies'
  mean scores are (range, standard deviation and Gini coefficient of the partner means).
  Only partners with at least the minimum group size take part.
* The partner scores of every wave against the partnership's, which the "partnership in
  name only" warning reads (the rule itself is in monitor.name_only).
"""

from __future__ import annotations

import pandas as pd

from monitor import disclosure
from monitor.instrument import Instrument, load_instrument
from monitor.scorecard import View
from monitor.scores import factor_scores
from monitor.store import Database, scoring

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
    counts = scoring.group_scores(db, instrument, by="partner", where=where)
    hidden = disclosure.suppress(counts, min_group_size)
    excluded = hidden.loc[hidden["suppressed"], ["partnership", "wave", "factor", "partner"]]
    frame = scoring.power_index(db, instrument, where, min_group_size, excluded)
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
