"""Crime and disorder outcomes over time, next to partnership health.

A line going down beside a health score going up shows association, not cause: crime
moves for many reasons a partnership does not control.
"""

from __future__ import annotations

import pandas as pd

from monitor import scores
from monitor.store import Database, records

CAUTION = (
    "These charts show outcomes and partnership health side by side. They can show an "
    "association, not a cause: crime and disorder change for many reasons outside the "
    "partnership's control (policing levels, reporting, seasons, the wider economy)."
)


def monthly(db: Database, partnership: str | None) -> pd.DataFrame:
    """Counts per month and category (all areas together): month, category, count."""
    frame = records.outcome_counts(db, partnership)
    frame["month"] = pd.to_datetime(frame["month"])
    return frame[["month", "category", "count"]]


def monthly_totals(db: Database, partnership: str | None) -> pd.DataFrame:
    """All categories together per month: month, count."""
    frame = monthly(db, partnership)
    return frame.groupby("month", as_index=False)["count"].sum()


def health(db: Database, partnership: str | None, factor: str | None = None) -> pd.DataFrame:
    """Partnership health per wave: the mean of the factor scores (or one factor's score).

    Columns: wave, wave_start, score, factor_name.
    """
    frame = scores.factor_scores(db, partnership=partnership)
    columns = ["wave", "wave_start", "score", "factor_name"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    if factor:
        chosen = frame[frame["factor"] == factor]
        out = chosen[["wave", "wave_start", "mean", "factor_name"]].rename(
            columns={"mean": "score"}
        )
    else:
        # a wave with any factor hidden (small group) has no overall score
        out = frame.groupby(["wave", "wave_start"], as_index=False)["mean"].agg(
            lambda means: means.mean(skipna=False)
        )
        out = out.rename(columns={"mean": "score"})
        out["factor_name"] = "All factors (mean)"
    out["wave_start"] = pd.to_datetime(out["wave_start"])
    return out.sort_values("wave_start")[columns].reset_index(drop=True)


def change_table(db: Database, partnership: str | None) -> pd.DataFrame:
    """Per category: total in the first and last twelve months of the data and the change."""
    frame = monthly(db, partnership)
    columns = ["category", "first_12", "last_12", "change_pct"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    months = sorted(frame["month"].unique())
    first, last = months[:12], months[-12:]
    totals = frame.groupby("category").apply(
        lambda g: pd.Series(
            {
                "first_12": g.loc[g["month"].isin(first), "count"].sum(),
                "last_12": g.loc[g["month"].isin(last), "count"].sum(),
            }
        ),
        include_groups=False,
    )
    totals = totals.reset_index()
    totals["change_pct"] = (totals["last_12"] / totals["first_12"] - 1) * 100
    return totals[columns]
