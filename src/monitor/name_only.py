"""The "partnership in name only" warning, in one place: an agency whose score on power
and information sharing, trust or communication sits far below the partnership's, wave
after wave, may be a partner in name only.

This module holds the rule (`flags`), its thresholds (defaults, limits and the check of
the settings), and its wording; `tables.name_only` is its table. The data it reads are
the partner scores of each wave against the partnership's (`power.partner_history`).
The dashboard draws its section and its settings with `monitor.dashboard.name_only`.
"""

from __future__ import annotations

import pandas as pd

from monitor import tables
from monitor.errors import MonitorError

FACTORS = ("power", "trust", "communication")

# Thresholds: the default, and the range the settings page offers.
GAP = 0.75  # points below the partnership ...
WAVES = 2  # ... in this many consecutive waves up to the one shown
GAP_MIN, GAP_MAX, GAP_STEP = 0.1, 4.0, 0.05
WAVES_MIN, WAVES_MAX = 1, 12

# Wording
HEADING = "Partnership in name only?"
GAP_LABEL = "Partnership in name only: points below the partnership"
WAVES_LABEL = "Partnership in name only: waves in a row"
NONE_FLAGGED = "No agency sits far below the partnership wave after wave."

table = tables.name_only


def check(gap: float, waves: int) -> None:
    """Raise MonitorError when the thresholds make no sense."""
    if waves < 1:
        raise MonitorError("name_only_waves must be at least 1.")
    if gap <= 0:
        raise MonitorError("name_only_gap must be above 0.")


def explanation(gap: float, waves: int) -> str:
    """What the warning looks for, with the thresholds in use."""
    return (
        f"Agencies scoring at least {gap:.2f} below the partnership on power and information "
        f"sharing, trust or communication in {waves} or more waves in a row, up to the wave "
        "shown. Such agencies may be partners in name only."
    )


def warnings(found: pd.DataFrame) -> list[str]:
    """One sentence per flagged agency, naming its factors, gaps and streaks (Markdown,
    the agency's name in bold)."""
    sentences = []
    for partner, rows in found.groupby("partner", sort=False):
        factors = ", ".join(
            f"{r.factor_name.lower()} ({r.latest_difference:+.2f}, {r.waves} waves)"
            for r in rows.itertuples()
        )
        sentences.append(f"**{partner}** may be a partner in name only: {factors}.")
    return sentences


def flags(
    history: pd.DataFrame,
    gap: float,
    waves: int = WAVES,
    factors: tuple[str, ...] = FACTORS,
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
