"""Independent computations (plain pandas/numpy) of the analytics, from the raw answers."""

from __future__ import annotations

import pandas as pd

from monitor.instrument import Instrument


def raw_answers(db) -> pd.DataFrame:
    return db.query_df("SELECT * FROM answers")


def respondent_scores(answers: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Per respondent, wave and factor: mean of answered items (reverse flipped), kept only
    when at least half the factor's items were answered."""
    items = instrument.items_frame().set_index("item_id")
    frame = answers.join(items[["factor", "reverse"]], on="item_id", how="inner")
    flip = instrument.scale_min + instrument.scale_max
    frame["value"] = frame["value"].where(~frame["reverse"], flip - frame["value"])
    size = items.groupby("factor").size()
    grouped = frame.groupby(["partnership", "wave", "respondent_id", "partner", "factor"])["value"]
    out = grouped.agg(["mean", "count"]).reset_index()
    out = out[2 * out["count"] >= out["factor"].map(size)]
    return out.rename(columns={"mean": "score"})


def flipped_wide(
    answers: pd.DataFrame, instrument: Instrument, partnership: str, wave: str, factor: str
):
    """Respondents x items of one factor in one wave, reverse items flipped (NaN missing)."""
    items = instrument.items_frame().set_index("item_id")
    chosen = (answers["wave"] == wave) & (answers["partnership"] == partnership)
    part = answers[chosen].join(items[["factor", "reverse"]], on="item_id")
    part = part[part["factor"] == factor].copy()
    flip = instrument.scale_min + instrument.scale_max
    part["value"] = part["value"].where(~part["reverse"].astype(bool), flip - part["value"])
    return part.pivot_table(
        index="respondent_id", columns="item_id", values="value", aggfunc="first", dropna=False
    )
