"""Change since the previous and since the first wave, against scipy's Welch test."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from analytics_helpers import raw_answers, respondent_scores
from scipy import stats

from monitor import scorecard, tables
from monitor.scorecard import View
from monitor.store import lookups, responses


def welch(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """(diff b - a, low, high) via scipy's Welch t-test confidence interval."""
    result = stats.ttest_ind(b, a, equal_var=False)
    ci = result.confidence_interval(0.95)
    return b.mean() - a.mean(), ci.low, ci.high


@pytest.mark.parametrize("weighting", ["person", "agency"])
def test_change_since_previous_and_first(sample_db, instrument, weighting):
    partnership = lookups.partnerships(sample_db)[0]
    waves = lookups.waves(sample_db, partnership)["wave"].tolist()
    view = View(partnership, waves[-1], weighting=weighting)
    card = scorecard.scorecard(sample_db, view)
    scores = respondent_scores(raw_answers(sample_db), instrument)
    scores = scores[scores.partnership == partnership]
    if weighting == "agency":
        scores = scores.groupby(["wave", "factor", "partner"], as_index=False)["score"].mean()
    for row in card.itertuples():
        values = {w: scores[(scores.wave == w) & (scores.factor == row.factor)]["score"]
                  for w in (waves[0], waves[-2], waves[-1])}  # fmt: skip
        diff, low, high = welch(values[waves[-2]].to_numpy(), values[waves[-1]].to_numpy())
        assert (row.change, row.change_low, row.change_high) == pytest.approx((diff, low, high))
        diff, low, high = welch(values[waves[0]].to_numpy(), values[waves[-1]].to_numpy())
        assert row.first_wave == waves[0]
        assert (row.change_first, row.change_first_low, row.change_first_high) == pytest.approx(
            (diff, low, high)
        )
        expected = "rose" if low > 0 else "fell" if high < 0 else "no clear change"
        assert row.change_first_verdict == expected


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
