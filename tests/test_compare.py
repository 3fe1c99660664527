"""Several partnerships: latest scores side by side and each one's place among the others."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from monitor import compare, sample

RIVERSIDE = "Riverside Community Safety Partnership"
WESTBROOK = "Westbrook Safer Neighbourhoods Partnership"


def independent_factor_mean(path, instrument, factor: str) -> float:
    """The mean of respondent factor scores computed straight from a numeric CSV."""
    items = [i for i in instrument.items if i.factor == factor]
    lo, hi = instrument.scale_min, instrument.scale_max
    scores = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            values = [
                (lo + hi - int(row[i.id])) if i.reverse else int(row[i.id])
                for i in items
                if row[i.id].strip()
            ]
            if len(values) * 2 >= len(items):
                scores.append(sum(values) / len(values))
    return sum(scores) / len(scores)


def test_latest_wave_of_each_partnership(sample_db):
    latest = compare.latest_scores(sample_db)
    assert dict(latest.groupby("partnership")["wave"].first()) == {
        RIVERSIDE: "2025-Q4",
        WESTBROOK: "2025-H2",
    }
    assert len(latest) == 2 * 10


def test_side_by_side_matches_the_raw_answers(sample_db, instrument):
    wide = compare.side_by_side(compare.latest_scores(sample_db)).set_index("Factor")
    names = instrument.factor_names()
    for factor in ("trust", "capacity", "power"):
        expected = independent_factor_mean(
            sample.SAMPLE_DIR / "westbrook_2025-H2.csv", instrument, factor
        )
        assert wide.loc[names[factor], f"{WESTBROOK} (2025-H2)"] == pytest.approx(expected)


def test_each_partnership_says_which_wave_its_scores_come_from(sample_db):
    waves = compare.waves_compared(compare.latest_scores(sample_db))
    assert waves == {"Riverside Community Safety Partnership": "2025-Q4", WESTBROOK: "2025-H2"}


def test_placement_ranks_among_all_partnerships():
    latest = pd.DataFrame(
        {
            "partnership": ["A", "B", "C", "A", "B", "C"],
            "factor": ["trust"] * 3 + ["power"] * 3,
            "factor_name": ["Trust"] * 3 + ["Power"] * 3,
            "mean": [3.0, 4.0, 3.5, 2.0, 2.5, 4.5],
        }
    )
    place = compare.placement(latest, "C").set_index("factor_name")
    assert place.loc["Trust", "rank"] == 2 and place.loc["Trust", "of"] == 3
    assert place.loc["Power", "rank"] == 1
    assert place.loc["Trust", "median"] == pytest.approx(3.5)
    assert place.loc["Power", "lowest"] == pytest.approx(2.0)
    assert compare.placement(latest, "Z").empty


def test_sample_capacity_places_riverside_below_westbrook(sample_db):
    place = compare.placement(compare.latest_scores(sample_db), RIVERSIDE)
    capacity = place[place["factor_name"].str.contains("apacity")].iloc[0]
    assert (capacity["rank"], capacity["of"]) == (2, 2)
