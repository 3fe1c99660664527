"""The disclosure rule: small groups hidden, and no recovering them by differencing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from monitor import disclosure


def frame(sizes: dict[str, int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "partnership": "P",
            "wave": "W",
            "factor": "trust",
            "partner": list(sizes),
            "n": list(sizes.values()),
            "mean": np.linspace(3, 4, len(sizes)),
        }
    )


def recoverable(sizes: dict[str, int], hidden: set[str], minimum: int) -> bool:
    """Independent check: can total minus visible groups reveal fewer than `minimum`?"""
    left = sum(n for p, n in sizes.items() if p in hidden)
    return 0 < left < minimum


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [
        ({"A": 10, "B": 8, "C": 2}, {"C", "B"}),  # one hidden: hide the next smallest
        ({"A": 10, "B": 8, "C": 1, "D": 1}, {"C", "D", "B"}),  # 1 + 1 = 2 < 3 together
        ({"A": 10, "B": 2, "C": 2}, {"B", "C"}),  # 2 + 2 = 4 >= 3: enough
        ({"A": 10, "B": 8, "C": 5}, set()),
        ({"A": 2}, {"A"}),
    ],
)
def test_hidden_groups(sizes, expected):
    got = disclosure.hidden_groups(pd.Series(sizes), 3)
    assert got == expected
    assert not recoverable(sizes, got, 3) or len(got) == len(sizes)


def test_random_tables_never_leak_a_small_group():
    rng = np.random.default_rng(7)
    for _ in range(300):
        k = int(rng.integers(1, 9))
        sizes = {f"p{i}": int(rng.integers(1, 12)) for i in range(k)}
        minimum = int(rng.integers(2, 6))
        hidden = disclosure.hidden_groups(pd.Series(sizes), minimum)
        assert {p for p, n in sizes.items() if n < minimum} <= hidden
        if len(hidden) < len(sizes):
            assert not recoverable(sizes, hidden, minimum)


def test_suppress_blanks_scores_and_marks_secondary():
    got = disclosure.suppress(frame({"A": 10, "B": 8, "C": 2}), 3)
    by = got.set_index("partner")
    assert by.loc["C", "suppressed"] and not by.loc["C", "secondary"]
    assert by.loc["B", "suppressed"] and by.loc["B", "secondary"]
    assert np.isnan(by.loc["B", "mean"]) and by.loc["A", "mean"] == 3
    assert by.loc["B", "n"] == 8


def test_selection_or_its_complement_too_small():
    assert disclosure.selection_too_small(2, 30, 3)
    assert disclosure.selection_too_small(28, 30, 3)  # leaves out 2 people
    assert not disclosure.selection_too_small(30, 30, 3)
    assert not disclosure.selection_too_small(10, 30, 3)
