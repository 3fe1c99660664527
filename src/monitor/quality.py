"""Survey quality: scale reliability (Cronbach's alpha) per factor and wave, and per item
the number of answers and the share missing."""

from __future__ import annotations

import pandas as pd

from monitor.instrument import Instrument, load_instrument
from monitor.scorecard import View
from monitor.store import Database, scoring

# alpha below this is low (a common rule of thumb; configurable as alpha_low)
ALPHA_LOW = 0.7
# an item missing in more than this share of responses is flagged
MISSING_HIGH = 0.2


def reliability(
    db: Database, view: View, alpha_low: float = ALPHA_LOW, instrument: Instrument | None = None
) -> pd.DataFrame:
    """Cronbach's alpha per wave and factor: wave, factor, factor_name, items, n_complete,
    alpha, low (True when alpha < alpha_low or it cannot be computed)."""
    instrument = instrument or load_instrument()
    frame = scoring.reliability(db, instrument, view.score_filter(db))
    frame.insert(4, "factor_name", frame["factor"].map(instrument.factor_names()))
    frame["low"] = frame["alpha"].isna() | (frame["alpha"] < alpha_low)
    return frame


def item_quality(db: Database, view: View, instrument: Instrument | None = None) -> pd.DataFrame:
    """Per wave and item: respondents, answered, missing_rate, the item's statement."""
    instrument = instrument or load_instrument()
    frame = scoring.item_quality(db, instrument, view.score_filter(db))
    statements = {item.id: item.statement for item in instrument.items}
    frame["statement"] = frame["item_id"].map(statements)
    frame["high_missing"] = frame["missing_rate"] > MISSING_HIGH
    return frame
