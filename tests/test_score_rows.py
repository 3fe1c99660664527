"""One computation, two forms: factor scores and the disclosure rule as plain rows (what
the command line prints, without pandas) and as tables (what pages, the report and the
exports read) agree, hidden and secondary marks included; and plain rows print as the
tables printed."""

from __future__ import annotations

import io
import math
import random
from datetime import date, datetime

import pandas as pd
import pytest

from monitor import disclosure, frames, plain_output, scores
from monitor.ingest import import_survey
from monitor.store import open_database, scoring

PARTNERSHIP = "Northgate Partnership"
WAVES = ["2024-Q4", "2025-Q1", "2025-Q2"]
ROLES = ["Senior", "Operational", ""]  # blank: no role given
# Respondents per partner and wave: with groups below the minimum, and without.
DATA = {
    "small groups": {"Police": 14, "Council": 9, "Health": 6, "Housing": 2, "Youth Services": 1},
    "no small groups": {"Police": 15, "Council": 12, "Health": 16, "Housing": 13},
}
SELECTION = ("Police", "Housing")
MINIMUM = 5


def survey_rows(instrument, sizes: dict[str, int], seed: int) -> list[list]:
    """Random answers (a few missing) of `sizes` respondents per partner and wave."""
    rng = random.Random(seed)
    items = list(instrument.item_ids)
    rows = [["respondent_id", "partner", "role", "wave", *items]]
    for wave in WAVES:
        for partner, size in sizes.items():
            lean = rng.uniform(-1, 1)
            for i in range(size):
                answers = [
                    "" if rng.random() < 0.05 else min(5, max(1, round(rng.gauss(3.2 + lean, 1))))
                    for _ in items
                ]
                role = ROLES[(i + len(partner)) % len(ROLES)] if size > 3 else "Volunteer"
                rows.append([f"{partner[:2]}{i}", partner, role, wave, *answers])
    return rows


@pytest.fixture(scope="module")
def stores(instrument, files):
    """An in-memory store for each kind of data."""
    made = {}
    for seed, (name, sizes) in enumerate(DATA.items()):
        db = open_database(":memory:")
        data = files.csv(survey_rows(instrument, sizes, seed))
        import_survey(db, io.BytesIO(data), "survey.csv", partnership=PARTNERSHIP)
        made[name] = db
    yield made
    for db in made.values():
        db.close()


def plain(record: dict) -> dict:
    """A table's record as plain rows hold it: None for missing, dates as dates."""

    def value(v: object) -> object:
        if isinstance(v, pd.Timestamp):
            return v.date()
        return None if plain_output.missing(v) else v

    return {k: value(v) for k, v in record.items()}


def records(table: pd.DataFrame) -> list[dict]:
    return [plain(r) for r in table.astype(object).to_dict(orient="records")]


@pytest.mark.parametrize("weighting", ["person", "agency"])
@pytest.mark.parametrize("partners", [None, SELECTION], ids=["all", "selection"])
@pytest.mark.parametrize("by", [None, "partner", "role"])
@pytest.mark.parametrize("data", list(DATA))
def test_factor_score_rows_are_the_table(stores, data, by, partners, weighting):
    where = scoring.ScoreFilter(PARTNERSHIP, partners)
    args = {"by": by, "where": where, "weighting": weighting, "min_group_size": MINIMUM}
    rows = scores.factor_score_rows(stores[data], **args)
    table = scores.factor_scores(stores[data], **args)
    assert list(table.columns) == list(scores.score_types(by, weighting))
    assert records(table) == rows
    assert len(rows) > 0
    if data == "no small groups" and partners is None and weighting == "person":
        assert not any(row["suppressed"] for row in rows)


@pytest.mark.parametrize("by", [None, "partner", "role"])
def test_small_groups_are_hidden_in_rows(stores, by):
    """The comparison above can fail: small groups are there, and hidden."""
    rows = scores.factor_score_rows(stores["small groups"], by=by, min_group_size=MINIMUM)
    shown = scores.factor_score_rows(
        stores["small groups"], by=by, min_group_size=disclosure.NO_MINIMUM
    )
    hidden = [row for row in rows if row["suppressed"]]
    if by is None:  # every wave's total has 32 respondents
        assert not hidden
        return
    assert hidden and all(row["mean"] is None and row["band"] is None for row in hidden)
    assert not any(row["suppressed"] for row in shown)
    if by == "partner":  # Housing (2) and Youth Services (1) together: 3 < 5, so one more
        assert {row["partner"] for row in hidden} == {"Housing", "Youth Services", "Health"}
        assert {row["partner"] for row in hidden if row["secondary"]} == {"Health"}
    if by == "role":  # Volunteer (3), then the next smallest role
        assert "Volunteer" in {row["role"] for row in hidden if not row["secondary"]}
        assert any(row["secondary"] for row in hidden)


def group_scores(db, instrument, by, partners=None):
    """The same group scores as rows and as a table."""
    where = scoring.ScoreFilter(PARTNERSHIP, partners)
    return (
        scoring.group_score_rows(db, instrument, by=by, where=where),
        scoring.group_scores(db, instrument, by=by, where=where),
    )


@pytest.mark.parametrize("minimum", [1, 3, MINIMUM, 13])
@pytest.mark.parametrize("by", [None, "partner", "role"])
@pytest.mark.parametrize("data", list(DATA))
def test_disclosure_on_rows_and_tables_agree(stores, instrument, data, by, minimum):
    db = stores[data]
    rows, table = group_scores(db, instrument, by)
    assert records(table) == rows
    if by is None:
        got = disclosure.suppress_total_rows(rows, minimum)
        want = disclosure.suppress_totals(table, minimum)
    else:
        got = disclosure.suppress_rows(rows, minimum, group=by)
        want = disclosure.suppress(table, minimum, group=by)
    assert records(want) == got


@pytest.mark.parametrize("minimum", [1, 3, MINIMUM, 13])
@pytest.mark.parametrize("data", list(DATA))
def test_disclosure_of_a_selection_on_rows_and_tables_agree(stores, instrument, data, minimum):
    db = stores[data]
    rows, table = group_scores(db, instrument, None, SELECTION)
    sizes_rows, sizes_table = group_scores(db, instrument, "partner")
    got = disclosure.suppress_selection_rows(rows, sizes_rows, SELECTION, minimum)
    want = disclosure.suppress_selection(table, sizes_table, SELECTION, minimum)
    assert records(want) == got

    rows, table = group_scores(db, instrument, "role", SELECTION)
    whole_rows, whole_table = group_scores(db, instrument, "role")
    got = disclosure.suppress_groups_of_selection_rows(rows, whole_rows, "role", minimum)
    want = disclosure.suppress_groups_of_selection(table, whole_table, "role", minimum)
    assert records(want) == got


# --- printing -------------------------------------------------------------------------

ODD_ROWS = [
    {
        "name": "a\ttab, a comma",
        "when": datetime(2025, 3, 1, 9, 30),
        "n": 3,
        "x": -0.0004,
        "flag": True,
    },
    {"name": None, "when": datetime(2025, 3, 2, 10, 0, 5), "n": 12, "x": None, "flag": False},
    {
        "name": "\u00e9 " + "long " * 14,
        "when": datetime(2025, 3, 3),
        "n": 0,
        "x": 1e7,
        "flag": True,
    },
    {"name": 'quote "this"\nline', "when": datetime(2025, 3, 3), "n": -4, "x": 2.5, "flag": False},
]
ODD_TYPES = {
    "name": "str",
    "when": "datetime64[us]",
    "n": "int64",
    "x": "float64",
    "flag": "bool",
}


def printed_by_pandas(rows, types) -> tuple[str, str]:
    """The table of `rows` as the command line printed it with pandas: text and CSV."""
    table = frames.from_rows(rows, types)
    text = table.to_string(index=False, na_rep="-", float_format=lambda v: f"{v:.3f}")
    return text, table.to_csv(index=False, date_format="%Y-%m-%d")


@pytest.mark.parametrize(
    "rows", [ODD_ROWS, ODD_ROWS[:1], ODD_ROWS[1:2]], ids=["odd", "one", "nones"]
)
def test_plain_rows_print_as_pandas_prints_their_table(rows):
    text, csv = printed_by_pandas(rows, ODD_TYPES)
    assert plain_output.text_table(rows, ODD_TYPES, na_rep="-", decimals=3) == text
    assert plain_output.csv_text(rows, ODD_TYPES) == csv
    no_floats = {k: v for k, v in ODD_TYPES.items() if k != "x"}  # as `uploads` prints
    want = frames.from_rows(rows, no_floats).to_string(index=False)
    assert plain_output.text_table(rows, no_floats) == want


@pytest.mark.parametrize("times", [[datetime(2025, 1, 1), date(2025, 2, 1)],
                                   [datetime(2025, 1, 1, 0, 0, 0, 5000)],
                                   [datetime(2025, 1, 1, 0, 0, 0, 5)]])  # fmt: skip
def test_times_print_as_pandas_prints_them(times):
    rows = [{"when": t} for t in times]
    types = {"when": "datetime64[us]"}
    want = frames.from_rows(rows, types).to_string(index=False)
    assert plain_output.text_table(rows, types) == want


@pytest.mark.parametrize("by", [None, "partner", "role"])
def test_scores_print_as_their_table(stores, by):
    rows = scores.factor_score_rows(stores["small groups"], by=by, min_group_size=MINIMUM)
    types = scores.score_types(by)
    text, csv = printed_by_pandas(rows, types)
    assert plain_output.text_table(rows, types, na_rep="-", decimals=3) == text
    assert plain_output.csv_text(rows, types) == csv
    table = frames.from_rows(rows, types)
    assert plain_output.json_records(rows) == plain_output.json_records(
        table.astype(object).to_dict(orient="records")
    )


def test_missing_values():
    assert all(plain_output.missing(v) for v in (None, math.nan, pd.NA, pd.NaT))
    assert not any(plain_output.missing(v) for v in (0, "", "-", [1, 2], False))
