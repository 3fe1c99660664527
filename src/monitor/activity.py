"""Continuity, capacity and cost from activity records; respondent retention from surveys.

All functions take a Database and a partnership and return plain DataFrames.
"""

from __future__ import annotations

import pandas as pd

from monitor.store import Database, responses
from monitor.store.records import activity_records

DEFAULT_HOURLY_COST = 40.0  # currency units per staff hour, used to price staff time


def records(db: Database, partnership: str | None) -> pd.DataFrame:
    """Stored activity rows with the quarter (`period`) of each date."""
    frame = activity_records(db, partnership)
    frame["activity_date"] = pd.to_datetime(frame["activity_date"])
    frame["period"] = frame["activity_date"].dt.to_period("Q").astype(str).str.replace("Q", "-Q")
    return frame


def _meetings(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per partner and meeting: attended when any of its rows says so."""
    keys = ["partner", "activity_date", "activity"]
    present = frame.assign(
        present_rep=frame["representative"].where(frame["attended"].astype(bool))
    )
    grouped = present.groupby(keys, as_index=False).agg(
        attended=("attended", "any"),
        representatives=("present_rep", lambda s: tuple(sorted(set(s.dropna())))),
    )
    return grouped.sort_values(keys)


def continuity(db: Database, partnership: str | None) -> pd.DataFrame:
    """Per partner: meetings, meetings attended, attendance rate, representatives seen,
    and how often the representative changed between consecutive attended meetings."""
    frame = records(db, partnership)
    columns = ["partner", "meetings", "attended", "attendance_rate", "representatives", "changes"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for partner, meetings in _meetings(frame).groupby("partner", sort=True):
        present = meetings[meetings["attended"]]
        reps = [r for r in present["representatives"] if r]
        changes = sum(1 for before, after in zip(reps, reps[1:], strict=False) if before != after)
        rows.append(
            {
                "partner": partner,
                "meetings": len(meetings),
                "attended": int(meetings["attended"].sum()),
                "attendance_rate": meetings["attended"].mean(),
                "representatives": len({name for r in reps for name in r}),
                "changes": changes,
            }
        )
    return pd.DataFrame(rows, columns=columns)


def attendance_by_period(db: Database, partnership: str | None) -> pd.DataFrame:
    """Per partner and quarter: meetings, attended, attendance rate."""
    frame = records(db, partnership)
    if frame.empty:
        return pd.DataFrame(columns=["partner", "period", "meetings", "attended", "rate"])
    meetings = _meetings(frame)
    meetings["period"] = (
        meetings["activity_date"].dt.to_period("Q").astype(str).str.replace("Q", "-Q")
    )
    out = meetings.groupby(["partner", "period"], as_index=False).agg(
        meetings=("attended", "size"), attended=("attended", "sum")
    )
    out["rate"] = out["attended"] / out["meetings"]
    return out


def minutes_rate(db: Database, partnership: str | None) -> pd.DataFrame:
    """Per quarter: meetings and the share of them with minutes recorded."""
    frame = records(db, partnership)
    if frame.empty:
        return pd.DataFrame(columns=["period", "meetings", "with_minutes", "rate"])
    per_meeting = frame.groupby(["period", "activity_date", "activity"], as_index=False).agg(
        minutes=("minutes_recorded", lambda s: bool(s.fillna(False).any()))
    )
    out = per_meeting.groupby("period", as_index=False).agg(
        meetings=("minutes", "size"), with_minutes=("minutes", "sum")
    )
    out["rate"] = out["with_minutes"] / out["meetings"]
    return out


def capacity(db: Database, partnership: str | None) -> pd.DataFrame:
    """Per partner and quarter: staff hours, resources and information-sharing actions."""
    frame = records(db, partnership)
    columns = ["partner", "period", "staff_hours", "resources", "info_shared"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    return frame.groupby(["partner", "period"], as_index=False)[columns[2:]].sum(min_count=1)[
        columns
    ]


def cost(
    db: Database, partnership: str | None, hourly_cost: float = DEFAULT_HOURLY_COST
) -> pd.DataFrame:
    """Per quarter: total staff hours, their cost, resources, and the total cost of running
    the partnership (staff hours x hourly cost + resources)."""
    frame = records(db, partnership)
    columns = ["period", "meetings", "staff_hours", "staff_cost", "resources", "total_cost"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    meetings = frame.groupby("period")[["activity_date", "activity"]].apply(
        lambda g: len(g.drop_duplicates())
    )
    out = frame.groupby("period", as_index=False)[["staff_hours", "resources"]].sum()
    out["meetings"] = out["period"].map(meetings)
    out["staff_cost"] = out["staff_hours"] * hourly_cost
    out["total_cost"] = out["staff_cost"] + out["resources"]
    return out[columns]


def retention(db: Database, partnership: str | None) -> pd.DataFrame:
    """Survey respondent retention: per wave, how many of the previous wave's respondent
    ids answered again."""
    frame = responses.respondent_waves(db, partnership)
    columns = ["partnership", "wave", "respondents", "previous", "retained", "retention_rate"]
    rows = []
    for name, part in frame.groupby("partnership", sort=True):
        order = part.sort_values("wave_start")["wave"].drop_duplicates().tolist()
        ids = {w: set(part.loc[part["wave"] == w, "respondent_id"]) for w in order}
        for before, wave in zip([None, *order], order, strict=False):
            previous = ids[before] if before else set()
            kept = len(previous & ids[wave])
            rows.append(
                {
                    "partnership": name,
                    "wave": wave,
                    "respondents": len(ids[wave]),
                    "previous": len(previous) if before else None,
                    "retained": kept if before else None,
                    "retention_rate": kept / len(previous) if previous else None,
                }
            )
    return pd.DataFrame(rows, columns=columns)
