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


def compare(
    current: pd.DataFrame,
    previous: pd.DataFrame,
    key: str = "factor",
    *,
    label: str = "previous",
    suffix: str = "",
) -> pd.DataFrame:
    """Join two waves' scores on `key`; add {label}_wave, {label}_mean, {label}_sd,
    {label}_n and change{suffix}, change{suffix}_low, change{suffix}_high,
    change{suffix}_verdict (the defaults: change since the previous wave)."""
    prev = previous[[key, "wave", "mean", "sd", "n"]].rename(
        columns={c: f"{label}_{c}" for c in ("wave", "mean", "sd", "n")}
    )
    merged = current.merge(prev, on=key, how="left")
    rows = [
        welch_interval(pm, ps, pn, m, s, n) if not pd.isna(pm) else (math.nan,) * 3
        for pm, ps, pn, m, s, n in zip(
            merged[f"{label}_mean"],
            merged[f"{label}_sd"],
            merged[f"{label}_n"],
            merged["mean"],
            merged["sd"],
            merged["n"],
            strict=True,
        )
    ]
    name = f"change{suffix}"
    merged[name] = [r[0] for r in rows]
    merged[f"{name}_low"] = [r[1] for r in rows]
    merged[f"{name}_high"] = [r[2] for r in rows]
    merged[f"{name}_verdict"] = [
        verdict(lo, hi) if not pd.isna(ch) else None
        for ch, lo, hi in zip(
            merged[name], merged[f"{name}_low"], merged[f"{name}_high"], strict=True
        )
    ]
    return merged
