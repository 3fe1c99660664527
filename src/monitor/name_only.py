"""The "partnership in name only" warning, in one place: an agency whose score on power
and information sharing, trust or communication sits clearly below the other agencies',
wave after wave, may be a partner in name only. "Clearly": at least the gap below them
AND the 95% Welch interval of the gap wholly below zero, so that noise from a handful of
respondents is not reported as a warning.

This module holds the rule (`flags`, and `wave_check`: whether the wave shown can be
checked at all), its thresholds (defaults, limits and the check of the settings), and
its wording; `tables.name_only` is its table. The data it reads are the partner scores
of each wave against the other agencies' respondents (`power.partner_history`). The
dashboard draws its section and its settings with `monitor.dashboard.name_only`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from monitor.errors import MonitorError
from monitor.untrusted import markdown_text

if TYPE_CHECKING:  # the settings read this module's thresholds without loading pandas
    import pandas as pd

FACTORS = ("power", "trust", "communication")

# Thresholds: the default, and the range the settings page offers.
GAP = 0.75  # points below the other agencies ...
WAVES = 2  # ... in this many consecutive waves up to the one shown
GAP_MIN, GAP_MAX, GAP_STEP = 0.1, 4.0, 0.05
WAVES_MIN, WAVES_MAX = 1, 12

# Wording
HEADING = "Partnership in name only?"
GAP_LABEL = "Partnership in name only: points below the other agencies"
WAVES_LABEL = "Partnership in name only: waves in a row"
NONE_FLAGGED = "No agency sits clearly below the other agencies wave after wave."
NONE_STANDING = "No flag stands from earlier waves."

# Whether the wave shown could be checked (`wave_check`)
CHECKED = "checked"  # every agency with answers in the wave was compared
PARTLY_CHECKED = "partly checked"  # some agencies' scores are hidden in the wave
CANNOT_CHECK = "cannot be checked"  # every agency's score is hidden in the wave
NO_DATA = "no data"

FLAG_COLUMNS = [
    "partner", "factor", "factor_name", "waves", "through", "current",
    "latest_difference", "latest_high", "mean_difference",
]  # fmt: skip


def table(found: pd.DataFrame) -> pd.DataFrame:
    """The flags as the pages show them (`tables.name_only`)."""
    from monitor import tables

    return tables.name_only(found)


def check(gap: float, waves: int) -> None:
    """Raise MonitorError when the thresholds make no sense."""
    if waves < 1:
        raise MonitorError("name_only_waves must be at least 1.")
    if gap <= 0:
        raise MonitorError("name_only_gap must be above 0.")


def explanation(gap: float, waves: int) -> str:
    """What the warning looks for, with the thresholds in use."""
    return (
        f"Agencies scoring at least {gap:.2f} below the other agencies' respondents on power "
        "and information sharing, trust or communication, with the 95% interval of the gap "
        f"wholly below zero, in {waves} or more waves in a row, up to the wave shown. Such "
        "agencies may be partners in name only."
    )


@dataclass(frozen=True)
class WaveCheck:
    """Whether the check could be made in the wave shown (the latest of the history):
    status CHECKED, PARTLY_CHECKED, CANNOT_CHECK or NO_DATA, and the agencies whose
    scores are hidden there (`unchecked`)."""

    wave: str | None
    status: str
    unchecked: tuple[str, ...] = ()


def wave_check(history: pd.DataFrame) -> WaveCheck:
    """The check of the wave shown: hidden agencies cannot be compared there, so no
    all-clear may be given for them (their flags of earlier waves stand, see `flags`)."""
    if history.empty:
        return WaveCheck(None, NO_DATA)
    latest = history.sort_values("wave_start")["wave"].iloc[-1]
    shown = history[history["wave"] == latest]
    unchecked = tuple(sorted(shown.loc[shown["suppressed"], "partner"].unique()))
    if not unchecked:
        return WaveCheck(latest, CHECKED)
    status = CANNOT_CHECK if shown["suppressed"].all() else PARTLY_CHECKED
    return WaveCheck(latest, status, unchecked)


def unchecked_note(check_: WaveCheck, min_group_size: int) -> str:
    """Why the wave shown could not (fully) be checked; '' when it could."""
    if check_.status not in (CANNOT_CHECK, PARTLY_CHECKED):
        return ""
    which = (
        "any agency"
        if check_.status == CANNOT_CHECK
        else f"{len(check_.unchecked)} of the agencies"
    )
    return (
        f"The check cannot be made for {which} in wave {check_.wave}: their scores are "
        f"hidden (fewer than {min_group_size} respondents). Flags standing from earlier "
        "waves are shown."
    )


def warnings(found: pd.DataFrame) -> list[str]:
    """One sentence per flagged agency, naming its factors, gaps and streaks (Markdown,
    the agency's name in bold and escaped: it came from a file)."""
    sentences = []
    for partner, rows in found.groupby("partner", sort=False):
        factors = ", ".join(
            f"{r.factor_name.lower()} ({r.latest_difference:+.2f}, {r.waves} waves"
            + ("" if r.current else f" up to {r.through}")
            + ")"
            for r in rows.itertuples()
        )
        sentences.append(f"**{markdown_text(partner)}** may be a partner in name only: {factors}.")
    return sentences


def _streak(cells: dict, order: list[str], gap: float) -> tuple[list, str | None]:
    """The run of waves (newest first) in which the agency was clearly below the others,
    ending at the wave shown or, if it cannot be checked there (hidden or absent), at
    the latest wave where it could be; and that wave."""
    import pandas as pd

    run, through = [], None
    for wave in reversed(order):
        cell = cells.get(wave)
        checkable = cell is not None and not pd.isna(cell[0])
        if not checkable and through is None:
            continue  # not checkable at the head: look at the waves before
        if not checkable:
            break
        through = through or wave
        difference, high = cell
        if difference > -gap or not high < 0:
            break
        run.append(cell)
    return run, through


def flags(
    history: pd.DataFrame,
    gap: float,
    waves: int = WAVES,
    factors: tuple[str, ...] = FACTORS,
) -> pd.DataFrame:
    """Agencies clearly below the other agencies on one of `factors` in `waves` or more
    consecutive waves: difference <= -gap and its 95% interval (difference_high) below
    zero, in the history of `power.partner_history`.

    The run ends with the wave shown (the latest of `history`); for an agency whose
    score is hidden there (or that did not answer), with the latest wave where it could
    be checked: its flag stands (`current` False, `through` that wave). A hidden wave
    inside a run breaks it. One row per partner and factor: partner, factor,
    factor_name, waves (run length), through, current, latest_difference and
    latest_high (of wave `through`), mean_difference; most below first."""
    import pandas as pd

    if history.empty:
        return pd.DataFrame(columns=FLAG_COLUMNS)
    order = history.drop_duplicates("wave").sort_values("wave_start")["wave"].tolist()
    rows = []
    part = history[history["factor"].isin(factors)]
    for (partner, factor), group in part.groupby(["partner", "factor"], sort=False):
        cells = {
            w: (d, h)
            for w, d, h in zip(
                group["wave"], group["difference"], group["difference_high"], strict=True
            )
        }
        run, through = _streak(cells, order, gap)
        if len(run) >= waves:
            rows.append(
                (partner, factor, group["factor_name"].iloc[0], len(run), through,
                 through == order[-1], run[0][0], run[0][1],
                 sum(c[0] for c in run) / len(run))
            )  # fmt: skip
    result = pd.DataFrame(rows, columns=FLAG_COLUMNS)
    return result.sort_values("mean_difference").reset_index(drop=True)
