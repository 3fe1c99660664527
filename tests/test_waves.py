"""Reading survey waves from cells: a canonical label and a start date."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from monitor.waves import Wave, parse_start, parse_wave


@pytest.mark.parametrize(
    "value,label,start",
    [
        # quarters
        ("2025-Q1", "2025-Q1", date(2025, 1, 1)),
        ("2025 Q1", "2025-Q1", date(2025, 1, 1)),
        ("Q1 2025", "2025-Q1", date(2025, 1, 1)),
        ("2025q3", "2025-Q3", date(2025, 7, 1)),
        ("2025/Q4", "2025-Q4", date(2025, 10, 1)),
        ("  2025   q2 ", "2025-Q2", date(2025, 4, 1)),
        # halves
        ("2025-H2", "2025-H2", date(2025, 7, 1)),
        ("h1 2025", "2025-H1", date(2025, 1, 1)),
        # months
        ("2025-03", "2025-03", date(2025, 3, 1)),
        ("2025-3", "2025-03", date(2025, 3, 1)),
        ("2025-12", "2025-12", date(2025, 12, 1)),
        # days, as typed or as a spreadsheet date cell read as text
        ("2025-03-31", "2025-03-31", date(2025, 3, 31)),
        ("2025-03-31 00:00:00", "2025-03-31", date(2025, 3, 31)),
        ("2025-03-31T09:30", "2025-03-31", date(2025, 3, 31)),
        # years
        ("2025", "2025", date(2025, 1, 1)),
        (2025, "2025", date(2025, 1, 1)),
        # date objects
        (datetime(2025, 3, 31, 14, 5), "2025-03-31", date(2025, 3, 31)),
        (date(2025, 3, 31), "2025-03-31", date(2025, 3, 31)),
        # free labels: kept as written (spaces tidied), no start date
        ("Baseline", "Baseline", None),
        ("  Follow  up ", "Follow up", None),
        ("2025-Q5", "2025-Q5", None),
        # impossible dates are labels only
        ("2025-13", "2025-13", None),
        ("2025-00", "2025-00", None),
        ("2025-02-30", "2025-02-30", None),
    ],
)
def test_parse_wave(value, label, start):
    assert parse_wave(value) == Wave(label, start)
    assert parse_start(value) == start


@pytest.mark.parametrize(
    "a,b", [("2025-Q1", "2025-H1"), ("2025-Q3", "2025-H2"), ("2025-Q2", "2025-04")]
)
def test_periods_that_start_together_share_a_start_date(a, b):
    assert parse_wave(a).start == parse_wave(b).start
    assert parse_wave(a).label != parse_wave(b).label


def test_start_dates_order_waves_in_time():
    labels = ["2025-10-15", "2025-H1", "Q2 2025", "2024", "2025-03"]
    ordered = sorted((parse_wave(v) for v in labels), key=lambda w: w.start)
    assert [w.label for w in ordered] == ["2024", "2025-H1", "2025-03", "2025-Q2", "2025-10-15"]
