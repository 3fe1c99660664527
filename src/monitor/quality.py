"""Survey quality: scale reliability (Cronbach's alpha) per factor and wave, and per item
the number of answers and the share missing.

Both follow the disclosure rule of the scores: where a factor's score of a wave is hidden
(a small group, or a partner selection that would give one away), its alpha and the
answer counts of its items are hidden too, as they describe the same few people."""

from __future__ import annotations

import pandas as pd

from monitor import disclosure, statistics
from monitor.instrument import Instrument, load_instrument
from monitor.scorecard import View
from monitor.scores import factor_scores
from monitor.store import Database, scoring

# alpha below this is low (a common rule of thumb; configurable as alpha_low)
ALPHA_LOW = 0.7
# fewer complete answers than this are too few to judge a scale's reliability: the 95%
# interval of a 3-item alpha of 0.8 from 9 people already runs from 0.38 to 0.95
ALPHA_MIN_N = 10
# reliability verdicts
LOW, POSSIBLY_LOW, ACCEPTABLE, TOO_FEW = "low", "possibly low", "acceptable", "too few to judge"
# an item missing in more than this share of responses is flagged
MISSING_HIGH = 0.2


def reliability_verdict(alpha: float, high: float, n: int, alpha_low: float) -> str:
    """LOW only when the whole 95% interval is below `alpha_low`; POSSIBLY_LOW when
    alpha is below it but the interval reaches it; TOO_FEW under ALPHA_MIN_N complete
    answers (or no alpha); else ACCEPTABLE."""
    if pd.isna(alpha) or pd.isna(high) or n < ALPHA_MIN_N:
        return TOO_FEW
    if high < alpha_low:
        return LOW
    return POSSIBLY_LOW if alpha < alpha_low else ACCEPTABLE


def _hidden(
    db: Database, view: View, instrument: Instrument, min_group_size: int | None
) -> pd.Series:
    """(wave, factor) pairs whose score the disclosure rule hides for `view`, as a
    boolean Series indexed by (wave, factor)."""
    frame = factor_scores(
        db, where=view.score_filter(db), instrument=instrument, min_group_size=min_group_size
    )
    if frame.empty:
        return pd.Series(dtype=bool)
    return frame.set_index(["wave", "factor"])["suppressed"].astype(bool)


def _in_hidden(frame: pd.DataFrame, factors: pd.Series, hidden: pd.Series) -> pd.Series:
    keys = pd.MultiIndex.from_arrays([frame["wave"], factors])
    return pd.Series(hidden.reindex(keys).fillna(False).to_numpy(dtype=bool), index=frame.index)


def reliability(
    db: Database,
    view: View,
    alpha_low: float = ALPHA_LOW,
    instrument: Instrument | None = None,
    min_group_size: int | None = None,
) -> pd.DataFrame:
    """Cronbach's alpha per wave and factor: wave, factor, factor_name, items, n_complete,
    alpha, its 95% Feldt interval (alpha_ci_low, alpha_ci_high), reliability (see
    `reliability_verdict`) and low (True only for LOW).

    Where the factor's score is hidden by the disclosure rule (`min_group_size`: None
    uses the configured minimum), alpha and its interval are empty and reliability
    reads `disclosure.HIDDEN_TEXT` (`suppressed` True)."""
    instrument = instrument or load_instrument()
    frame = scoring.reliability(db, instrument, view.score_filter(db))
    frame.insert(4, "factor_name", frame["factor"].map(instrument.factor_names()))
    bounds = [
        statistics.feldt_interval(float(a) if pd.notna(a) else float("nan"), int(n), int(k))
        for a, n, k in zip(frame["alpha"], frame["n_complete"], frame["items"], strict=True)
    ]
    frame["alpha_ci_low"] = [b[0] for b in bounds]
    frame["alpha_ci_high"] = [b[1] for b in bounds]
    frame["reliability"] = [
        reliability_verdict(a, high, n, alpha_low)
        for a, high, n in zip(
            frame["alpha"], frame["alpha_ci_high"], frame["n_complete"], strict=True
        )
    ]
    hidden = _in_hidden(frame, frame["factor"], _hidden(db, view, instrument, min_group_size))
    frame = disclosure.blank(frame, hidden, ["alpha", "alpha_ci_low", "alpha_ci_high"])
    frame["reliability"] = frame["reliability"].where(~hidden, disclosure.HIDDEN_TEXT)
    frame["low"] = (frame["reliability"] == LOW) & ~hidden
    frame["suppressed"] = hidden
    return frame


def item_quality(
    db: Database,
    view: View,
    instrument: Instrument | None = None,
    min_group_size: int | None = None,
) -> pd.DataFrame:
    """Per wave and item: respondents, answered, missing_rate, the item's statement and
    high_missing. Where the item's factor score is hidden by the disclosure rule,
    answered and missing_rate are empty (`suppressed` True)."""
    instrument = instrument or load_instrument()
    frame = scoring.item_quality(db, instrument, view.score_filter(db))
    statements = {item.id: item.statement for item in instrument.items}
    factors = frame["item_id"].map({item.id: item.factor for item in instrument.items})
    frame["statement"] = frame["item_id"].map(statements)
    hidden = _in_hidden(frame, factors, _hidden(db, view, instrument, min_group_size))
    frame = disclosure.blank(frame, hidden, ["answered", "missing_rate"])
    frame["high_missing"] = (frame["missing_rate"] > MISSING_HIGH) & ~hidden
    frame["suppressed"] = hidden
    return frame
