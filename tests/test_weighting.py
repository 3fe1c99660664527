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


def agency_interval(groups: list[np.ndarray]) -> tuple[float, float]:
    """95% interval of the mean of agency means, the agencies being the whole population:
    variance sum s_k^2 / (K^2 n_k) (pooled within-agency variance for an agency of one),
    Welch-Satterthwaite df."""
    k = len(groups)
    multi = [g for g in groups if len(g) > 1]
    pooled_df = sum(len(g) - 1 for g in multi)
    pooled = sum((len(g) - 1) * np.var(g, ddof=1) for g in multi) / pooled_df
    parts = np.array([(np.var(g, ddof=1) if len(g) > 1 else pooled) / (k**2 * len(g))
                      for g in groups])  # fmt: skip
    dfs = np.array([len(g) - 1 if len(g) > 1 else pooled_df for g in groups])
    mean = np.mean([g.mean() for g in groups])
    if parts.sum() == 0:  # no spread within any agency: a zero-width interval
        return mean, mean
    df = parts.sum() ** 2 / (parts**2 / dfs).sum()
    half = stats.t.ppf(0.975, df) * np.sqrt(parts.sum())
    return mean - half, mean + half


@pytest.mark.parametrize("by", [None, "role"])
def test_agency_weighting_is_the_mean_of_partner_means(sample_db, instrument, by):
    expected = respondent_scores(raw_answers(sample_db), instrument)
    roles = raw_answers(sample_db).drop_duplicates(["partnership", "wave", "respondent_id"])
    expected = expected.merge(roles[["partnership", "wave", "respondent_id", "role"]])
    keys = ["partnership", "wave", *([by] if by else []), "factor"]
    got = scores.factor_scores(sample_db, weighting="agency", by=by)
    assert len(got) == len(expected.groupby(keys))
    for row in got.itertuples():
        cell = expected.set_index(keys).loc[tuple(getattr(row, k) for k in keys)]
        groups = [g.to_numpy() for _, g in cell.groupby("partner")["score"]]
        means = [g.mean() for g in groups]
        assert row.n == len(groups)
        assert row.mean == pytest.approx(np.mean(means))
        if len(groups) > 1:
            assert row.sd == pytest.approx(np.std(means, ddof=1))
        if any(len(g) > 1 for g in groups):
            assert (row.ci_low, row.ci_high) == pytest.approx(agency_interval(groups))
        assert row.respondents == len(cell)


def test_agency_weighting_differs_when_partners_differ_in_size(sample_db):
    person = scores.factor_scores(sample_db, weighting="person")
    agency = scores.factor_scores(sample_db, weighting="agency")
    assert not np.allclose(person["mean"], agency["mean"])


def test_unknown_weighting_is_refused(sample_db):
    with pytest.raises(ValueError, match="weighting"):
        scores.factor_scores(sample_db, weighting="money")
