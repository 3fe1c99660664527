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


@pytest.mark.parametrize(
    ("kind", "rows", "answers", "waves", "contents", "label"),
    [
        ("survey", 36, 1080, "2025-Q3", "36 respondents, 1,080 answers", "36 respondents"),
        ("activity", 1, 1, "2025-Q1", "1 attendance record", "1 attendance record"),
        (
            "outcomes",
            1577,
            391,
            ", ".join(f"2025-{m:02d}" for m in range(1, 13)),
            "1,577 rows (391 monthly counts)",
            "1,577 rows",
        ),
    ],
)
def test_uploads_are_counted_in_their_own_units(kind, rows, answers, waves, contents, label):
    history = pd.DataFrame(
        [
            {
                "upload_id": 7, "kind": kind, "file_name": "f.csv", "uploaded_at": "2025-01-01",
                "uploaded_by": "Sam", "partnership": "P", "waves": waves, "n_rows": rows,
                "n_answers": answers, "sha256": "x",
            }
        ]
    )  # fmt: skip
    shown = tables.uploads(history)
    assert shown["Contents"].tolist() == [contents]
    assert "Respondents" not in shown.columns
    assert tables.upload_label(history, 7).endswith(f", {label})")
    if kind == "outcomes":
        assert shown["Waves or months"].tolist() == ["2025-01 to 2025-12 (12)"]


def test_cost_table_names_the_currency():
    cost = pd.DataFrame(
        {"period": ["2025-Q1"], "meetings": [3], "staff_hours": [10.0], "staff_cost": [400.0],
         "resources": [250.0], "total_cost": [650.0]}
    )  # fmt: skip
    shown = tables.cost(cost, "€")
    assert shown.loc[0, "Total cost"] == "€650"
    assert shown.loc[0, "Staff cost"] == "€400"


def test_scorecard_intervals_have_no_negative_zero():
    card = pd.DataFrame(
        {
            "factor_name": ["Trust"], "mean": [3.5], "band_label": ["Borderline"],
            "ci_low": [3.2], "ci_high": [3.8], "change": [-0.001],
            "change_verdict": ["no clear change"], "change_low": [-0.004],
            "change_high": [0.5], "change_first": [None], "change_first_verdict": [None],
            "change_first_low": [None], "change_first_high": [None], "n": [20],
            "change_repeat_share": [0.5], "change_method": ["Welch"],
            "change_left_out": [None],
        }
    )  # fmt: skip
    shown = tables.scorecard(card).iloc[0]
    assert shown["95% interval of change"] == "0.00 to +0.50"
    assert shown["Change since last wave"] == "0.00 (no clear change)"
    brief = tables.scorecard_brief(card).iloc[0]
    assert brief["Since last wave"] == "0.00 (0.00 to +0.50), no clear change"
    assert brief["Score"] == "3.50 (3.20–3.80)"
    assert brief["Since first wave"] == "no earlier wave"
    assert len(tables.scorecard_brief(card).columns) == 6
