"""Crime and disorder outcomes over time, next to partnership health.

A line going down beside a health score going up shows association, not cause: crime
moves for many reasons a partnership does not control.
"""

from __future__ import annotations

from dataclasses import dataclass

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


YEAR = 12  # months


@dataclass(frozen=True)
class PeriodComparison:
    """Incidents per category in two equal periods that do not overlap.

    `table` has the columns category, earlier, later, change_pct (None when the
    earlier period had none); `earlier` and `later` name the months compared ("Jan 2024
    to Dec 2024"); `note` says how the periods were chosen, or why there is none."""

    table: pd.DataFrame
    earlier: str
    later: str
    note: str


def _months_label(months: list[pd.Timestamp]) -> str:
    first, last = months[0], months[-1]
    if first == last:
        return f"{first:%b %Y}"
    return f"{first:%b %Y} to {last:%b %Y}"


def compare_periods(monthly_counts: pd.DataFrame) -> PeriodComparison:
    """Compare equal, non-overlapping periods of `monthly_counts` (month, category,
    count): the last twelve months against the twelve before when there are two years
    of data; with 13 to 23 months, the last months against the same months a year
    earlier (so seasons match); with fewer, no comparison. Months without a row count
    as 0."""
    columns = ["category", "earlier", "later", "change_pct"]
    if monthly_counts.empty:
        return PeriodComparison(pd.DataFrame(columns=columns), "", "", "No outcome counts yet.")
    last = monthly_counts["month"].max()
    span = (
        (last.year - monthly_counts["month"].min().year) * 12
        + (last.month - monthly_counts["month"].min().month)
        + 1
    )
    if span < YEAR + 1:
        note = (
            f"Only {span} months of data: comparing periods needs at least 13 months (the "
            "last months against the same months a year before)."
        )
        return PeriodComparison(pd.DataFrame(columns=columns), "", "", note)
    length = YEAR if span >= 2 * YEAR else span - YEAR
    later = [last - pd.DateOffset(months=k) for k in range(length - 1, -1, -1)]
    earlier = [month - pd.DateOffset(months=YEAR) for month in later]
    if length == YEAR:
        note = "The last twelve months against the twelve months before them."
    else:
        note = (
            f"Only {span} months of data, too few for two full years: the last {length} "
            "months against the same months a year earlier."
        )
    counts = monthly_counts.groupby(["category", "month"])["count"].sum()
    rows = []
    for category in sorted(monthly_counts["category"].unique()):
        of = counts.loc[category]
        before = int(of.reindex(earlier, fill_value=0).sum())
        after = int(of.reindex(later, fill_value=0).sum())
        change = (after / before - 1) * 100 if before else None
        rows.append((category, before, after, change))
    table = pd.DataFrame(rows, columns=columns)
    return PeriodComparison(table, _months_label(earlier), _months_label(later), note)


def change_table(db: Database, partnership: str | None) -> PeriodComparison:
    """Per category: incidents in two equal, non-overlapping periods (`compare_periods`)."""
    return compare_periods(monthly(db, partnership))
