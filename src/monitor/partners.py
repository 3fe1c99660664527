"""Partners and power: how each agency scores, and where agencies disagree.

Partner-level scores from fewer respondents than the minimum group size are
suppressed (mean and interval removed, `suppressed` True) so individuals cannot
be identified; so is the next-smallest partner when the hidden ones could be worked
out from the partnership's total (see monitor.disclosure).
"""

from __future__ import annotations

import pandas as pd

from monitor import disclosure
from monitor.instrument import Instrument, load_instrument
from monitor.scorecard import View
from monitor.scores import factor_scores
from monitor.store import Database, scoring

VOICE_FACTORS = ("power", "trust")
HIDDEN = disclosure.HIDDEN


def suppress_small(
    frame: pd.DataFrame, min_group_size: int, group: str = "partner"
) -> pd.DataFrame:
    """Blank the scores of groups smaller than `min_group_size`, and of the next-smallest
    groups when differencing against the total would reveal them; mark them `suppressed`."""
    return disclosure.suppress(frame, min_group_size, group=group)


def partner_matrix(
    db: Database,
    view: View,
    min_group_size: int | None = None,
    instrument: Instrument | None = None,
) -> pd.DataFrame:
    """Scores per partner and factor for `view.wave` (small groups suppressed, and those
    hidden to protect them, as in the whole partnership; None: the configured minimum)."""
    instrument = instrument or load_instrument()
    start = view.starts(db).get(view.wave)
    if start is None:
        return pd.DataFrame()
    where = scoring.ScoreFilter(view.partnership, view.partners, wave_from=start, wave_to=start)
    return factor_scores(
        db, by="partner", where=where, instrument=instrument, min_group_size=min_group_size
    )


def hidden_partners(matrix: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Partners of `matrix` hidden as too small, and partners hidden for some factors only
    to protect them (their scores and the total would give the small ones away)."""
    if matrix.empty:
        return [], []
    hidden = sorted(matrix.loc[matrix["suppressed"] & ~matrix["secondary"], "partner"].unique())
    protecting = sorted(set(matrix.loc[matrix["secondary"], "partner"]) - set(hidden))
    return hidden, protecting


def partner_gaps(matrix: pd.DataFrame) -> pd.DataFrame:
    """Per factor: the highest- and lowest-scoring partner (shown ones only) and the gap."""
    shown = matrix.dropna(subset=["mean"])
    if shown.empty:
        return pd.DataFrame(
            columns=["factor", "factor_name", "high_partner", "high", "low_partner", "low", "gap"]
        )
    rows = []
    for (factor, name), group in shown.groupby(["factor", "factor_name"], sort=False):
        high, low = group.loc[group["mean"].idxmax()], group.loc[group["mean"].idxmin()]
        rows.append(
            (
                factor,
                name,
                high.partner,
                high["mean"],
                low.partner,
                low["mean"],
                high["mean"] - low["mean"],
            )
        )
    gaps = pd.DataFrame(
        rows, columns=["factor", "factor_name", "high_partner", "high", "low_partner", "low", "gap"]
    )
    return gaps.sort_values("gap", ascending=False).reset_index(drop=True)


def voice(
    matrix: pd.DataFrame, overall: pd.DataFrame, factors: tuple[str, ...] = VOICE_FACTORS
) -> pd.DataFrame:
    """Which agencies feel less heard: each partner's score on `factors` against the
    partnership's score, most below first (partner, factor_name, mean, overall, difference)."""
    part = matrix[matrix["factor"].isin(factors)].dropna(subset=["mean"])
    whole = overall[overall["factor"].isin(factors)][["factor", "mean"]]
    whole = whole.dropna(subset=["mean"])  # a hidden total is not a yardstick
    merged = part.merge(whole.rename(columns={"mean": "overall"}), on="factor")
    merged["difference"] = merged["mean"] - merged["overall"]
    columns = ["partner", "factor", "factor_name", "n", "mean", "overall", "difference"]
    return merged[columns].sort_values("difference").reset_index(drop=True)
