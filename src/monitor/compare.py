"""Several partnerships in one store: factor scores side by side and where each one
stands among the others (the regional distribution)."""

from __future__ import annotations

import pandas as pd

from monitor import scores
from monitor.store import Database


def latest_scores(db: Database) -> pd.DataFrame:
    """Each partnership's factor scores at its own latest wave.

    Columns: partnership, wave, factor, factor_name, n, mean, ci_low, ci_high, band_label.
    """
    frame = scores.factor_scores(db)
    if frame.empty:
        return frame
    latest = frame.groupby("partnership")["wave_start"].transform("max")
    chosen = frame[frame["wave_start"] == latest]
    columns = ["partnership", "wave", "factor", "factor_name", "n", "mean", "ci_low", "ci_high"]
    return chosen[[*columns, "band_label"]].reset_index(drop=True)


def waves_compared(latest: pd.DataFrame) -> dict[str, str]:
    """The wave each partnership's scores come from, by partnership (sorted by name)."""
    if latest.empty:
        return {}
    pairs = latest.drop_duplicates("partnership").sort_values("partnership")
    return dict(zip(pairs["partnership"], pairs["wave"], strict=True))


def side_by_side(latest: pd.DataFrame) -> pd.DataFrame:
    """One row per factor, one column per partnership (its latest mean score), each
    column headed with the partnership and its wave: "Riverside (2025-Q4)"."""
    if latest.empty:
        return pd.DataFrame()
    order = latest.drop_duplicates("factor")["factor_name"].tolist()
    wide = latest.pivot(index="factor_name", columns="partnership", values="mean")
    headings = {name: f"{name} ({wave})" for name, wave in waves_compared(latest).items()}
    wide = wide.rename(columns=headings)
    return wide.reindex(order).reset_index().rename(columns={"factor_name": "Factor"})


def placement(latest: pd.DataFrame, partnership: str) -> pd.DataFrame:
    """Where `partnership` stands on each factor among all partnerships.

    Columns: factor_name, score, rank (1 = highest), of, median, lowest, highest.
    """
    rows = []
    order = latest.drop_duplicates("factor")["factor_name"].tolist()
    shown = latest.dropna(subset=["mean"])  # scores hidden by the disclosure rule take no part
    for name in order:
        group = shown[shown["factor_name"] == name]
        own = group.loc[group["partnership"] == partnership, "mean"]
        if own.empty:
            continue
        score = float(own.iloc[0])
        rows.append(
            {
                "factor_name": name,
                "score": score,
                "rank": int((group["mean"] > score).sum()) + 1,
                "of": len(group),
                "median": float(group["mean"].median()),
                "lowest": float(group["mean"].min()),
                "highest": float(group["mean"].max()),
            }
        )
    return pd.DataFrame(
        rows, columns=["factor_name", "score", "rank", "of", "median", "lowest", "highest"]
    )
