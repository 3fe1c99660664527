"""Factor scores, checked against an independent computation from the wide data."""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from monitor import disclosure, scores
from monitor.ingest import import_survey
from monitor.store import lookups, open_database, scoring

PARTNERS = ["Police", "Council", "Health", "Housing", "Youth Services"]
ROLES = ["Senior", "Operational", ""]  # blank: no role given
WAVES = ["2025-Q3", "2025-Q1", "2025-H2", "2024-Q4"]  # deliberately not in time order
TIME_ORDER = ["2024-Q4", "2025-Q1", "2025-H2", "2025-Q3"]  # 2025-H2 and 2025-Q3 share a start
PER_WAVE = 40
MISSING_RATE = 0.05
MISSING_FORMS = ["", "Don't know", "N/A", "don\u2019t know"]
GROUP_COLUMNS = ["n", "mean", "sd", "ci_low", "ci_high"]
SCORE_HEADER = ["respondent_id", "partner", "role", "wave"]
TWO_ITEMS = ["respondent_id", "partner", "wave", "trust_1", "trust_2"]
# These tests check the arithmetic on groups of any size: the disclosure rule is off.
ALL = disclosure.NO_MINIMUM


# The data: random answers to the real instrument ---------------------------------------------


@pytest.fixture(scope="module")
def wide(instrument) -> pd.DataFrame:
    """One row per respondent and wave; item columns hold numbers, NaN when unanswered."""
    rng = np.random.default_rng(20250331)
    items = list(instrument.item_ids)
    rows = []
    for wave in WAVES:
        # Each partner leans a different way, so groups differ.
        lean = {p: rng.normal(0, 0.8) for p in PARTNERS}
        for i in range(PER_WAVE):
            partner = PARTNERS[i % len(PARTNERS)]
            answers = np.clip(np.round(rng.normal(3.3 + lean[partner], 1.1, len(items))), 1, 5)
            answers[rng.random(len(items)) < MISSING_RATE] = np.nan
            rows.append(
                {
                    "respondent_id": f"R{i:03d}",
                    "partner": partner,
                    "role": ROLES[rng.integers(len(ROLES))],
                    "wave": wave,
                    **dict(zip(items, answers, strict=True)),
                }
            )
    frame = pd.DataFrame(rows)
    # A single respondent of their own, so one partner group has n = 1.
    lone = {item: 4.0 for item in items} | {"trust_1": 2.0}
    frame.loc[len(frame)] = {
        "respondent_id": "LONE",
        "partner": "Probation",
        "role": "Senior",
        "wave": "2025-Q1",
        **lone,
    }
    return frame


def as_csv(wide: pd.DataFrame, instrument, seed: int = 7) -> bytes:
    """The wide data as an evaluator's CSV: numbers, some labels, several spellings of missing."""
    rng = np.random.default_rng(seed)
    labels = instrument.labels
    items = list(instrument.item_ids)
    lines = [",".join(SCORE_HEADER + items)]
    for row in wide.itertuples(index=False):
        cells = [row.respondent_id, row.partner, row.role, row.wave]
        for item in items:
            value = getattr(row, item)
            if math.isnan(value):
                cells.append(MISSING_FORMS[rng.integers(len(MISSING_FORMS))])
            elif rng.random() < 0.15:
                label = labels[int(value)]
                cells.append(label.upper() if rng.random() < 0.5 else f" {label.lower()} ")
            else:
                cells.append(str(int(value)))
        lines.append(",".join(cells))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


@pytest.fixture(scope="module")
def scored(wide, instrument):
    """A database holding the wide data, imported through the importer."""
    db = open_database(":memory:")
    result = import_survey(db, io.BytesIO(as_csv(wide, instrument)), "random.csv")
    assert result.rows == len(wide)
    yield db
    db.close()


# The independent computation ----------------------------------------------------------------


def expected_respondent_scores(wide: pd.DataFrame, instrument) -> pd.DataFrame:
    values = wide[list(instrument.item_ids)].astype(float)
    for item in instrument.items:
        if item.reverse:
            values[item.id] = instrument.scale_min + instrument.scale_max - values[item.id]
    parts = []
    for factor in instrument.factors:
        columns = [item.id for item in factor.items]
        answered = values[columns].notna().sum(axis=1)
        enough = answered >= len(columns) / 2  # fewer than half answered: no score
        parts.append(
            wide[["wave", "respondent_id", "partner", "role"]].assign(
                factor=factor.key,
                score=values[columns].mean(axis=1).where(enough),
                n_answered=answered,
            )
        )
    frame = pd.concat(parts, ignore_index=True).dropna(subset=["score"])
    frame["role"] = frame["role"].replace("", None)
    return frame


def expected_group_scores(respondents: pd.DataFrame, by: str | None) -> pd.DataFrame:
    keys = ["wave", *([by] if by else []), "factor"]
    frame = (
        respondents.fillna({"role": "(none)"})
        .groupby(keys)["score"]
        .agg(n="count", mean="mean", sd="std")
        .reset_index()
    )
    half_width = stats.t.ppf(0.975, frame["n"] - 1) * frame["sd"] / np.sqrt(frame["n"])
    frame["ci_low"] = frame["mean"] - half_width
    frame["ci_high"] = frame["mean"] + half_width
    return frame


def _as_float(series: pd.Series) -> list[float]:
    return [float("nan") if pd.isna(v) else float(v) for v in series]


# Checks against the independent computation ---------------------------------------------------


def test_respondent_scores_match(scored, wide, instrument):
    expected = expected_respondent_scores(wide, instrument)
    actual = scores.respondent_scores(scored, instrument=instrument)
    keys = ["wave", "respondent_id", "factor"]
    merged = expected.merge(actual, on=keys, how="outer", suffixes=("", "_db"), indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"][keys]
    assert len(merged) == len(expected)
    assert merged["score_db"].tolist() == pytest.approx(merged["score"].tolist())
    assert merged["n_answered_db"].tolist() == merged["n_answered"].tolist()
    assert merged["partner_db"].tolist() == merged["partner"].tolist()
    # The data does exercise the "fewer than half answered" rule.
    assert len(expected) < len(wide) * len(instrument.factors)


@pytest.mark.parametrize("by", [None, "partner", "role"])
def test_group_scores_match(scored, wide, instrument, by):
    expected = expected_group_scores(expected_respondent_scores(wide, instrument), by)
    actual = scores.factor_scores(scored, by=by, instrument=instrument, min_group_size=ALL)
    if by == "role":
        actual = actual.fillna({"role": "(none)"})
    keys = ["wave", *([by] if by else []), "factor"]
    merged = expected.merge(actual, on=keys, how="outer", suffixes=("", "_db"), indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"][keys]
    assert len(actual) == len(expected)
    assert merged["n_db"].tolist() == merged["n"].tolist()
    for column in ["mean", "sd", "ci_low", "ci_high"]:
        assert _as_float(merged[f"{column}_db"]) == pytest.approx(
            _as_float(merged[column]), nan_ok=True
        ), column
    assert set(actual["partnership"]) == {"Partnership"}


@pytest.mark.parametrize("by", [None, "partner", "role"])
def test_group_scores_order_and_columns(scored, instrument, by):
    frame = scores.factor_scores(scored, by=by, instrument=instrument, min_group_size=ALL)
    assert frame.columns.tolist() == [
        "partnership",
        "wave",
        "wave_start",
        *([by] if by else []),
        "factor",
        "factor_name",
        *GROUP_COLUMNS,
        "band",
        "band_label",
        "suppressed",
        "secondary",
    ]
    assert list(dict.fromkeys(frame["wave"])) == TIME_ORDER
    assert frame["wave_start"].is_monotonic_increasing
    first = frame[frame["wave"] == TIME_ORDER[0]]
    if by is None:
        assert first["factor"].tolist() == list(instrument.factor_keys)
    assert (frame["factor_name"] == frame["factor"].map(instrument.factor_names())).all()
    assert frame["band"].tolist() == [instrument.band(m).key for m in frame["mean"]]


def test_lone_respondent_group_has_no_spread(scored, instrument):
    frame = scores.factor_scores(scored, by="partner", instrument=instrument, min_group_size=ALL)
    lone = frame[frame["partner"] == "Probation"]
    assert len(lone) == len(instrument.factors)
    assert (lone["n"] == 1).all()
    assert lone[["sd", "ci_low", "ci_high"]].isna().all().all()
    trust = lone[lone["factor"] == "trust"].iloc[0]
    assert trust["mean"] == pytest.approx((2 + 4 + 2) / 3)  # trust_3 is reverse: 4 -> 2


# Specific cases ------------------------------------------------------------------------------


def _respondent(db, respondent_id: str) -> dict[str, float]:
    frame = scores.respondent_scores(db)
    rows = frame[frame["respondent_id"] == respondent_id]
    return dict(zip(rows["factor"], rows["score"], strict=True))


@pytest.mark.parametrize(
    "answers,expected",
    [
        # factor `mission`: mission_3 is reverse-worded (1 <-> 5, 2 <-> 4)
        (["5", "4", "2"], (5 + 4 + 4) / 3),
        (["5", "", "1"], (5 + 5) / 2),  # 2 of 3 answered: scored
        (["", "Don't know", "1"], None),  # 1 of 3 answered: no score
        (["3", "N/A", ""], None),
        (["", "", ""], None),
        (["1", "1", "5"], 1.0),
        (["Strongly agree", "agree", "Disagree"], (5 + 4 + 4) / 3),
    ],
)
def test_respondent_factor_score(load, db, answers, expected):
    header = ["respondent_id", "partner", "wave", "mission_1", "mission_2", "mission_3"]
    load([header, ["R1", "Police", "2025-Q1", *answers]])
    found = _respondent(db, "R1")
    if expected is None:
        assert "mission" not in found
    else:
        assert found == {"mission": pytest.approx(expected)}


def test_items_left_out_of_the_file_count_as_unanswered(load, db):
    load([["respondent_id", "partner", "wave", "trust_1", "power_1", "power_2"],
          ["R1", "Police", "2025-Q1", "4", "2", "3"]])  # fmt: skip
    assert _respondent(db, "R1") == {"power": pytest.approx(2.5)}


def test_n1_group(load, db):
    load([["respondent_id", "partner", "wave", "trust_1", "trust_2", "trust_3"],
          ["R1", "Police", "2025-Q1", "4", "5", "1"]])  # fmt: skip
    row = scores.factor_scores(db, min_group_size=ALL).iloc[0]
    assert (row["factor"], row["n"], row["mean"]) == ("trust", 1, pytest.approx(14 / 3))
    assert all(pd.isna(row[c]) for c in ["sd", "ci_low", "ci_high"])


def test_two_respondents_interval(load, db):
    load([["respondent_id", "partner", "wave", "leadership_1", "leadership_2"],
          ["R1", "Police", "2025-Q1", "2", "2"],
          ["R2", "Council", "2025-Q1", "4", "4"]])  # fmt: skip
    row = scores.factor_scores(db, min_group_size=ALL).iloc[0]
    sd = math.sqrt(2)
    half = stats.t.ppf(0.975, 1) * sd / math.sqrt(2)  # 12.706 * 1
    assert (row["n"], row["mean"], row["sd"]) == (2, 3.0, pytest.approx(sd))
    assert (row["ci_low"], row["ci_high"]) == (pytest.approx(3 - half), pytest.approx(3 + half))


def test_waves_in_time_order_whatever_the_import_order(load, db):
    # Sorted by label these would be 2024, 2025-03, 2025-10-15, 2025-H1.
    for n, wave in enumerate(["2025-10-15", "2025-H1", "2024", "2025-03"]):
        load([TWO_ITEMS, [f"R{n}", "Police", wave, "4", "4"]])
    time_order = ["2024", "2025-H1", "2025-03", "2025-10-15"]
    assert scores.factor_scores(db, min_group_size=ALL)["wave"].tolist() == time_order
    assert lookups.waves(db)["wave"].tolist() == time_order
    assert scores.latest_wave(db) == "2025-10-15"


def test_partnership_filter(load, db):
    load([TWO_ITEMS, ["R1", "Police", "2025-Q1", "2", "2"]], "a.csv", partnership="Riverside")
    load([TWO_ITEMS, ["R1", "Police", "2025-Q1", "5", "5"]], "b.csv", partnership="Hillside")
    both = scores.factor_scores(db, min_group_size=ALL)
    assert both[["partnership", "mean"]].values.tolist() == [["Hillside", 5.0], ["Riverside", 2.0]]
    only = scores.factor_scores(db, partnership="Riverside", min_group_size=ALL)
    assert only[["partnership", "mean"]].values.tolist() == [["Riverside", 2.0]]
    assert scores.latest_wave(db, "Nowhere") is None


def test_unknown_grouping_is_refused(db, instrument):
    with pytest.raises(ValueError, match="by must be one of"):
        scoring.group_scores(db, instrument, by="agency")


def test_empty_database_has_no_scores(db):
    assert scores.factor_scores(db, min_group_size=ALL).empty
    assert scores.respondent_scores(db).empty
    assert scores.latest_wave(db) is None


@pytest.mark.parametrize(
    "score,band",
    [
        (5.0, "strength"),
        (4.0, "strength"),
        (3.9999999999999996, "strength"),  # 4.0 after floating-point averaging
        (3.99, "borderline"),
        (3.0, "borderline"),
        (2.99, "concern"),
        (1.0, "concern"),
        (0.0, "concern"),
        (None, None),
        (float("nan"), None),
    ],
)
def test_bands(instrument, score, band):
    found = instrument.band(score)
    assert (found.key if found else None) == band


@pytest.mark.parametrize(
    "answers,band,label",
    [
        # respondent scores 11/3, 5, 11/3, 11/3: the mean is exactly 4
        ([["3", "4", "4"], ["5", "5", "5"], ["3", "4", "4"], ["3", "4", "4"]], "strength",
         "Strength"),
        ([["4", "4", "4"], ["4", "4", "3"]], "borderline", "Borderline (discuss)"),
        ([["3", "3", "3"]], "borderline", "Borderline (discuss)"),
        ([["3", "3", "2"], ["3", "3", "3"]], "concern", "Concern"),
    ],
)  # fmt: skip
def test_band_of_a_group_mean(load, db, answers, band, label):
    header = ["respondent_id", "partner", "wave", "leadership_1", "leadership_2", "leadership_3"]
    load([header] + [[f"R{i}", "Police", "2025-Q1", *a] for i, a in enumerate(answers)])
    row = scores.factor_scores(db, min_group_size=ALL).iloc[0]
    assert (row["band"], row["band_label"]) == (band, label)
