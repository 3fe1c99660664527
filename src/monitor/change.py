"""Change of a factor score between two waves, with a 95% interval and a verdict.

Most respondents answer again in the next wave, so the two waves are not independent
samples. The interval uses the repeat respondents (same partnership and respondent_id
in both waves) through the partially overlapping samples t-test (Derrick, Russ, Toher
and White 2017; see `statistics.partial_overlap`):

* one person, one vote: every respondent of each wave, their correlation over the
  repeat respondents;
* one agency, one vote: each agency present in both waves is compared on its own
  respondents; the change is the mean of those agency changes (agencies in only one
  wave are left out, and named), its variance the sum of theirs over K^2.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from monitor import statistics
from monitor.statistics import Estimate

ROSE, FELL, NO_CLEAR_CHANGE, TOO_FEW = "rose", "fell", "no clear change", "too few to tell"
METHOD_OVERLAP = "partially overlapping samples t-test"
METHOD_WELCH = "Welch t-test (no repeat respondents)"
METHOD_AGENCY = "agency-weighted partially overlapping t-test"
# a verdict needs at least this many respondents in each wave, whatever the settings
MIN_FOR_VERDICT = 2
# suffixes of the columns `compare` adds after change{suffix}; which of them hold text
CHANGE_FIELDS = ("", "_low", "_high", "_se", "_df", "_p", "_verdict", "_method",
                 "_repeat", "_repeat_share", "_left_out")  # fmt: skip
TEXT_FIELDS = ("_verdict", "_method", "_left_out")


@dataclass(frozen=True)
class Change:
    """The change from one wave to a later one: the estimate (later - earlier) with its
    interval, respondents used in each wave, how many answered both, the method and,
    under agency weighting, the agencies left out (present in one wave only)."""

    estimate: Estimate
    n_before: int
    n_after: int
    repeat: int
    method: str
    left_out: tuple[str, ...] = ()

    @property
    def repeat_share(self) -> float:
        """Share of the later wave's respondents who also answered the earlier one."""
        return self.repeat / self.n_after if self.n_after else math.nan

    def verdict(self, min_group_size: int = 0) -> str:
        """rose / fell when the whole interval is above / below zero, else no clear
        change; too few to tell with fewer than `min_group_size` (at least 2)
        respondents in either wave, or no spread to measure noise by."""
        minimum = max(MIN_FOR_VERDICT, min_group_size)
        if min(self.n_before, self.n_after) < minimum or not self.estimate.usable:
            return TOO_FEW
        if self.estimate.low > 0:
            return ROSE
        if self.estimate.high < 0:
            return FELL
        return NO_CLEAR_CHANGE


def _sample(row) -> statistics.Overlap:
    """One row of `store.respondents.wave_overlap` as partially overlapping samples."""
    return statistics.Overlap(
        mean1=_number(row.mean1), sd1=_number(row.sd1), n1=int(row.n1),
        mean2=_number(row.mean2), sd2=_number(row.sd2), n2=int(row.n2),
        n_paired=int(row.n_paired), r=float(row.r),
    )  # fmt: skip


def _number(value) -> float:
    return math.nan if value is None or pd.isna(value) else float(value)


def person_change(sample: statistics.Overlap) -> Change:
    """One person, one vote: change of the respondents' mean score of one factor, from
    the two waves' scores as partially overlapping samples (shared units: repeat
    respondents)."""
    method = METHOD_OVERLAP if sample.n_paired else METHOD_WELCH
    return Change(statistics.partial_overlap(sample), sample.n1, sample.n2, sample.n_paired, method)


def agency_change(samples: Mapping[str, statistics.Overlap]) -> Change:
    """One agency, one vote: change of the mean of agency means of one factor over the
    agencies present in both waves (agency -> its respondents in the two waves, a
    respondent repeating when they answered for the same agency in both)."""
    both = sorted(a for a, s in samples.items() if s.n1 and s.n2)
    used = [samples[a] for a in both]
    return Change(
        statistics.agency_change(used),
        sum(s.n1 for s in used),
        sum(s.n2 for s in used),
        sum(s.n_paired for s in used),
        METHOD_AGENCY,
        tuple(sorted(a for a, s in samples.items() if bool(s.n1) != bool(s.n2))),
    )


def changes(overlap: pd.DataFrame, weighting: str = "person") -> dict[str, Change]:
    """Change per factor between two waves, from their respondent scores summarised by
    `store.respondents.wave_overlap` (per agency under agency weighting), for every
    factor with scores in both waves."""
    found = {}
    for factor, rows in overlap.groupby("factor", sort=False):
        samples = {getattr(r, "partner", None): _sample(r) for r in rows.itertuples()}
        if not (any(s.n1 for s in samples.values()) and any(s.n2 for s in samples.values())):
            continue
        if weighting == "agency":
            found[factor] = agency_change(samples)
        else:
            found[factor] = person_change(next(iter(samples.values())))
    return found


def _columns(found: Change | None, min_group_size: int) -> tuple:
    if found is None:
        return (math.nan,) * 6 + (None, None, math.nan, math.nan, None)
    e = found.estimate
    return (
        e.estimate, e.low, e.high, e.se, e.df, e.p_value,
        found.verdict(min_group_size), found.method, found.repeat, found.repeat_share,
        "; ".join(found.left_out),
    )  # fmt: skip


def compare(
    current: pd.DataFrame,
    previous: pd.DataFrame,
    overlap: pd.DataFrame | None,
    *,
    weighting: str = "person",
    min_group_size: int = 0,
    label: str = "previous",
    suffix: str = "",
) -> pd.DataFrame:
    """Join two waves' factor scores (`current`, `previous`: one row per factor) and
    add the change from `previous` to `current`, measured on the respondent scores of
    those waves as `store.respondents.wave_overlap` summarises them (per agency under
    agency weighting; None when there is no earlier wave).

    Adds {label}_wave, {label}_mean, {label}_sd, {label}_n and change{suffix} with
    _low, _high (95% interval), _se, _df, _p, _verdict (see `Change.verdict`), _method,
    _repeat (respondents in both waves), _repeat_share (of the current wave's
    respondents) and _left_out (agencies in one wave only, '; '-separated; agency
    weighting). A factor without an earlier score has NaN and verdict None."""
    prev = previous[["factor", "wave", "mean", "sd", "n"]].rename(
        columns={c: f"{label}_{c}" for c in ("wave", "mean", "sd", "n")}
    )
    merged = current.merge(prev, on="factor", how="left")
    found = changes(overlap, weighting) if len(previous) and overlap is not None else {}
    rows = [
        _columns(found.get(f) if pd.notna(m) else None, min_group_size)
        for f, m in zip(merged["factor"], merged[f"{label}_mean"], strict=True)
    ]
    values = list(zip(*rows, strict=True)) if rows else [[]] * len(CHANGE_FIELDS)
    for field, column in zip(CHANGE_FIELDS, values, strict=True):
        merged[f"change{suffix}{field}"] = list(column)
    numeric = [f"change{suffix}{f}" for f in CHANGE_FIELDS if f not in TEXT_FIELDS]
    merged[numeric] = merged[numeric].astype(np.float64)
    merged[f"change{suffix}_repeat"] = merged[f"change{suffix}_repeat"].astype("Int64")
    return merged
