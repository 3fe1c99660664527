"""The readable tables (monitor.tables) and the answers a view selects (View.score_filter)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from monitor import tables
from monitor.errors import Problem, ValidationError
from monitor.scorecard import View


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        (View("P"), ("P", None, None, None)),
        (View("P", "W2"), ("P", None, None, date(2025, 4, 1))),
        (View("P", "W2", ("A",), "W1"), ("P", ("A",), date(2025, 1, 1), date(2025, 4, 1))),
        (View("P", "unknown", None, "W1"), ("P", None, date(2025, 1, 1), None)),
    ],
)
def test_score_filter_of_a_view(view, expected, monkeypatch):
    starts = {"W1": date(2025, 1, 1), "W2": date(2025, 4, 1)}
    monkeypatch.setattr(View, "starts", lambda self, db: starts)
    where = view.score_filter(db=None)
    assert (where.partnership, where.partners, where.wave_from, where.wave_to) == expected


def test_retention_shows_missing_values_as_a_dash():
    frame = pd.DataFrame(
        {
            "partnership": ["P", "P"],
            "wave": ["W1", "W2"],
            "respondents": [10, 8],
            "previous": [None, 10],
            "retained": [None, 6],
            "retention_rate": [None, 0.6],
        }
    )
    shown = tables.retention(frame)
    assert shown.to_dict("records") == [
        {"Wave": "W1", "Respondents": 10, "In previous wave": "—", "Retained": "—",
         "Retention": "—"},
        {"Wave": "W2", "Respondents": 8, "In previous wave": "10", "Retained": "6",
         "Retention": "60%"},
    ]  # fmt: skip


def test_placement_says_the_place_in_words():
    frame = pd.DataFrame(
        {
            "factor_name": ["Trust"],
            "score": [3.5],
            "rank": [2],
            "of": [5],
            "median": [3.2],
            "lowest": [2.9],
            "highest": [4.1],
        }
    )
    shown = tables.placement(frame)
    assert list(shown.columns) == [
        "Factor", "Score", "Median of all", "Lowest", "Highest", "Place",
    ]  # fmt: skip
    assert shown["Place"].tolist() == ["2 of 5"]


def test_problems_table_has_one_row_per_problem():
    problem = Problem("not on the scale", "use 1 to 5", row=3, column="trust_1", value="7")
    error = ValidationError("f.csv", [problem])
    shown = tables.problems(error)
    assert shown.to_dict("records") == [
        {"Row": "3", "Column": "trust_1", "Value": "7", "Problem": "not on the scale",
         "How to fix": "use 1 to 5"},
    ]  # fmt: skip


def test_problems_table_shows_blanks_as_blanks():
    error = ValidationError("f.csv", [Problem("no survey item columns found", "name them")])
    row = tables.problems(error).iloc[0]
    assert (row["Row"], row["Column"], row["Value"]) == ("", "", "")


@pytest.mark.parametrize(
    ("history", "expected"),
    [({"uploaded_by": None}, "—"), ({"uploaded_by": "Sam"}, "Sam")],
)
def test_uploads_table_names_who_uploaded(history, expected):
    row = {
        "upload_id": 1, "file_name": "f.csv", "uploaded_at": "2025-01-01", "partnership": "P",
        "waves": "W1", "n_rows": 4, "n_answers": 40, "kind": "survey", "sha256": "x",
        **history,
    }  # fmt: skip
    shown = tables.uploads(pd.DataFrame([row]))
    assert "sha256" not in shown
    assert shown["By"].tolist() == [expected]
    assert tables.upload_label(pd.DataFrame([row]), 1) == "#1 f.csv (W1, 4 respondents)"
