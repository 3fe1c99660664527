"""Outcome counts on the sample, checked against the police-style file, and health per wave."""

from __future__ import annotations

import csv
from collections import Counter

import pandas as pd
import pytest

from monitor import outcomes, sample, scores, tables

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


def _months(first: str, count: int, per_month: int = 1, category: str = "Burglary"):
    months = pd.date_range(first, periods=count, freq="MS")
    return pd.DataFrame({"month": months, "category": category, "count": per_month})


@pytest.mark.parametrize(
    ("first", "count", "earlier", "later", "note"),
    [
        # Two years or more: the last twelve months against the twelve before.
        ("2023-01-01", 30, "Jul 2023 to Jun 2024", "Jul 2024 to Jun 2025", "twelve months"),
        ("2024-01-01", 24, "Jan 2024 to Dec 2024", "Jan 2025 to Dec 2025", "twelve months"),
        # 13 to 23 months: the last months against the same months a year earlier.
        ("2024-07-01", 18, "Jul 2024 to Dec 2024", "Jul 2025 to Dec 2025", "Only 18 months"),
        ("2024-01-01", 13, "Jan 2024", "Jan 2025", "the last 1 months"),
    ],
)
def test_periods_are_equal_and_do_not_overlap(first, count, earlier, later, note):
    got = outcomes.compare_periods(_months(first, count))
    assert (got.earlier, got.later) == (earlier, later)
    assert note in got.note
    row = got.table.iloc[0]
    assert row["earlier"] == row["later"]  # one incident a month in both periods
    assert row["change_pct"] == 0


@pytest.mark.parametrize("count", [1, 6, 12])
def test_too_few_months_are_said_so(count):
    got = outcomes.compare_periods(_months("2025-01-01", count))
    assert got.table.empty
    assert f"Only {count} months of data" in got.note


def test_months_without_a_row_count_as_none():
    counts = pd.concat([_months("2024-01-01", 24, 2), _months("2025-06-01", 1, 5, "Shoplifting")])
    got = outcomes.compare_periods(counts).table.set_index("category")
    assert got.loc["Shoplifting", "earlier"] == 0
    assert got.loc["Shoplifting", "later"] == 5
    assert pd.isna(got.loc["Shoplifting", "change_pct"])  # no change from nothing


def test_sample_compares_the_last_half_year_with_the_same_months_before(sample_db, incidents):
    asb = [r for r in incidents if r["Crime type"] == "Anti-social behaviour"]
    before = sum("2024-07" <= r["Month"] <= "2024-12" for r in asb)
    after = sum("2025-07" <= r["Month"] <= "2025-12" for r in asb)
    got = outcomes.change_table(sample_db, RIVERSIDE)
    table = got.table.set_index("category")
    assert table.loc["Anti-social behaviour", "earlier"] == before
    assert table.loc["Anti-social behaviour", "change_pct"] == pytest.approx(
        (after / before - 1) * 100
    )
    assert after < before  # the sample's fall in anti-social behaviour
    shown = tables.outcome_changes(got)
    assert list(shown.columns) == [
        "Category",
        "Jul 2024 to Dec 2024",
        "Jul 2025 to Dec 2025",
        "Change",
    ]


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
