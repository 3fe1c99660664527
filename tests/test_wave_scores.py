"""The scores of the view's wave alone (for the Partners page's yardstick) are the
scorecard's, for every weighting, selection and minimum group size."""

from __future__ import annotations

import pandas as pd
import pytest

from monitor import scorecard
from monitor.scorecard import View

RIVERSIDE = "Riverside Community Safety Partnership"
COLUMNS = ["factor", "wave", "n", "mean", "sd", "ci_low", "ci_high", "band", "suppressed"]


@pytest.mark.parametrize("weighting", ["person", "agency"])
@pytest.mark.parametrize("wave", ["2025-Q1", "2025-Q4"])
@pytest.mark.parametrize(
    ("partners", "minimum"),
    [(None, 5), (None, 40), (("Police", "Youth Service"), 5), (("Police",), 12)],
    ids=["all", "large-minimum", "two-partners", "one-partner"],
)
def test_the_wave_alone_equals_the_scorecard(sample_db, weighting, wave, partners, minimum):
    view = View(RIVERSIDE, wave, partners, weighting=weighting)
    card = scorecard.scorecard(sample_db, view, min_group_size=minimum)
    alone = scorecard.wave_scores(sample_db, view, min_group_size=minimum)
    assert len(card) and len(alone) == len(card)
    want = card[COLUMNS].sort_values("factor").reset_index(drop=True)
    got = alone[COLUMNS].sort_values("factor").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_a_wave_without_data_has_no_scores(sample_db):
    assert scorecard.wave_scores(sample_db, View(RIVERSIDE, "2031-Q1")).empty
