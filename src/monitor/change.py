"""Change between two waves of a factor score, with a 95% interval and a verdict.

The interval is Welch's for the difference of two means (waves treated as
independent samples, which errs on the side of caution when the same people
answer both waves).
"""

from __future__ import annotations

import math

import pandas as pd

ROSE, FELL, NO_CLEAR_CHANGE, TOO_FEW = "rose", "fell", "no clear change", "too few to tell"


def welch_interval(
    mean1: float, sd1: float, n1: int, mean2: float, sd2: float, n2: int
) -> tuple[float, float, float]:
    """(difference mean2 - mean1, low, high) of a 95% Welch interval; NaN bounds if n < 2."""
    diff = mean2 - mean1
    if n1 < 2 or n2 < 2 or any(pd.isna(v) for v in (sd1, sd2)):
        return diff, math.nan, math.nan
    v1, v2 = sd1**2 / n1, sd2**2 / n2
    se = math.sqrt(v1 + v2)
    if se == 0:
        return diff, diff, diff
    df = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
    from scipy.stats import t

    half = t.ppf(0.975, df) * se
    return diff, diff - half, diff + half


def verdict(low: float, high: float) -> str:
    if pd.isna(low) or pd.isna(high):
        return TOO_FEW
    if low > 0:
        return ROSE
    if high < 0:
        return FELL
    return NO_CLEAR_CHANGE


def compare(current: pd.DataFrame, previous: pd.DataFrame, key: str = "factor") -> pd.DataFrame:
    """Join two waves' scores on `key`; add change, change_low, change_high, change_verdict."""
    prev = previous[[key, "wave", "mean", "sd", "n"]].rename(
        columns={
            "wave": "previous_wave",
            "mean": "previous_mean",
            "sd": "previous_sd",
            "n": "previous_n",
        }
    )
    merged = current.merge(prev, on=key, how="left")
    rows = [
        welch_interval(r.previous_mean, r.previous_sd, r.previous_n, r.mean, r.sd, r.n)
        if not pd.isna(r.previous_mean)
        else (math.nan, math.nan, math.nan)
        for r in merged.itertuples()
    ]
    merged["change"] = [r[0] for r in rows]
    merged["change_low"] = [r[1] for r in rows]
    merged["change_high"] = [r[2] for r in rows]
    merged["change_verdict"] = [
        verdict(lo, hi) if not pd.isna(ch) else None
        for ch, lo, hi in zip(
            merged["change"], merged["change_low"], merged["change_high"], strict=True
        )
    ]
    return merged
