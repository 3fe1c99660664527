"""Cronbach's alpha and item missing rates, checked against numpy/pandas."""

from __future__ import annotations

import io
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from analytics_helpers import flipped_wide, raw_answers
from scipy import stats

from monitor import charts, quality
from monitor.ingest import import_survey
from monitor.instrument import Instrument
from monitor.scorecard import View
from monitor.store import lookups, scoring


def cronbach(matrix: np.ndarray) -> float:
    k = matrix.shape[1]
    item_var = matrix.var(axis=0, ddof=1).sum()
    total_var = matrix.sum(axis=1).var(ddof=1)
    return k / (k - 1) * (1 - item_var / total_var)


def factors_of_other_sizes(instrument: Instrument) -> Instrument:
    """The instrument with the first factor's last item moved to the second factor: one
    factor of two items, one of four, the others of three."""
    first, second, *rest = instrument.factors
    moved = replace(first.items[-1], factor=second.key)
    return replace(
        instrument,
        factors=(
            replace(first, items=first.items[:-1]),
            replace(second, items=(*second.items, moved)),
            *rest,
        ),
    )


@pytest.mark.parametrize("sizes", ["as published", "of other sizes"])
def test_alpha_matches_the_textbook_formula(sample_db, instrument, sizes):
    if sizes == "of other sizes":
        instrument = factors_of_other_sizes(instrument)
        assert sorted({len(f.items) for f in instrument.factors}) == [2, 3, 4]
    answers = raw_answers(sample_db)
    got = scoring.reliability(sample_db, instrument)
    assert len(got) == len(answers.groupby(["partnership", "wave"])) * 10
    for row in got.itertuples():
        wide = flipped_wide(answers, instrument, row.partnership, row.wave, row.factor)
        complete = wide.dropna().to_numpy()
        assert row.n_complete == len(complete)
        assert row.alpha == pytest.approx(cronbach(complete))


def test_alpha_of_perfectly_consistent_answers_is_one(db, files, instrument):
    items = instrument.factor("trust").items
    header = ["respondent_id", "partner", "wave", *[item.id for item in items]]
    rows = [header] + [
        [f"r{i}", "Police", "2025-Q1", *[6 - v if item.reverse else v for item in items]]
        for i, v in enumerate([1, 3, 5, 4])
    ]
    import_survey(db, io.BytesIO(files.csv(rows)), "t.csv", partnership="P")
    got = scoring.reliability(db, instrument)
    trust = got[got.factor == "trust"].iloc[0]
    assert trust.alpha == pytest.approx(1.0)
    assert trust.n_complete == 4


@pytest.mark.parametrize("alpha_low", [0.99, 0.7, 0.3, -10])
def test_low_only_when_the_whole_feldt_interval_is_below(sample_db, alpha_low):
    view = View(lookups.partnerships(sample_db)[0], "2025-Q4")
    table = quality.reliability(sample_db, view, alpha_low=alpha_low)
    for row in table.dropna(subset=["alpha"]).itertuples():
        df1, df2 = row.n_complete - 1, (row.n_complete - 1) * (row.items - 1)
        low = 1 - (1 - row.alpha) * stats.f.ppf(0.975, df1, df2)
        high = 1 - (1 - row.alpha) * stats.f.ppf(0.025, df1, df2)
        assert (row.alpha_ci_low, row.alpha_ci_high) == pytest.approx((low, high), rel=1e-9)
        expected = (
            quality.TOO_FEW if row.n_complete < quality.ALPHA_MIN_N
            else quality.LOW if high < alpha_low
            else quality.POSSIBLY_LOW if row.alpha < alpha_low
            else quality.ACCEPTABLE
        )  # fmt: skip
        assert row.reliability == expected
        assert row.low == (expected == quality.LOW)


@pytest.mark.parametrize(
    ("alpha", "high", "n", "expected"),
    [
        (0.5, 0.65, 30, quality.LOW),
        (0.6, 0.75, 30, quality.POSSIBLY_LOW),
        (0.8, 0.9, 30, quality.ACCEPTABLE),
        (0.2, 0.5, quality.ALPHA_MIN_N - 1, quality.TOO_FEW),
        (np.nan, np.nan, 30, quality.TOO_FEW),
    ],
)
def test_reliability_verdict(alpha, high, n, expected):
    assert quality.reliability_verdict(alpha, high, n, alpha_low=0.7) == expected


def test_missing_rates_per_item(sample_db, instrument):
    answers = raw_answers(sample_db)
    got = scoring.item_quality(sample_db, instrument)
    people = answers.groupby(["partnership", "wave"])["respondent_id"].nunique()
    answered = answers.dropna(subset=["value"]).groupby(["partnership", "wave", "item_id"]).size()
    assert len(got) == len(people) * len(instrument.item_ids)
    for row in got.itertuples():
        n = people.loc[(row.partnership, row.wave)]
        a = answered.get((row.partnership, row.wave, row.item_id), 0)
        assert row.respondents == n
        assert row.answered == a
        assert row.missing_rate == pytest.approx(1 - a / n)


@pytest.mark.parametrize(
    ("high", "coloured"),
    [(0.2, {"Second"}), (0.05, {"First", "Second"}), (0.34, {"Second"}), (0.36, set())],
)
def test_missing_chart_colours_only_bars_above_the_limit(high, coloured):
    # Second is missing in 40% and 30% of two waves: 35% on average.
    items = pd.DataFrame(
        {
            "wave": ["W1", "W2", "W1", "W2"],
            "item_id": ["a_1", "a_1", "a_2", "a_2"],
            "statement": ["First", "First", "Second", "Second"],
            "respondents": [10, 10, 10, 10],
            "missing_rate": [0.1, 0.1, 0.4, 0.3],
        }
    )
    spec = charts.missing_chart(items, high).to_dict()
    rows = pd.DataFrame(next(iter(spec["datasets"].values())))
    bars, rule = spec["layer"]
    assert bars["encoding"]["y"]["field"] == "statement"  # statements, not item ids
    assert rows["missing_rate"].tolist() == pytest.approx([0.1, 0.35])
    scale = bars["encoding"]["color"]["scale"]
    colour = dict(zip(scale["domain"], scale["range"], strict=True))
    shown = dict(zip(rows["statement"], rows["level"].map(colour), strict=True))
    assert {statement for statement, c in shown.items() if c != "#BBBBBB"} == coloured
    assert rule["encoding"]["x"]["field"] == "high" and set(rows["high"]) == {high}
