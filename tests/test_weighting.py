"""One person, one vote and one agency, one vote, checked against pandas and scipy."""

from __future__ import annotations

import numpy as np
import pytest
from analytics_helpers import raw_answers, respondent_scores
from scipy import stats

from monitor import scores


def test_person_weighting_is_the_mean_of_respondents(sample_db, instrument):
    expected = respondent_scores(raw_answers(sample_db), instrument)
    got = scores.factor_scores(sample_db, weighting="person")
    mine = expected.groupby(["partnership", "wave", "factor"])["score"].agg(["mean", "count"])
    assert len(got) == len(mine)
    for row in got.itertuples():
        key = (row.partnership, row.wave, row.factor)
        assert row.mean == pytest.approx(mine.loc[key, "mean"])
        assert row.n == mine.loc[key, "count"]


def test_agency_weighting_is_the_mean_of_partner_means(sample_db, instrument):
    expected = respondent_scores(raw_answers(sample_db), instrument)
    keys = ["partnership", "wave", "factor"]
    partner_means = expected.groupby([*keys, "partner"])["score"].mean()
    got = scores.factor_scores(sample_db, weighting="agency")
    assert len(got) == len(expected.groupby(keys))
    for row in got.itertuples():
        means = partner_means.loc[(row.partnership, row.wave, row.factor)].to_numpy()
        k = len(means)
        assert row.n == k
        assert row.mean == pytest.approx(np.mean(means))
        assert row.sd == pytest.approx(np.std(means, ddof=1))
        half = stats.t.ppf(0.975, k - 1) * np.std(means, ddof=1) / np.sqrt(k)
        assert row.ci_low == pytest.approx(np.mean(means) - half)
        assert row.ci_high == pytest.approx(np.mean(means) + half)
        people = expected[
            (expected.partnership == row.partnership)
            & (expected.wave == row.wave)
            & (expected.factor == row.factor)
        ]
        assert row.respondents == len(people)


def test_agency_weighting_differs_when_partners_differ_in_size(sample_db):
    person = scores.factor_scores(sample_db, weighting="person")
    agency = scores.factor_scores(sample_db, weighting="agency")
    assert not np.allclose(person["mean"], agency["mean"])


def test_unknown_weighting_is_refused(sample_db):
    with pytest.raises(ValueError, match="weighting"):
        scores.factor_scores(sample_db, weighting="money")
