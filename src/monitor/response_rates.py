"""Response rates: the share of the people invited to answer a wave's survey who did,
per partner agency, from the counts of people invited that an evaluator records.

rate = respondents / invited, where respondents are the distinct respondent ids of the
agency in the wave (as counted everywhere else) and invited the recorded count. An
agency is flagged when its rate is below the minimum rate (setting
`min_response_rate`, in percent). Agencies without a recorded count have no rate and are
not flagged; the partnership's rate counts only agencies with a count.

Disclosure: respondent counts per agency are not scores; the Overview's "Responses by
partner" chart and the scorecard's n already show them for every agency, small or not,
so a rate (a count divided by a number the evaluator typed) reveals nothing new and is
shown for every agency too. Only scores of small groups are hidden (`disclosure`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from monitor.errors import InvitedCountError
from monitor.settings import Settings
from monitor.store import Database, lookups, responses
from monitor.store import invited as stored

if TYPE_CHECKING:  # the checks of an import need no pandas: imported where frames are made
    import pandas as pd

MIN_RATE = Settings.min_response_rate  # percent: below it an agency's rate is flagged
COLUMNS = ["partner", "respondents", "invited", "rate", "flagged", "note"]


@dataclass(frozen=True)
class Overall:
    """The partnership's rate over the agencies with a recorded count."""

    respondents: int
    invited: int
    agencies: int  # agencies with a count
    missing: int  # agencies with respondents but no count

    @property
    def rate(self) -> float:
        return self.respondents / self.invited if self.invited else math.nan


def _whole(value: object) -> tuple[int | None, str | None]:
    """A count from a cell or a typed value: (count, None), (None, None) for a blank, or
    (None, what is wrong)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None, None
    if isinstance(value, bool):
        return None, f"{value!r} is not a number"
    text = str(value).strip()
    if not text or text.lower() in {"nan", "none", "<na>"}:
        return None, None
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        return None, f"{text!r} is not a number"
    if math.isnan(number) or math.isinf(number):
        return None, f"{text!r} is not a number"
    if number < 0:
        return None, f"{text} is negative"
    if number != int(number):
        return None, f"{text} is not a whole number of people"
    return int(number), None


COUNT_FIX = "Enter how many people were invited (0, 1, 2 ...)."


def check_count(value: object, answered: int, wave: str) -> tuple[int | None, str, str]:
    """One count as typed or read, against the `answered` of its agency in `wave`:
    (count or None for a blank, what is wrong or "", how to fix it or "")."""
    count, wrong = _whole(value)
    if wrong:
        return None, wrong, COUNT_FIX
    if count is not None and count < answered:
        return (
            None,
            f"{count} invited, but {answered} answered in {wave}",
            f"Enter at least {answered}: everyone asked to answer, whether they did or not.",
        )
    return count, "", ""


def check_counts(
    raw: Mapping[str, object], answered: Mapping[str, int], wave: str
) -> dict[str, int]:
    """The counts of `raw` (agency -> value typed or read; blank: no count) as whole
    numbers, checked against `answered` (respondents per agency in `wave`). Raises
    InvitedCountError listing every problem."""
    counts, problems = {}, []
    for partner, value in raw.items():
        name = str(partner).strip()
        if not name:
            problems.append("A count has no agency name. Name the agency, or leave the row out.")
            continue
        count, wrong, fix = check_count(value, int(answered.get(name, 0)), wave)
        if wrong:
            problems.append(f"{name}: {wrong}. {fix}")
        elif count is not None:
            counts[name] = count
    if problems:
        raise InvitedCountError(wave, problems)
    return counts


def answered(db: Database, partnership: str, wave: str) -> dict[str, int]:
    """Respondents per agency in one wave."""
    frame = responses.respondents_by_partner(db, partnership, wave, None)
    return dict(zip(frame["partner"], frame["respondents"].astype(int), strict=True))


def record_invited(
    db: Database,
    partnership: str,
    by_wave: Mapping[str, Mapping[str, object]],
    who: str | None = None,
) -> dict[str, dict[str, tuple[int | None, int | None]]]:
    """Check the counts of `by_wave` (wave -> agency -> people invited; a blank removes an
    agency's count) and make them the counts of `partnership` and those waves, all or
    nothing: any problem in any wave stores none of them. What changed: wave -> agency
    -> (was, now). Use `monitor.access.save_invited` to check the user's role first."""
    partnership = str(partnership).strip()
    waves = {str(wave).strip(): counts for wave, counts in by_wave.items()}
    if not partnership or not waves or "" in waves:
        raise InvitedCountError(
            partnership or "this partnership",
            ["Choose the partnership and the wave the counts belong to."],
        )
    checked, problems = {}, []
    for wave, raw in waves.items():
        try:
            checked[wave] = check_counts(raw, answered(db, partnership, wave), wave)
        except InvitedCountError as exc:
            prefix = f"{wave}, " if len(waves) > 1 else ""
            problems += [prefix + p for p in exc.problems]
    if problems:
        raise InvitedCountError(f"{partnership}, {', '.join(waves)}", problems)
    return stored.save_invited(db, partnership, checked, who)


def entry(db: Database, partnership: str, wave: str) -> pd.DataFrame:
    """What to fill in for one wave: every agency of the partnership (with answers in
    any wave, or a count recorded for this one) with its respondents in `wave` and the
    count recorded (NaN: none yet). Columns partner, respondents, invited."""
    import pandas as pd

    counts = stored.invited_counts(db, partnership, wave)
    names = sorted(set(lookups.partners(db, partnership)) | set(counts["partner"]))
    came = answered(db, partnership, wave)
    invited = dict(zip(counts["partner"], counts["invited"], strict=True))
    return pd.DataFrame(
        {
            "partner": names,
            "respondents": [int(came.get(n, 0)) for n in names],
            "invited": pd.array([invited.get(n) for n in names], dtype="Float64"),
        }
    )


def response_rates(
    db: Database,
    partnership: str,
    wave: str,
    partners: tuple[str, ...] | None = None,
    min_rate: float = MIN_RATE,
) -> pd.DataFrame:
    """Per agency of the wave (only `partners`, when given): respondents, invited (NaN:
    not recorded), rate (0 to 1; NaN without a count), flagged (rate below `min_rate`
    percent) and a note in words. Empty when no count is recorded for the wave."""
    import pandas as pd

    counts = stored.invited_counts(db, partnership, wave)
    if counts.empty:
        return pd.DataFrame(columns=COLUMNS)
    came = pd.Series(answered(db, partnership, wave), dtype="Int64", name="respondents")
    invited = counts.set_index("partner")["invited"].astype("Int64")
    frame = pd.concat([came, invited.rename("invited")], axis=1).rename_axis("partner")
    frame = frame.reset_index().sort_values("partner", kind="stable")
    if partners:
        frame = frame[frame["partner"].isin(partners)]
    return rates(frame, min_rate).reset_index(drop=True)


def rates(frame: pd.DataFrame, min_rate: float = MIN_RATE) -> pd.DataFrame:
    """`frame` (partner, respondents, invited; missing = not known) with the rate, the
    flag and the note."""
    import pandas as pd

    frame = frame.copy()
    frame["respondents"] = frame["respondents"].fillna(0).astype(int)
    invited = pd.to_numeric(frame["invited"]).astype(float)
    frame["invited"] = invited.round().astype("Int64")
    frame["rate"] = (frame["respondents"] / invited.where(invited > 0)).astype(float)
    frame["flagged"] = (frame["rate"] < min_rate / 100).fillna(False).astype(bool)
    frame["note"] = [
        _note(n, i, r, f, min_rate)
        for n, i, r, f in zip(
            frame["respondents"], invited, frame["rate"], frame["flagged"], strict=True
        )
    ]
    return frame[COLUMNS]


def _note(respondents: int, invited: float, rate: float, flagged: bool, min_rate: float) -> str:
    if math.isnan(invited):
        return "invited not recorded"
    if invited == 0:
        return "nobody invited"
    if respondents > invited:
        return "more answered than invited: check the count"
    if flagged:
        return f"low: below {min_rate:g}%"
    return ""


def overall(frame: pd.DataFrame) -> Overall:
    """The partnership's rate from `response_rates`: the agencies with a count."""
    known = frame[frame["invited"].notna()]
    return Overall(
        respondents=int(known["respondents"].sum()),
        invited=int(known["invited"].sum()),
        agencies=len(known),
        missing=int(((frame["invited"].isna()) & (frame["respondents"] > 0)).sum()),
    )


def flagged(frame: pd.DataFrame) -> pd.DataFrame:
    """The agencies of `response_rates` whose rate is below the minimum."""
    return frame[frame["flagged"]].reset_index(drop=True)


def summary_sentence(frame: pd.DataFrame, min_rate: float) -> str:
    """The response rate in plain words (for the report's first page and the Overview)."""
    if frame.empty:
        return (
            "Not recorded: the store holds no count of the people invited to answer, so "
            "the share who answered cannot be given."
        )
    total = overall(frame)
    text = (
        f"{total.respondents} of {total.invited} people invited answered ({_percent(total.rate)})"
    )
    if total.missing:
        text += f"; {_agencies(total.missing)} without a recorded count left out"
    low = flagged(frame)
    if low.empty:
        return text + f". No agency is below {min_rate:g}%."
    parts = ", ".join(f"{r.partner} ({_percent(r.rate)})" for r in low.itertuples())
    return text + f". Below {min_rate:g}%: {parts}."


def _agencies(n: int) -> str:
    return "1 agency" if n == 1 else f"{n} agencies"


def _percent(rate: float) -> str:
    return "-" if math.isnan(rate) else f"{rate:.0%}"
