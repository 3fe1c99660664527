"""Power-differential index and the "partnership in name only" warning."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from analytics_helpers import raw_answers, respondent_scores

from monitor import name_only, power
from monitor.scorecard import View
from monitor.store import lookups, responses


def gini(values: np.ndarray) -> float:
    """Gini coefficient by the sorted-values formula (independent of the pairwise one)."""
    x = np.sort(values)
    n = len(x)
    ranks = np.arange(1, n + 1)
    return float((2 * ranks - n - 1) @ x / (n * x.sum()))


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
    partner = scores.groupby(["partnership", "wave", "factor", "partner"])["score"].agg(
        ["mean", "count"]
    )
    partner = partner[partner.groupby(level=[0, 1, 2])["count"].transform(visible, minimum)]
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
        assert row.gini == pytest.approx(gini(means))


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


def history(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    waves = {"W1": "2025-01-01", "W2": "2025-04-01", "W3": "2025-07-01"}
    frame = pd.DataFrame(rows, columns=["partner", "wave", "difference"])
    frame["wave_start"] = pd.to_datetime(frame["wave"].map(waves))
    frame["factor"] = "power"
    frame["factor_name"] = "Power"
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
    got = name_only.flags(frame, gap=0.75, waves=2)
    assert got.set_index("partner")["waves"].to_dict() == {"A": 3, "C": 2}
    assert set(name_only.flags(frame, gap=0.75, waves=1)["partner"]) == {"A", "C", "D", "E"}
    assert name_only.flags(frame, gap=0.8, waves=2)["partner"].tolist() == ["A"]
    assert name_only.flags(frame, gap=0.85, waves=2).empty


def test_name_only_on_the_sample(sample_db):
    partnership = lookups.partnerships(sample_db)[0]
    view = View(partnership, lookups.waves(sample_db, partnership)["wave"].iloc[-1])
    hist = power.partner_history(sample_db, view, 3)
    flags = name_only.flags(hist, 0.5, 2)
    assert set(flags["factor"]) <= set(name_only.FACTORS)
    shown = hist.dropna(subset=["mean"])
    assert (shown["difference"] == shown["mean"] - shown["overall"]).all()
