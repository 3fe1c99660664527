"""Change since the previous and since the first wave, on the repeat respondents, against
independent computations of the published formulas."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from analytics_helpers import partover, raw_answers, respondent_scores
from scipy import stats

from monitor import change, scorecard, tables
from monitor.scorecard import View
from monitor.statistics import Estimate
from monitor.store import lookups, responses


def split(before: pd.DataFrame, after: pd.DataFrame, key: list[str]):
    """Partover.test's four vectors: only before, only after, paired before, after."""
    paired = before.merge(after, on=key, suffixes=("_1", "_2"))
    ids1 = before.set_index(key).index
    ids2 = after.set_index(key).index
    shared = paired.set_index(key).index
    return (
        before.loc[~ids1.isin(shared), "score"].to_numpy(),
        after.loc[~ids2.isin(shared), "score"].to_numpy(),
        paired["score_1"].to_numpy(),
        paired["score_2"].to_numpy(),
    )


def person_reference(before, after) -> tuple[float, float, float]:
    """(after - before, low, high) by the published formula on all respondents."""
    t, df, p, low, high = partover(*split(before, after, ["partnership", "respondent_id"]))
    return after["score"].mean() - before["score"].mean(), -high, -low


def agency_reference(before, after) -> tuple[float, float, float]:
    """(change, low, high): the mean of the agencies' changes (agencies in both waves),
    variance sum se_k^2 / K^2, Welch-Satterthwaite df; an agency of one in a wave takes
    that wave's pooled within-agency variance (and r = 0, Welch df)."""
    agencies = sorted(set(before["partner"]) & set(after["partner"]))
    parts = {w: {a: f[f["partner"] == a] for a in agencies}
             for w, f in (("b", before), ("a", after))}  # fmt: skip
    pooled = {}
    for w, groups in parts.items():
        multi = [g["score"] for g in groups.values() if len(g) > 1]
        dof = sum(len(g) - 1 for g in multi)
        pooled[w] = (sum((len(g) - 1) * g.var(ddof=1) for g in multi) / dof, dof)
    diffs, variances, dfs = [], [], []
    for a in agencies:
        b, f = parts["b"][a], parts["a"][a]
        diffs.append(f["score"].mean() - b["score"].mean())
        if len(b) > 1 and len(f) > 1:
            _, df, _, low, high = partover(
                *split(b, f, ["partnership", "respondent_id", "partner"])
            )
            variances.append(((high - low) / (2 * stats.t.ppf(0.975, df))) ** 2)
            dfs.append(df)
            continue
        v1, d1 = (b["score"].var(ddof=1), len(b) - 1) if len(b) > 1 else pooled["b"]
        v2, d2 = (f["score"].var(ddof=1), len(f) - 1) if len(f) > 1 else pooled["a"]
        w1, w2 = v1 / len(b), v2 / len(f)
        variances.append(w1 + w2)
        dfs.append((w1 + w2) ** 2 / (w1**2 / d1 + w2**2 / d2))
    k = len(agencies)
    terms = np.array(variances) / k**2
    df = terms.sum() ** 2 / (terms**2 / np.array(dfs)).sum()
    half = stats.t.ppf(0.975, df) * np.sqrt(terms.sum())
    return np.mean(diffs), np.mean(diffs) - half, np.mean(diffs) + half


@pytest.mark.parametrize("weighting", ["person", "agency"])
def test_change_since_previous_and_first(sample_db, instrument, weighting):
    reference = agency_reference if weighting == "agency" else person_reference
    for partnership in lookups.partnerships(sample_db):
        waves = lookups.waves(sample_db, partnership)["wave"].tolist()
        view = View(partnership, waves[-1], weighting=weighting)
        card = scorecard.scorecard(sample_db, view)
        scores = respondent_scores(raw_answers(sample_db), instrument)
        scores = scores[scores.partnership == partnership]
        for row in card.itertuples():
            of = {w: scores[(scores.wave == w) & (scores.factor == row.factor)]
                  for w in (waves[0], waves[-2], waves[-1])}  # fmt: skip
            diff, low, high = reference(of[waves[-2]], of[waves[-1]])
            assert (row.change, row.change_low, row.change_high) == pytest.approx(
                (diff, low, high), rel=1e-9
            )
            diff, low, high = reference(of[waves[0]], of[waves[-1]])
            assert row.first_wave == waves[0]
            assert (row.change_first, row.change_first_low, row.change_first_high) == (
                pytest.approx((diff, low, high), rel=1e-9)
            )
            expected = "rose" if low > 0 else "fell" if high < 0 else "no clear change"
            assert row.change_first_verdict == expected
            repeat = len(split(of[waves[-2]], of[waves[-1]], ["partnership", "respondent_id"])[2])
            if weighting == "person":
                assert row.change_repeat == repeat
                assert row.change_repeat_share == pytest.approx(repeat / len(of[waves[-1]]))
                assert row.change_method == change.METHOD_OVERLAP


def test_second_wave_compares_with_the_first_both_ways(sample_db):
    partnership = lookups.partnerships(sample_db)[0]
    waves = lookups.waves(sample_db, partnership)["wave"].tolist()
    card = scorecard.scorecard(sample_db, View(partnership, waves[1]))
    assert (card["previous_wave"] == waves[0]).all()
    assert np.allclose(card["change"], card["change_first"])
    first = scorecard.scorecard(sample_db, View(partnership, waves[0]))
    assert first["change_first_verdict"].isna().all()
    assert set(tables.scorecard(first)["Change since first wave"]) == {"no earlier wave"}


def test_a_small_partner_selection_is_hidden(sample_db):
    partnership = lookups.partnerships(sample_db)[0]
    waves = lookups.waves(sample_db, partnership)["wave"].tolist()
    counts = responses.respondents_by_partner(sample_db, partnership, waves[-1], None)
    small = counts.sort_values("respondents")["partner"].iloc[0]
    size = int(counts["respondents"].min())
    view = View(partnership, waves[-1], partners=(small,))
    card = scorecard.scorecard(sample_db, view, min_group_size=size + 1)
    assert card["suppressed"].all() and card["mean"].isna().all()
    everyone_but = tuple(p for p in counts["partner"] if p != small)
    card = scorecard.scorecard(
        sample_db, dataclasses.replace(view, partners=everyone_but), min_group_size=size + 1
    )
    assert card["suppressed"].all()
    card = scorecard.scorecard(sample_db, view, min_group_size=1)
    assert not card["suppressed"].any()


def change_of(estimate, se, n_before=20, n_after=20, df=30.0):
    return change.Change(Estimate(estimate, se, df), n_before, n_after, 10, "test")


@pytest.mark.parametrize(
    ("found", "minimum", "expected"),
    [
        (change_of(0.5, 0.1), 3, change.ROSE),
        (change_of(-0.5, 0.1), 3, change.FELL),
        (change_of(0.1, 0.1), 3, change.NO_CLEAR_CHANGE),
        (change_of(0.5, 0.0), 3, change.TOO_FEW),  # no spread: noise cannot be judged
        (change_of(0.5, math.nan), 3, change.TOO_FEW),
        (change_of(0.5, 0.1, df=math.nan), 3, change.TOO_FEW),
        (change_of(0.5, 0.1, n_before=2), 3, change.TOO_FEW),
        (change_of(0.5, 0.1, n_after=4), 5, change.TOO_FEW),
        (change_of(0.5, 0.1, n_after=5), 5, change.ROSE),
        (change_of(0.5, 0.1, n_before=1), 0, change.TOO_FEW),  # never below 2
        (change_of(0.5, 0.1, n_before=2, n_after=2), 0, change.ROSE),
    ],
)
def test_verdict_rules(found, minimum, expected):
    assert found.verdict(minimum) == expected


def wave_rows(instrument, wave: str, answers: dict[str, int], partner="Police"):
    items = instrument.factor("trust").items
    return [
        [rid, partner, wave, *[6 - v if item.reverse else v for item in items]]
        for rid, v in answers.items()
    ]


def test_two_waves_without_spread_are_too_few_to_tell(db, load, instrument):
    header = ["respondent_id", "partner", "wave", *[i.id for i in instrument.factor("trust").items]]
    people = {f"r{i}": 3 for i in range(6)}
    load([header, *wave_rows(instrument, "2025-Q1", people)], partnership="P")
    load(
        [header, *wave_rows(instrument, "2025-Q2", {k: 4 for k in people})],
        "b.csv",
        partnership="P",
    )
    for weighting in ("person", "agency"):
        card = scorecard.scorecard(db, View("P", "2025-Q2", weighting=weighting), min_group_size=3)
        trust = card[card.factor == "trust"].iloc[0]
        assert trust.change == pytest.approx(1.0)
        assert trust.change_verdict == change.TOO_FEW
        assert trust.change_repeat == 6 and trust.change_repeat_share == 1.0


def test_repeat_respondents_narrow_the_interval(db, load, instrument):
    header = ["respondent_id", "partner", "wave", *[i.id for i in instrument.factor("trust").items]]
    before = {f"r{i}": 1 + i % 4 for i in range(12)}
    # each rises by one, two of them by two: the differences vary a little (had every
    # difference been equal, the interval would have no width to compare)
    after = {k: min(v + 1 + (k in ("r0", "r5")), 5) for k, v in before.items()}
    load([header, *wave_rows(instrument, "2025-Q1", before)], partnership="P")
    load([header, *wave_rows(instrument, "2025-Q2", after)], "b.csv", partnership="P")
    card = scorecard.scorecard(db, View("P", "2025-Q2"), min_group_size=3)
    trust = card[card.factor == "trust"].iloc[0]
    assert trust.change_method == change.METHOD_OVERLAP
    welch = stats.ttest_ind(list(after.values()), list(before.values()), equal_var=False)
    ci = welch.confidence_interval(0.95)
    assert trust.change_high - trust.change_low < (ci.high - ci.low) / 2
    assert trust.change_verdict == change.ROSE


def test_agencies_in_one_wave_only_are_left_out_and_named(db, load, instrument):
    header = ["respondent_id", "partner", "wave", *[i.id for i in instrument.factor("trust").items]]
    first = wave_rows(instrument, "2025-Q1", {"a1": 3, "a2": 4, "a3": 2}, "Police")
    first += wave_rows(instrument, "2025-Q1", {"c1": 1, "c2": 2, "c3": 1}, "Council")
    second = wave_rows(instrument, "2025-Q2", {"a1": 4, "a2": 4, "a3": 3}, "Police")
    second += wave_rows(instrument, "2025-Q2", {"h1": 5, "h2": 4, "h3": 5}, "Health")
    load([header, *first], partnership="P")
    load([header, *second], "b.csv", partnership="P")
    card = scorecard.scorecard(db, View("P", "2025-Q2", weighting="agency"))
    trust = card[card.factor == "trust"].iloc[0]
    assert trust.change_left_out == "Council; Health"
    assert trust.change == pytest.approx(2 / 3)  # Police alone: 3 -> 3.667
    assert trust.change_method == change.METHOD_AGENCY and trust.change_repeat == 3
