"""Power-differential index and the "partnership in name only" warning."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from analytics_helpers import raw_answers, respondent_scores
from scipy import stats

from monitor import name_only, power, sample
from monitor.scorecard import View
from monitor.store import lookups, responses


def random_effects(groups: list[np.ndarray]) -> tuple[float, float, float, float]:
    """(tau, ICC(1), F, p) of a one-way random-effects ANOVA, from the raw scores."""
    values = np.concatenate(groups)
    n, k = len(values), len(groups)
    msb = sum(len(g) * (g.mean() - values.mean()) ** 2 for g in groups) / (k - 1)
    msw = sum(((g - g.mean()) ** 2).sum() for g in groups) / (n - k)
    n0 = (n - sum(len(g) ** 2 for g in groups) / n) / (k - 1)
    tau2 = max(0.0, (msb - msw) / n0)
    return np.sqrt(tau2), tau2 / (tau2 + msw), msb / msw, stats.f.sf(msb / msw, k - 1, n - k)


def visible(counts: pd.Series, minimum: int) -> pd.Series:
    """Which partners of one wave and factor may be shown: none under `minimum`, and while
    the hidden ones together are under it, not the smallest of the rest either."""
    shown = counts >= minimum
    while shown.any() and 0 < counts[~shown].sum() < minimum:
        shown[counts[shown].idxmin()] = False
    return shown


@pytest.mark.parametrize("minimum", [1, 3, 5])
def test_power_index_matches_numpy(sample_db, instrument, minimum):
    scores = respondent_scores(raw_answers(sample_db), instrument)
    keys = ["partnership", "wave", "factor", "partner"]
    partner = scores.groupby(keys)["score"].agg(["mean", "count"])
    partner = partner[partner.groupby(level=[0, 1, 2])["count"].transform(visible, minimum)]
    raw = scores.set_index(keys)["score"].sort_index()
    got = pd.concat(
        [
            power.power_index(
                sample_db, View(p, lookups.waves(sample_db, p)["wave"].iloc[-1]), minimum
            )
            for p in lookups.partnerships(sample_db)
        ]
    )
    assert len(got) == len(partner.groupby(level=[0, 1, 2]))
    for row in got.itertuples():
        means = partner.loc[(row.partnership, row.wave, row.factor), "mean"].to_numpy()
        assert row.partners == len(means)
        assert row.range == pytest.approx(means.max() - means.min())
        if len(means) > 1:
            assert row.sd == pytest.approx(np.std(means, ddof=1))
            cell = partner.loc[(row.partnership, row.wave, row.factor)]
            groups = [raw.loc[(row.partnership, row.wave, row.factor, p)].to_numpy().ravel()
                      for p in cell.index]  # fmt: skip
            if sum(len(g) for g in groups) > len(groups):
                expected = random_effects(groups)
                got_ = (row.tau, row.icc, row.f, row.p_value)
                assert got_ == pytest.approx(expected, rel=1e-9, abs=1e-12)
                assert row.differ == (expected[3] < 0.05)
        assert (
            row.respondents == partner.loc[(row.partnership, row.wave, row.factor), "count"].sum()
        )


def test_power_index_leaves_out_a_partner_hidden_to_protect_another(sample_db):
    partnership = lookups.partnerships(sample_db)[0]
    view = View(partnership, "2025-Q3", wave_from="2025-Q3")
    counts = responses.respondents_by_partner(sample_db, partnership, "2025-Q3", None)
    assert (counts["respondents"] < 3).sum() == 1  # one small partner: one more is hidden
    index = power.power_index(sample_db, view, 3)
    assert (index["partners"] <= len(counts) - 2).all()


def test_power_index_of_a_view_covers_its_wave_range(sample_db):
    partnership = lookups.partnerships(sample_db)[0]
    waves = lookups.waves(sample_db, partnership)["wave"].tolist()
    view = View(partnership, waves[-1], wave_from=waves[1])
    index = power.power_index(sample_db, view, 3)
    assert sorted(index["wave"].unique()) == sorted(waves[1:])
    assert index["factor_name"].notna().all()


def history(rows: list[tuple], high: float = -0.1) -> pd.DataFrame:
    """A partner history: (partner, wave, difference[, upper end of its interval]);
    a NaN difference is a hidden score."""
    waves = {"W1": "2025-01-01", "W2": "2025-04-01", "W3": "2025-07-01"}
    rows = [(*r, high) if len(r) == 3 else r for r in rows]
    frame = pd.DataFrame(rows, columns=["partner", "wave", "difference", "difference_high"])
    frame["wave_start"] = pd.to_datetime(frame["wave"].map(waves))
    frame["factor"] = "power"
    frame["factor_name"] = "Power"
    frame["suppressed"] = frame["difference"].isna()
    frame.loc[frame["suppressed"], "difference_high"] = np.nan
    return frame


def test_name_only_needs_a_streak_up_to_the_latest_wave():
    frame = history(
        [
            ("A", "W1", -1.0), ("A", "W2", -0.9), ("A", "W3", -0.8),  # 3 waves
            ("B", "W1", -1.0), ("B", "W2", -1.0), ("B", "W3", 0.1),  # recovered
            ("C", "W1", 0.0), ("C", "W2", -0.8), ("C", "W3", -0.76),  # 2 waves
            ("D", "W1", 0.0), ("D", "W2", 0.0), ("D", "W3", -2.0),  # only once
            ("E", "W1", -1.0), ("E", "W2", np.nan), ("E", "W3", -1.0),  # hidden in W2
        ]
    )  # fmt: skip
    assert name_only.wave_check(frame) == name_only.WaveCheck("W3", name_only.CHECKED)
    got = name_only.flags(frame, gap=0.75, waves=2)
    assert got.set_index("partner")["waves"].to_dict() == {"A": 3, "C": 2}
    assert got["current"].all()
    assert set(name_only.flags(frame, gap=0.75, waves=1)["partner"]) == {"A", "C", "D", "E"}
    assert name_only.flags(frame, gap=0.8, waves=2)["partner"].tolist() == ["A"]
    assert name_only.flags(frame, gap=0.85, waves=2).empty


def test_name_only_needs_the_interval_wholly_below_zero():
    frame = history([("A", "W1", -1.0, -0.2), ("A", "W2", -1.2, 0.05), ("A", "W3", -1.0, -0.3)])
    assert name_only.flags(frame, gap=0.75, waves=2).empty  # W2 might be noise
    assert name_only.flags(frame, gap=0.75, waves=1)["waves"].tolist() == [1]


def test_hidden_agencies_cannot_be_checked_and_earlier_flags_stand():
    frame = history(
        [
            ("A", "W1", -1.0), ("A", "W2", -0.9), ("A", "W3", np.nan),  # flagged up to W2
            ("B", "W1", 0.1), ("B", "W2", -1.0), ("B", "W3", np.nan),  # one wave only
        ]
    )  # fmt: skip
    check = name_only.wave_check(frame)
    assert check.status == name_only.CANNOT_CHECK and check.unchecked == ("A", "B")
    assert "cannot be made for any agency in wave W3" in name_only.unchecked_note(check, 3)
    got = name_only.flags(frame, gap=0.75, waves=2)
    flag = got.iloc[0]
    assert len(got) == 1 and flag.partner == "A" and flag.through == "W2"
    assert flag.waves == 2 and not flag.current
    assert "up to W2" in name_only.warnings(got)[0]
    frame = pd.concat([frame, history([("C", "W3", 0.0)])])
    partly = name_only.wave_check(frame)
    assert partly.status == name_only.PARTLY_CHECKED and partly.unchecked == ("A", "B")
    assert "2 of the agencies" in name_only.unchecked_note(partly, 3)
    assert name_only.flags(frame, gap=0.75, waves=2)["partner"].tolist() == ["A"]


def test_name_only_of_nothing():
    assert name_only.wave_check(pd.DataFrame()).status == name_only.NO_DATA
    assert name_only.flags(pd.DataFrame(), gap=0.75).empty


def test_partner_history_compares_with_the_other_agencies(sample_db, instrument):
    partnership = lookups.partnerships(sample_db)[0]
    view = View(partnership, lookups.waves(sample_db, partnership)["wave"].iloc[-1])
    hist = power.partner_history(sample_db, view, 3)
    scores = respondent_scores(raw_answers(sample_db), instrument)
    scores = scores[scores.partnership == partnership]
    for row in hist[~hist["suppressed"]].itertuples():
        cell = scores[(scores.wave == row.wave) & (scores.factor == row.factor)]
        own = cell[cell.partner == row.partner]["score"]
        rest = cell[cell.partner != row.partner]["score"]
        assert row.others_n == len(rest)
        assert row.others_mean == pytest.approx(rest.mean())
        assert row.difference == pytest.approx(own.mean() - rest.mean())
        ci = stats.ttest_ind(own, rest, equal_var=False).confidence_interval(0.95)
        assert (row.difference_low, row.difference_high) == pytest.approx((ci.low, ci.high))
    hidden = hist[hist["suppressed"]]
    assert hidden[["mean", "difference", "others_mean", "difference_high"]].isna().all().all()


def test_name_only_on_the_sample(sample_db):
    partnership = lookups.partnerships(sample_db)[0]
    view = View(partnership, lookups.waves(sample_db, partnership)["wave"].iloc[-1])
    history = power.partner_history(sample_db, view, 3)
    assert name_only.wave_check(history).status == name_only.CHECKED
    got = name_only.flags(history, 0.5, 2)
    assert set(got["factor"]) <= set(name_only.FACTORS)
    assert "Community Group" in set(got["partner"])


def test_a_small_new_wave_cannot_be_checked_and_earlier_flags_stand(db, load, instrument):
    sample.load_sample(db)
    partnership = lookups.partnerships(db)[0]
    agencies = lookups.partners(db, partnership)
    header = ["respondent_id", "partner", "wave", *instrument.item_ids]
    rows = [[f"new{i}", agencies[i % len(agencies)], "2026-Q1", *[3] * len(instrument.item_ids)]
            for i in range(15)]  # fmt: skip
    load([header, *rows], partnership=partnership)
    view = View(partnership, "2026-Q1")
    history = power.partner_history(db, view, 3)
    check = name_only.wave_check(history)
    assert check.wave == "2026-Q1" and check.status == name_only.CANNOT_CHECK
    assert set(check.unchecked) == set(agencies)
    got = name_only.flags(history, 0.75, 2)
    standing = got[got["partner"] == "Community Group"]
    assert len(standing) and not standing["current"].any()
    assert set(standing["through"]) == {"2025-Q4"}
