"""The Data page's preview (`answers_wide` with a limit) is the first rows of the whole
wide table, whatever the filters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from monitor.store import responses
from monitor.store.scoring import ScoreFilter

WAVES = ("2025-Q1", "2025-Q2", "2025-Q3")
AGENCIES = ("Police", "Council", "Health", "Schools")


@pytest.fixture
def filled(db, load, instrument):
    rng = np.random.default_rng(7)
    items = [i.id for i in instrument.items]
    rows = [["respondent_id", "partner", "role", "wave", *items]]
    for person in range(60):
        for wave in WAVES:
            if rng.random() < 0.7:
                answers = ["" if rng.random() < 0.1 else int(rng.integers(1, 6)) for _ in items]
                partner = AGENCIES[int(rng.integers(0, len(AGENCIES)))]
                rows.append([f"R{person:02d}", partner, "Manager", wave, *answers])
    load(rows, partnership="P")
    return db


@pytest.mark.parametrize(
    "where",
    [
        ScoreFilter(),
        ScoreFilter(partnership="P"),
        ScoreFilter(partnership="P", partners=("Health", "Police")),
        ScoreFilter(partnership="P", wave_from=pd.Timestamp("2025-04-01").date()),
        ScoreFilter(partnership="Nobody"),
    ],
    ids=["all", "partnership", "partners", "from-wave", "none"],
)
@pytest.mark.parametrize("limit", [1, 7, 50, 1000])
def test_the_preview_is_the_head_of_the_whole_table(filled, instrument, where, limit):
    whole = responses.answers_wide(filled, instrument, where)
    preview = responses.answers_wide(filled, instrument, where, limit)
    expected = whole.head(limit).reset_index(drop=True)
    pd.testing.assert_frame_equal(preview.reset_index(drop=True), expected)
    assert len(preview) == min(limit, len(whole))


@pytest.mark.parametrize(
    "where",
    [ScoreFilter(), ScoreFilter(partnership="P", partners=("Council",)), ScoreFilter("Nobody")],
    ids=["all", "partners", "none"],
)
def test_the_wide_table_is_the_answers_pivoted(filled, instrument, where):
    """Against pandas: the long answers (the view `answers`) pivoted to one row per
    respondent and wave, one column per item, in the table's order."""
    long = filled.query_df("SELECT * FROM answers")
    if where.partnership:
        long = long[long["partnership"] == where.partnership]
    if where.partners:
        long = long[long["partner"].isin(where.partners)]
    fields = ["partnership", "wave", "wave_start", "respondent_id", "partner", "role"]
    expected = (
        long.set_index([*fields, "item_id"])["value"]
        .unstack("item_id")
        .reindex(columns=instrument.item_ids)
        .reset_index()
        .sort_values(["partnership", "wave_start", "partner", "respondent_id"], ignore_index=True)
    )
    expected.columns.name = None
    wide = responses.answers_wide(filled, instrument, where)
    assert len(wide) == len(long.groupby(fields))
    pd.testing.assert_frame_equal(wide, expected, check_dtype=False)
