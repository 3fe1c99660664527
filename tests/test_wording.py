"""Numbers in words: counts with the right noun, signs without a negative zero, money."""

import pytest

from monitor import wording


@pytest.mark.parametrize(
    ("count", "noun", "expected"),
    [
        (1, "time", "1 time"),
        (2, "time", "2 times"),
        (0, "respondent", "0 respondents"),
        (2, "partnership", "2 partnerships"),
        (1577, "row", "1,577 rows"),
        (3, "activity", "3 activities"),
        (2, "person", "2 people"),
        (2, "category", "2 categories"),
        (2, "day", "2 days"),
    ],
)
def test_plural(count, noun, expected):
    assert wording.plural(count, noun) == expected


def test_plural_with_an_own_plural_form():
    assert wording.plural(3, "different person", "different people") == "3 different people"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(-0.001, "0.00"), (-0.004, "0.00"), (0.0, "0.00"), (0.5, "+0.50"), (-0.19, "-0.19")],
)
def test_signed_has_no_negative_zero(value, expected):
    assert wording.signed(value) == expected


def test_signed_range():
    assert wording.signed_range(-0.003, 0.5) == "0.00 to +0.50"


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [(1240, "£", "£1,240"), (-40, "€", "-€40"), (12.5, "EUR ", "EUR 12")],
)
def test_money(amount, currency, expected):
    assert wording.money(amount, currency) == expected


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        (["2025-Q1"], "2025-Q1"),
        (["2025-Q1", "2025-Q2", "2025-Q3"], "2025-Q1, 2025-Q2, 2025-Q3"),
        ([f"2025-{m:02d}" for m in range(1, 13)], "2025-01 to 2025-12 (12)"),
    ],
)
def test_span(labels, expected):
    assert wording.span(labels) == expected
