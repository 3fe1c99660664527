"""Tables as people read them: the analytics' frames with readable headings, rounded
numbers and words instead of codes. Shared by the dashboard's pages and the board report;
no Streamlit here, and no computing: each function only renames, rounds and words.
"""

from __future__ import annotations

import pandas as pd

from monitor.errors import ValidationError

MISSING = "—"  # shown for a value that does not exist (no earlier wave, nobody named)


def _rounded(value: float) -> float:
    """Rounded to two decimals, without a minus sign on zero."""
    return round(value, 2) + 0.0


def _change_text(change: float, verdict: str | None) -> str:
    if verdict is None:
        return "no earlier wave"
    if pd.isna(change):  # not shown: the verdict says why (a hidden small group)
        return verdict
    return f"{_rounded(change):+.2f} ({verdict})"


def _interval_text(low: float, high: float) -> str:
    return f"{low:+.2f} to {high:+.2f}" if pd.notna(low) else MISSING


def _count_or_missing(value: object) -> str:
    return MISSING if pd.isna(value) else str(int(value))


def scorecard(card: pd.DataFrame) -> pd.DataFrame:
    """The scorecard: factor, score, band in words, interval, change since the last and
    the first wave with their intervals, respondents, the share of them who answered the
    last wave too, the method of the change test (and, under agency weighting, the
    agencies left out of the change); hidden small groups said so."""
    if card.empty:
        return pd.DataFrame()
    hidden = card["suppressed"].fillna(False).astype(bool) if "suppressed" in card else None
    table = pd.DataFrame(
        {
            "Factor": card["factor_name"],
            "Score": card["mean"].round(2),
            "Band": card["band_label"],
            "95% interval": [
                f"{lo:.2f} – {hi:.2f}" if pd.notna(lo) else "n too small"
                for lo, hi in zip(card["ci_low"], card["ci_high"], strict=True)
            ],
            "Change since last wave": [
                _change_text(c, v)
                for c, v in zip(card["change"], card["change_verdict"], strict=True)
            ],
            "95% interval of change": [
                _interval_text(lo, hi)
                for lo, hi in zip(card["change_low"], card["change_high"], strict=True)
            ],
            "Change since first wave": [
                _change_text(c, v)
                for c, v in zip(card["change_first"], card["change_first_verdict"], strict=True)
            ],
            "95% interval since first": [
                _interval_text(lo, hi)
                for lo, hi in zip(card["change_first_low"], card["change_first_high"], strict=True)
            ],
            "Respondents": (card["respondents"] if "respondents" in card else card["n"])
            .fillna(0)
            .astype(int),
            "Answered last wave too": [
                MISSING if pd.isna(share) else f"{share:.0%}"
                for share in card["change_repeat_share"]
            ],
            "Method of change": card["change_method"].fillna(MISSING),
        }
    )
    left_out = card["change_left_out"].fillna("")
    if left_out.astype(bool).any():
        table["Agencies in one wave only"] = left_out
    if hidden is not None and hidden.any():
        note = "hidden (small group)"
        table.loc[hidden.to_numpy(), ["95% interval", "Change since last wave"]] = note
        table.loc[hidden.to_numpy(), ["Change since first wave"]] = note
    return table


SCORE_HEADINGS = {
    "partnership": "Partnership",
    "wave": "Wave",
    "partner": "Partner",
    "role": "Role",
    "factor_name": "Factor",
    "mean": "Score",
    "ci_low": "95% low",
    "ci_high": "95% high",
    "sd": "SD",
    "n": "Respondents",
    "band_label": "Band",
}


def scores(frame: pd.DataFrame) -> pd.DataFrame:
    """Factor scores (of any grouping) with readable headings, rounded."""
    if "respondents" in frame.columns:
        frame = frame.drop(columns="n").rename(columns={"respondents": "n"})
    shown = frame[[c for c in SCORE_HEADINGS if c in frame.columns]].rename(columns=SCORE_HEADINGS)
    return shown.round({"Score": 2, "95% low": 2, "95% high": 2, "SD": 2})


def gaps(frame: pd.DataFrame) -> pd.DataFrame:
    """Per factor, the lowest- and highest-scoring partner and the gap between them."""
    return pd.DataFrame(
        {
            "Factor": frame["factor_name"],
            "Lowest partner": frame["low_partner"],
            "Lowest score": frame["low"].round(2),
            "Highest partner": frame["high_partner"],
            "Highest score": frame["high"].round(2),
            "Gap": frame["gap"].round(2),
        }
    )


def voice(heard: pd.DataFrame) -> pd.DataFrame:
    """Each partner's score on the voice factors against the partnership's."""
    return pd.DataFrame(
        {
            "Partner": heard["partner"],
            "Factor": heard["factor_name"],
            "Partner score": heard["mean"].round(2),
            "Partnership score": heard["overall"].round(2),
            "Difference": heard["difference"].round(2),
            "Respondents": heard["n"],
        }
    )


def power_index(index: pd.DataFrame) -> pd.DataFrame:
    """The spread between partner agencies per wave and factor: raw, and net of noise."""
    return pd.DataFrame(
        {
            "Wave": index["wave"],
            "Factor": index["factor_name"],
            "Partners compared": index["partners"],
            "Lowest partner mean": index["lowest"].round(2),
            "Highest partner mean": index["highest"].round(2),
            "Range": index["range"].round(2),
            "SD of partner means": index["sd"].round(2),
            "Spread net of noise (tau)": index["tau"].round(2),
            "ICC": index["icc"].round(2),
            "p (F-test)": index["p_value"].round(3),
            "Agencies differ more than chance": index["differ"].map({True: "yes", False: "no"}),
        }
    )


def name_only(flags: pd.DataFrame) -> pd.DataFrame:
    """Agencies that may be partners in name only: factor, streak (up to which wave) and
    gaps below the other agencies."""
    return pd.DataFrame(
        {
            "Partner": flags["partner"],
            "Factor": flags["factor_name"],
            "Waves in a row": flags["waves"],
            "Up to wave": flags["through"],
            "Below the other agencies then": flags["latest_difference"].round(2),
            "Upper end of its 95% interval": flags["latest_high"].round(2),
            "Average gap": flags["mean_difference"].round(2),
        }
    )


def reliability(frame: pd.DataFrame) -> pd.DataFrame:
    """Cronbach's alpha per wave and factor, its 95% interval and its reading in words."""
    return pd.DataFrame(
        {
            "Wave": frame["wave"],
            "Factor": frame["factor_name"],
            "Items": frame["items"],
            "Complete answers": frame["n_complete"],
            "Cronbach's alpha": frame["alpha"].round(2),
            "95% interval": [
                f"{lo:.2f} – {hi:.2f}" if pd.notna(lo) else MISSING
                for lo, hi in zip(frame["alpha_ci_low"], frame["alpha_ci_high"], strict=True)
            ],
            "Reliability": frame["reliability"],
        }
    )


def items(frame: pd.DataFrame) -> pd.DataFrame:
    """Answers and the share missing per wave and item."""
    return pd.DataFrame(
        {
            "Wave": frame["wave"],
            "Item": frame["item_id"],
            "Statement": frame["statement"],
            "Respondents": frame["respondents"],
            "Answered": frame["answered"],
            "Missing": (100 * frame["missing_rate"]).round(1).astype(str) + "%",
        }
    )


def attendance(frame: pd.DataFrame) -> pd.DataFrame:
    """Meetings attended per partner and quarter."""
    return frame.rename(
        columns={
            "partner": "Partner",
            "period": "Quarter",
            "meetings": "Meetings",
            "attended": "Attended",
            "rate": "Rate",
        }
    )


def retention(frame: pd.DataFrame) -> pd.DataFrame:
    """Respondents retained from the previous wave, as counts and a percentage."""
    shown = frame.drop(columns=["partnership"]).rename(
        columns={
            "wave": "Wave",
            "respondents": "Respondents",
            "previous": "In previous wave",
            "retained": "Retained",
            "retention_rate": "Retention",
        }
    )
    shown["Retention"] = shown["Retention"].map(lambda v: MISSING if pd.isna(v) else f"{v:.0%}")
    for column in ("In previous wave", "Retained"):
        shown[column] = shown[column].map(_count_or_missing)
    return shown


def cost(frame: pd.DataFrame) -> pd.DataFrame:
    """Meetings, staff hours and what they cost, per quarter."""
    return frame.rename(
        columns={
            "period": "Quarter",
            "meetings": "Meetings",
            "staff_hours": "Staff hours",
            "staff_cost": "Staff cost",
            "resources": "Resources",
            "total_cost": "Total cost",
        }
    )


def capacity(frame: pd.DataFrame) -> pd.DataFrame:
    """Staff hours, resources and information sharing per partner and quarter."""
    return frame.rename(
        columns={
            "partner": "Partner",
            "period": "Quarter",
            "staff_hours": "Staff hours",
            "resources": "Resources",
            "info_shared": "Information sharing",
        }
    )


def outcome_changes(frame: pd.DataFrame) -> pd.DataFrame:
    """Outcome counts of the first twelve months against the last twelve, per category."""
    return frame.rename(
        columns={
            "category": "Category",
            "first_12": "First 12 months",
            "last_12": "Last 12 months",
            "change_pct": "Change (%)",
        }
    )


def placement(frame: pd.DataFrame) -> pd.DataFrame:
    """Where one partnership stands on each factor: its place, and the others' spread."""
    shown = frame.drop(columns=["rank", "of"]).rename(
        columns={
            "factor_name": "Factor",
            "score": "Score",
            "median": "Median of all",
            "lowest": "Lowest",
            "highest": "Highest",
        }
    )
    places = [f"{r} of {n}" for r, n in zip(frame["rank"], frame["of"], strict=True)]
    shown.insert(len(shown.columns), "Place", places)
    return shown


def uploads(history: pd.DataFrame) -> pd.DataFrame:
    """The list of past uploads."""
    return (
        history.fillna({"uploaded_by": MISSING})
        .rename(
            columns={
                "upload_id": "#",
                "file_name": "File",
                "uploaded_at": "Uploaded",
                "uploaded_by": "By",
                "partnership": "Partnership",
                "waves": "Waves",
                "n_rows": "Respondents",
                "n_answers": "Answers",
            }
        )
        .drop(columns=["kind", "sha256"])
    )


def upload_label(history: pd.DataFrame, upload_id: int) -> str:
    """One upload in a few words: number, file, waves and respondents."""
    row = history.loc[history["upload_id"] == upload_id].iloc[0]
    return f"#{upload_id} {row.file_name} ({row.waves}, {row.n_rows} respondents)"


def audit(frame: pd.DataFrame) -> pd.DataFrame:
    """The audit list of uploads and removals."""
    return frame.fillna({"who": MISSING}).rename(
        columns={
            "happened_at": "When",
            "who": "Who",
            "action": "Action",
            "upload_id": "Upload #",
            "file_name": "File",
            "details": "Details",
        }
    )


def problems(error: ValidationError) -> pd.DataFrame:
    """A rejected file's problems: row, column, value, problem, how to fix."""
    return pd.DataFrame(
        [
            {
                "Row": p.row,
                "Column": p.column,
                "Value": p.value,
                "Problem": p.message,
                "How to fix": p.fix,
            }
            for p in error.problems
        ]
    )
