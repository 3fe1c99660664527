"""Survey quality: scale reliability (Cronbach's alpha) per factor and wave, and per item
the number of answers and the share missing."""

from __future__ import annotations

import pandas as pd

from monitor import statistics
from monitor.instrument import Instrument, load_instrument
from monitor.scorecard import View
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


def reliability(
    db: Database, view: View, alpha_low: float = ALPHA_LOW, instrument: Instrument | None = None
) -> pd.DataFrame:
    """Cronbach's alpha per wave and factor: wave, factor, factor_name, items, n_complete,
    alpha, its 95% Feldt interval (alpha_ci_low, alpha_ci_high), reliability (see
    `reliability_verdict`) and low (True only for LOW)."""
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
    frame["low"] = frame["reliability"] == LOW
    return frame


def item_quality(db: Database, view: View, instrument: Instrument | None = None) -> pd.DataFrame:
    """Per wave and item: respondents, answered, missing_rate, the item's statement."""
    instrument = instrument or load_instrument()
    frame = scoring.item_quality(db, instrument, view.score_filter(db))
    statements = {item.id: item.statement for item in instrument.items}
    frame["statement"] = frame["item_id"].map(statements)
    frame["high_missing"] = frame["missing_rate"] > MISSING_HIGH
    return frame
