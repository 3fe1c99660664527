"""Power and information sharing between agencies, net of sampling noise.

* The power differential: per factor and wave, how far apart the partner agencies are.
  Besides the range and the sd of the partner means (which include sampling noise), a
  one-way random-effects ANOVA of respondents within agencies gives tau, the
  between-agency sd net of noise, ICC(1) and the F-test p-value. Only agencies shown by
  the disclosure rule take part.
* The partner scores of every wave against the respondents of the OTHER agencies (with
  a 95% Welch interval of the gap), which the "partnership in name only" warning reads
  (the rule itself is in monitor.name_only).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from monitor import disclosure, statistics
from monitor.instrument import Instrument, load_instrument
from monitor.scorecard import View
from monitor.scores import factor_scores
from monitor.store import Database, scoring

# agencies "differ more than chance" when the ANOVA F-test's p-value is below this
DIFFER_P = 0.05
INDEX_COLUMNS = [
    "partnership", "wave", "wave_start", "factor", "factor_name", "partners", "respondents",
    "lowest", "highest", "range", "sd", "tau", "icc", "f", "p_value", "differ",
]  # fmt: skip


def _spread(agencies: pd.DataFrame) -> tuple:
    """partners .. differ of one wave and factor (see INDEX_COLUMNS)."""
    anova = statistics.random_effects_anova(agencies["n"], agencies["mean"], agencies["sd"])
    means = agencies["mean"]
    return (
        len(agencies), int(agencies["n"].sum()), means.min(), means.max(),
        means.max() - means.min(), means.std(ddof=1), anova.tau, anova.icc, anova.f,
        anova.p_value, bool(anova.p_value < DIFFER_P),
    )  # fmt: skip


def power_index(
    db: Database, view: View, min_group_size: int, instrument: Instrument | None = None
) -> pd.DataFrame:
    """The spread between partner agencies per wave and factor, up to `view.wave` (from
    `view.wave_from`): partners, respondents, lowest, highest, range and sd of the
    partner means; tau (between-agency sd net of sampling noise), icc (ICC(1)), f and
    p_value of the one-way random-effects ANOVA, and differ (p_value < 0.05). Partners
    hidden by the disclosure rule (too small, or hidden to protect a small one) take
    no part."""
    instrument = instrument or load_instrument()
    by_partner = scoring.group_scores(db, instrument, by="partner", where=view.score_filter(db))
    shown = disclosure.suppress(by_partner, min_group_size)
    shown = shown[~shown["suppressed"]]
    keys = ["partnership", "wave", "wave_start", "factor"]
    rows = [(*key, *_spread(agencies)) for key, agencies in shown.groupby(keys, sort=False)]
    frame = pd.DataFrame(rows, columns=[c for c in INDEX_COLUMNS if c != "factor_name"])
    frame.insert(4, "factor_name", frame["factor"].map(instrument.factor_names()))
    order = {key: pos for pos, key in enumerate(instrument.factor_keys)}
    frame["_pos"] = frame["factor"].map(order)
    frame = frame.sort_values(["partnership", "wave_start", "wave", "_pos"], kind="stable")
    return frame.drop(columns="_pos").reset_index(drop=True)


def _others(by_partner: pd.DataFrame) -> pd.DataFrame:
    """n, mean and sd of the respondents of every OTHER agency of the same partnership,
    wave and factor (from the agencies' n, mean and sd, before any suppression)."""
    keys = ["partnership", "wave", "factor"]
    n, m = by_partner["n"].astype(float), by_partner["mean"]
    squares = (n - 1) * by_partner["sd"].fillna(0.0) ** 2 + n * m**2  # sum of x^2
    totals = pd.DataFrame({"n": n, "sum": n * m, "squares": squares}).groupby(
        [by_partner[k] for k in keys]
    )
    rest_n = totals["n"].transform("sum") - n
    rest_sum = totals["sum"].transform("sum") - n * m
    rest_squares = totals["squares"].transform("sum") - squares
    rest_mean = rest_sum / rest_n.where(rest_n > 0)
    rest_var = (rest_squares - rest_n * rest_mean**2) / (rest_n - 1).where(rest_n > 1)
    return pd.DataFrame(
        {
            "others_n": rest_n.astype(int),
            "others_mean": rest_mean,
            "others_sd": np.sqrt(rest_var.clip(lower=0)),
        }  # fmt: skip
    )


def partner_history(
    db: Database, view: View, min_group_size: int, instrument: Instrument | None = None
) -> pd.DataFrame:
    """Partner scores of every wave up to `view.wave` (disclosure rule applied:
    `suppressed` rows have no numbers), each against the respondents of all OTHER
    agencies of the partnership: others_n, others_mean, others_sd, difference (partner
    minus others) and its 95% Welch interval difference_low, difference_high."""
    instrument = instrument or load_instrument()
    # every agency's numbers first (the others' mean needs them), then the rule below
    by_partner = factor_scores(
        db,
        by="partner",
        where=view.score_filter(db),
        instrument=instrument,
        min_group_size=disclosure.NO_MINIMUM,
    )
    if by_partner.empty:
        return by_partner
    others = _others(by_partner)
    merged = pd.concat([disclosure.suppress(by_partner, min_group_size), others], axis=1)
    gaps = [
        statistics.welch(om, osd, on, m, sd, n)
        for om, osd, on, m, sd, n in zip(
            merged["others_mean"], merged["others_sd"], merged["others_n"],
            merged["mean"], merged["sd"], merged["n"], strict=True,
        )
    ]  # fmt: skip
    merged["difference"] = [g.estimate for g in gaps]
    merged["difference_low"] = [g.low for g in gaps]
    merged["difference_high"] = [g.high for g in gaps]
    hidden = merged["suppressed"].to_numpy()
    merged.loc[hidden, ["others_mean", "others_sd", "difference"]] = np.nan
    merged.loc[hidden, ["difference_low", "difference_high"]] = np.nan
    return merged
