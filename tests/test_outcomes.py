"""Outcome counts on the sample, checked against the police-style file, and health per wave."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from monitor import outcomes, sample, scores

RIVERSIDE = "Riverside Community Safety Partnership"
FILE = "riverside_outcomes_2024-07_2025-12.csv"


@pytest.fixture(scope="module")
def incidents() -> list[dict]:
    with (sample.SAMPLE_DIR / FILE).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_monthly_counts_match_the_incident_rows(sample_db, incidents):
    expected = Counter((r["Month"], r["Crime type"]) for r in incidents)
    got = outcomes.monthly(sample_db, RIVERSIDE)
    actual = {(m.strftime("%Y-%m"), c): n for m, c, n in got.itertuples(index=False)}
    assert actual == dict(expected)
    assert len({m for m, _ in expected}) == 18  # 2024-07 .. 2025-12


def test_monthly_totals(sample_db, incidents):
    expected = Counter(r["Month"] for r in incidents)
    got = outcomes.monthly_totals(sample_db, RIVERSIDE)
    assert dict(zip(got["month"].dt.strftime("%Y-%m"), got["count"], strict=True)) == expected


def test_change_between_first_and_last_twelve_months(sample_db, incidents):
    months = sorted({r["Month"] for r in incidents})
    first, last = set(months[:12]), set(months[-12:])
    asb = [r for r in incidents if r["Crime type"] == "Anti-social behaviour"]
    before = sum(r["Month"] in first for r in asb)
    after = sum(r["Month"] in last for r in asb)
    got = outcomes.change_table(sample_db, RIVERSIDE).set_index("category")
    assert got.loc["Anti-social behaviour", "first_12"] == before
    assert got.loc["Anti-social behaviour", "change_pct"] == pytest.approx(
        (after / before - 1) * 100
    )
    assert after < before  # the sample's fall in anti-social behaviour


def test_health_is_the_mean_of_the_factor_scores(sample_db):
    factor_scores = scores.factor_scores(sample_db, partnership=RIVERSIDE)
    got = outcomes.health(sample_db, RIVERSIDE)
    assert got["wave"].tolist() == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    for row in got.itertuples():
        means = factor_scores.loc[factor_scores["wave"] == row.wave, "mean"]
        assert row.score == pytest.approx(means.sum() / len(means))
    trust = outcomes.health(sample_db, RIVERSIDE, "trust")
    assert trust["score"].is_monotonic_increasing


def test_caution_says_association_not_cause():
    assert "association, not a cause" in outcomes.CAUTION
