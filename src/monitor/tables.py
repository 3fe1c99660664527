"""Tables as people read them: the analytics' frames with readable headings, rounded
numbers and words instead of codes. Shared by the dashboard's pages and the board report;
no Streamlit here, and no computing: each function only renames, rounds and words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from monitor.errors import ValidationError
from monitor.wording import money, plural, signed, signed_range, span

if TYPE_CHECKING:  # tables only word what the analytics computed; they import none of it
    from monitor.outcomes import PeriodComparison

MISSING = "—"  # shown for a value that does not exist (no earlier wave, nobody named)


def _change_text(change: float, verdict: str | None) -> str:
    if verdict is None:
        return "no earlier wave"
    if pd.isna(change):  # not shown: the verdict says why (a hidden small group)
        return verdict
    return f"{signed(change)} ({verdict})"


def _interval_text(low: float, high: float) -> str:
    return signed_range(low, high) if pd.notna(low) else MISSING


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


def _moved(change: float, verdict: str | None, low: float, high: float) -> str:
    if verdict is None or pd.isna(change):
        return "no earlier wave"
    interval = f" ({signed_range(low, high)})" if pd.notna(low) else ""
    return f"{signed(change)}{interval}, {verdict}"


def scorecard_brief(card: pd.DataFrame) -> pd.DataFrame:
    """The scorecard in six columns that fit a page: factor, score with its interval,
    band, change since the last and since the first wave (each with its interval and
    verdict), respondents. The change tests' method is in `scorecard`."""
    if card.empty:
        return pd.DataFrame()
    full = scorecard(card)
    hidden = card["suppressed"].fillna(False).astype(bool) if "suppressed" in card else None
    table = pd.DataFrame(
        {
            "Factor": card["factor_name"],
            "Score": [
                MISSING
                if pd.isna(m)
                else (f"{m:.2f} ({lo:.2f}–{hi:.2f})" if pd.notna(lo) else f"{m:.2f}")
                for m, lo, hi in zip(card["mean"], card["ci_low"], card["ci_high"], strict=True)
            ],
            "Band": card["band_label"].fillna(MISSING),
            "Since last wave": [
                _moved(*values)
                for values in zip(
                    card["change"],
                    card["change_verdict"],
                    card["change_low"],
                    card["change_high"],
                    strict=True,
                )
            ],
            "Since first wave": [
                _moved(*values)
                for values in zip(
                    card["change_first"],
                    card["change_first_verdict"],
                    card["change_first_low"],
                    card["change_first_high"],
                    strict=True,
                )
            ],
            "Respondents": full["Respondents"],
        }
    )
    if hidden is not None and hidden.any():
        table.loc[hidden.to_numpy(), ["Since last wave", "Since first wave"]] = (
            "hidden (small group)"
        )
    return table


def change_tests(card: pd.DataFrame) -> pd.DataFrame:
    """How each factor's change since the last wave was tested: the share of respondents
    who answered the last wave too, the method (and agencies in one wave only)."""
    full = scorecard(card)
    columns = ["Factor", "Answered last wave too", "Method of change"]
    if "Agencies in one wave only" in full:
        columns.append("Agencies in one wave only")
    return full[columns] if len(full) else full


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
            "Answered": frame["answered"].map(_count_or_missing),
            "Missing": [
                MISSING if pd.isna(rate) else f"{100 * rate:.1f}%" for rate in frame["missing_rate"]
            ],
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


def response_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Respondents, people invited and the response rate per agency, with the flag in
    words (monitor.response_rates)."""
    return pd.DataFrame(
        {
            "Agency": frame["partner"],
            "Respondents": frame["respondents"].astype(int),
            "Invited": frame["invited"].map(_count_or_missing),
            "Response rate": frame["rate"].map(lambda v: MISSING if pd.isna(v) else f"{v:.0%}"),
            "Note": frame["note"],
        }
    )


def invited_entry(frame: pd.DataFrame) -> pd.DataFrame:
    """The table where an evaluator types the people invited per agency (Agency,
    Respondents, Invited; Invited blank where none is recorded)."""
    return pd.DataFrame(
        {
            "Agency": frame["partner"],
            "Respondents": frame["respondents"].astype(int),
            "Invited": pd.to_numeric(frame["invited"]).astype(float),
        }
    )


def cost(frame: pd.DataFrame, currency: str) -> pd.DataFrame:
    """Meetings, staff hours and what they cost, per quarter, with the currency."""
    amounts = {"staff_cost": "Staff cost", "resources": "Resources", "total_cost": "Total cost"}
    shown = pd.DataFrame(
        {
            "Quarter": frame["period"],
            "Meetings": frame["meetings"],
            "Staff hours": frame["staff_hours"].round(1),
        }
    )
    for column, heading in amounts.items():
        shown[heading] = [money(v, currency) for v in frame[column]]
    return shown


def capacity(frame: pd.DataFrame, currency: str) -> pd.DataFrame:
    """Staff hours, resources and information sharing per partner and quarter."""
    shown = frame.rename(
        columns={
            "partner": "Partner",
            "period": "Quarter",
            "staff_hours": "Staff hours",
            "resources": f"Resources ({currency})",
            "info_shared": "Information sharing",
        }
    )
    return shown


def outcome_changes(comparison: PeriodComparison) -> pd.DataFrame:
    """Per category, the incidents of the earlier and the later period and the change,
    headed with the months each period covers."""
    frame = comparison.table
    if frame.empty:
        return pd.DataFrame(columns=["Category", "Earlier period", "Later period", "Change"])
    return pd.DataFrame(
        {
            "Category": frame["category"],
            comparison.earlier: frame["earlier"],
            comparison.later: frame["later"],
            "Change": [
                MISSING if p is None or pd.isna(p) else f"{signed(p, 0)}%"
                for p in frame["change_pct"]
            ],
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


UPLOAD_KINDS = {"survey": "Survey", "activity": "Activity records", "outcomes": "Outcome counts"}


def upload_contents(kind: str, rows: int, answers: int | None = None) -> str:
    """What an upload holds, counted in its own units: survey respondents (and answers),
    activity records, or the rows of an outcome file (and the monthly counts made of them)."""
    if kind == "survey":
        extra = f", {plural(answers, 'answer')}" if answers is not None else ""
        return plural(rows, "respondent") + extra
    if kind == "activity":
        return plural(rows, "attendance record")
    extra = f" ({plural(answers, 'monthly count')})" if answers is not None else ""
    return plural(rows, "row") + extra


def _periods(waves: object) -> str:
    labels = [w.strip() for w in str(waves or "").split(",") if w.strip()]
    return span(labels)


def uploads(history: pd.DataFrame) -> pd.DataFrame:
    """The list of past uploads: a long list of months is shown as its first and last."""
    return pd.DataFrame(
        {
            "#": history["upload_id"],
            "File": history["file_name"],
            "Kind": history["kind"].map(lambda k: UPLOAD_KINDS.get(k, k)),
            "Uploaded": history["uploaded_at"],
            "By": history["uploaded_by"].fillna(MISSING),
            "Partnership": history["partnership"],
            "Waves or months": history["waves"].map(_periods),
            "Contents": [
                upload_contents(k, int(r), int(a))
                for k, r, a in zip(
                    history["kind"], history["n_rows"], history["n_answers"], strict=True
                )
            ],
        }
    )


def upload_label(history: pd.DataFrame, upload_id: int) -> str:
    """One upload in a few words: number, file, waves and what it holds."""
    row = history.loc[history["upload_id"] == upload_id].iloc[0]
    contents = upload_contents(row.kind, int(row.n_rows))
    return f"#{upload_id} {row.file_name} ({_periods(row.waves)}, {contents})"


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
    """A rejected file's problems: row, column, value, problem, how to fix (blank where a
    problem has no row, column or value)."""
    return pd.DataFrame(
        [
            {
                "Row": "" if p.row is None else str(p.row),
                "Column": p.column or "",
                "Value": p.value or "",
                "Problem": p.message,
                "How to fix": p.fix,
            }
            for p in error.problems
        ]
    )


TO_CHECK = "⚠ "  # starts the Check cell of a mapping row the evaluator must check


def mapping(proposed: pd.DataFrame) -> pd.DataFrame:
    """A proposed column mapping as the evaluator reviews it: why a row must be checked
    (blank when it need not), the column, its full question text (the column's name where
    the file has no separate question), what it maps to, how it was matched, an example."""
    return pd.DataFrame(
        {
            "Check": [TO_CHECK + c if c else "" for c in proposed["check"]],
            "Column in the file": proposed["column"],
            "Question text": [
                q or c for q, c in zip(proposed["question"], proposed["column"], strict=True)
            ],
            "Maps to": proposed["maps_to"],
            "How it was matched": proposed["how"],
            "Example value": proposed["example"],
        }
    )


def mapping_choices(reviewed: pd.DataFrame) -> pd.DataFrame:
    """The column and chosen target of each row of a reviewed `mapping` table."""
    return pd.DataFrame({"column": reviewed["Column in the file"], "maps_to": reviewed["Maps to"]})
