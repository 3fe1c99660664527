"""The disclosure rule: no score of a group smaller than the minimum group size, and no
way to work one out by differencing.

Primary suppression hides every group with fewer than `min_group_size` respondents.
A total is shown next to its groups, so hidden groups can be recovered together as
"total minus the visible ones". Secondary suppression therefore keeps hiding the
smallest still-visible group of the same total until the hidden groups together hold
at least `min_group_size` respondents (or nothing is left visible). A single hidden
group always triggers it, since on its own it is below the minimum.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

HIDDEN = ["mean", "sd", "ci_low", "ci_high", "band", "band_label"]


def hidden_groups(sizes: pd.Series, min_group_size: int) -> set:
    """Labels of the groups (index of `sizes`: respondents per group within one total)
    that must be hidden: primary plus secondary suppression."""
    hidden = set(sizes.index[(sizes > 0) & (sizes < min_group_size)])
    if not hidden:
        return hidden
    visible = sizes.drop(index=list(hidden)).sort_values(kind="stable")
    while len(visible) and sizes[list(hidden)].sum() < min_group_size:
        smallest = visible.index[0]
        hidden.add(smallest)
        visible = visible.drop(index=smallest)
    return hidden


def suppress(
    frame: pd.DataFrame,
    min_group_size: int,
    group: str = "partner",
    within: tuple[str, ...] = ("partnership", "wave", "factor"),
    size: str = "n",
) -> pd.DataFrame:
    """Blank the scores (HIDDEN columns present) of groups that are too small or that
    would give a small group away by differencing; mark them `suppressed` (True) and
    `secondary` (True when hidden only to protect another group)."""
    frame = frame.copy()
    frame["suppressed"] = False
    frame["secondary"] = False
    keys = [c for c in within if c in frame.columns]
    for _, cell in frame.groupby(keys, sort=False) if keys else [(None, frame)]:
        sizes = cell.set_index(group)[size]
        hidden = hidden_groups(sizes, min_group_size)
        if not hidden:
            continue
        rows = cell.index[cell[group].isin(hidden)]
        frame.loc[rows, "suppressed"] = True
        frame.loc[rows, "secondary"] = frame.loc[rows, size] >= min_group_size
    columns = [c for c in HIDDEN if c in frame.columns]
    frame[columns] = frame[columns].astype(object).where(~frame["suppressed"], np.nan)
    for column in ("mean", "sd", "ci_low", "ci_high"):
        if column in frame.columns:
            frame[column] = pd.to_numeric(frame[column])
    return frame


def selection_too_small(selected: int, total: int, min_group_size: int) -> bool:
    """Whether a partner selection must not be scored: it has fewer respondents than the
    minimum, or what it leaves out (total minus selection) does, so that comparing it
    with the whole partnership would reveal a small group."""
    left_out = total - selected
    return selected < min_group_size or 0 < left_out < min_group_size
