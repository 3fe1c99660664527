"""The committed sample dataset and its generator."""

from __future__ import annotations

import csv
import importlib.util
import itertools
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from analytics_helpers import file_answers, file_scores

from monitor.instrument import load_instrument, normalise_answer

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample_data"
WAVES = ("2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4")
FILES = {
    "2025-Q1": "riverside_2025-Q1.xlsx",
    "2025-Q2": "riverside_2025-Q2.csv",
    "2025-Q3": "riverside_2025-Q3.xlsx",
    "2025-Q4": "riverside_2025-Q4.csv",
}
DELIMITERS = {"riverside_2025-Q2.csv": (",", "utf-8"), "riverside_2025-Q4.csv": (";", "utf-8-sig")}


def _load_generator():
    name = "sample_data_generate"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, SAMPLE_DIR / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def read_rows(path: Path) -> list[list]:
    """All rows (header first) of the first sheet / the CSV, as plain values."""
    if path.suffix == ".xlsx":
        wb = openpyxl.load_workbook(path, read_only=True)
        assert wb.sheetnames[0] == "Responses"
        return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    sep, encoding = DELIMITERS[path.name]
    with path.open(encoding=encoding, newline="") as handle:
        return [list(r) for r in csv.reader(handle, delimiter=sep)]


@pytest.fixture(scope="module")
def instrument():
    return load_instrument()


@pytest.fixture(scope="module")
def committed() -> dict[str, list[list]]:
    return {wave: read_rows(SAMPLE_DIR / name) for wave, name in FILES.items()}


def test_files_exist():
    for name in FILES.values():
        assert (SAMPLE_DIR / name).is_file(), name


def test_same_header(committed, instrument):
    header = ["respondent_id", "partner", "role", "wave", *instrument.item_ids]
    for rows in committed.values():
        assert rows[0] == header


def test_partners_and_group_sizes(committed):
    for wave, rows in committed.items():
        body = rows[1:]
        assert {r[3] for r in body} == {wave}
        counts: dict[str, int] = {}
        for r in body:
            counts[r[1]] = counts.get(r[1], 0) + 1
        assert len(counts) == 8, wave
        assert all(2 <= n <= 6 for n in counts.values()), counts
        ids = [r[0] for r in body]
        assert len(ids) == len(set(ids))


def test_answers_are_allowed_values(committed, instrument):
    codes = instrument.answer_codes()
    n_missing = n_total = 0
    for rows in committed.values():
        for r in rows[1:]:
            for value in r[4:]:
                text = "" if value is None else str(value)
                assert normalise_answer(text) in codes, value
                n_total += 1
                n_missing += codes[normalise_answer(text)] is None
    assert 0.01 < n_missing / n_total < 0.06


def test_label_and_number_files(committed, instrument):
    labels = set(instrument.labels.values())
    q1_answers = {v for r in committed["2025-Q1"][1:] for v in r[4:]}
    q3_answers = {v for r in committed["2025-Q3"][1:] for v in r[4:]}
    assert labels <= q1_answers
    assert set(range(1, 6)) <= q3_answers


def test_housing_representatives_change(committed):
    def housing(wave):
        return {r[0] for r in committed[wave][1:] if r[1] == "Housing"}

    assert housing("2025-Q1") & housing("2025-Q2")
    assert not housing("2025-Q2") & housing("2025-Q3")
    police = [{r[0] for r in committed[w][1:] if r[1] == "Police"} for w in WAVES]
    assert police[0] & police[-1]


def test_generator_reproduces_committed_files(tmp_path, committed):
    generator = _load_generator()
    paths = generator.generate(out_dir=tmp_path)
    assert sorted(p.name for p in paths) == sorted(FILES.values())
    for wave, name in FILES.items():
        assert read_rows(tmp_path / name) == committed[wave], name


# --- activity records, outcome counts and the second partnership ----------------------------

RECORD_FILES = (
    "riverside_activity_2025.csv",
    "riverside_outcomes_2024-07_2025-12.csv",
    "westbrook_2024-H2.csv",
    "westbrook_2025-H1.csv",
    "westbrook_2025-H2.csv",
    "westbrook_activity_2025.csv",
)


def _dict_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_generator_reproduces_the_other_files(tmp_path):
    generator = _load_generator()
    paths = generator.generate_records(out_dir=tmp_path)
    assert sorted(p.name for p in paths) == sorted(RECORD_FILES)
    for name in RECORD_FILES:
        assert (tmp_path / name).read_bytes() == (SAMPLE_DIR / name).read_bytes(), name


def test_riverside_housing_representative_changes_at_q3():
    rows = _dict_rows(SAMPLE_DIR / "riverside_activity_2025.csv")
    housing = {
        (r["date"][:7], r["representative"])
        for r in rows
        if r["partner"] == "Housing" and r["attended"] == "yes"
    }
    before = {rep for month, rep in housing if month < "2025-07"}
    after = {rep for month, rep in housing if month >= "2025-07"}
    assert len(before) == len(after) == 1 and before != after


def test_riverside_staff_hours_fall_each_quarter():
    totals: dict[int, float] = {}
    for r in _dict_rows(SAMPLE_DIR / "riverside_activity_2025.csv"):
        quarter = (int(r["date"][5:7]) - 1) // 3
        totals[quarter] = totals.get(quarter, 0.0) + float(r["staff_hours"])
    hours = [totals[q] for q in sorted(totals)]
    assert len(hours) == 4 and hours == sorted(hours, reverse=True)


def test_outcomes_are_police_style_rows_over_eighteen_months():
    rows = _dict_rows(SAMPLE_DIR / "riverside_outcomes_2024-07_2025-12.csv")
    assert {"Month", "Crime type", "LSOA name"} <= set(rows[0])
    months = sorted({r["Month"] for r in rows})
    assert months[0] == "2024-07" and months[-1] == "2025-12" and len(months) == 18


def test_second_partnership_waves():
    for wave in ("2024-H2", "2025-H1", "2025-H2"):
        rows = _dict_rows(SAMPLE_DIR / f"westbrook_{wave}.csv")
        assert {r["wave"] for r in rows} == {wave}
        assert len({r["partner"] for r in rows}) == 6


# --- the patterns the sample was built to show, read straight from the files ----------------

SURVEY_FILES = (
    *FILES.values(),
    "westbrook_2024-H2.csv",
    "westbrook_2025-H1.csv",
    "westbrook_2025-H2.csv",
)


def cronbach(matrix: np.ndarray) -> float:
    k = matrix.shape[1]
    return k / (k - 1) * (1 - matrix.var(axis=0, ddof=1).sum() / matrix.sum(axis=1).var(ddof=1))


@pytest.fixture(scope="module")
def riverside_scores(instrument) -> dict[str, pd.DataFrame]:
    return {wave: file_scores(SAMPLE_DIR / name, instrument) for wave, name in FILES.items()}


def means(scores: dict[str, pd.DataFrame], factor: str, partner: str | None = None) -> list:
    out = []
    for frame in scores.values():
        chosen = frame["factor"] == factor
        if partner is not None:
            chosen &= frame["partner"] == partner
        out.append(frame.loc[chosen, "score"].mean())
    return out


def test_factor_scales_are_reliable_in_most_waves(instrument):
    alphas = []
    for name in SURVEY_FILES:
        answers = file_answers(SAMPLE_DIR / name, instrument)
        for factor in instrument.factors:
            items = answers[[item.id for item in factor.items]].dropna().to_numpy()
            alphas.append(cronbach(items))
    assert len(alphas) == 70  # ten factors, seven waves of two partnerships
    assert sum(a >= 0.7 for a in alphas) >= 0.9 * len(alphas)
    assert 0.75 <= np.median(alphas) <= 0.85
    assert min(alphas) > 0.5


def test_trust_rises_and_capacity_falls(riverside_scores):
    trust = means(riverside_scores, "trust")
    assert all(b > a for a, b in itertools.pairwise(trust))
    assert 0.4 <= trust[3] - trust[2] <= 0.6  # the largest rise, into the last wave
    capacity = means(riverside_scores, "capacity")
    assert all(b < a for a, b in itertools.pairwise(capacity))
    assert capacity[0] >= 3.0 > capacity[-1]  # from the borderline band into concern


@pytest.mark.parametrize("partner", ["Community Group", "Business Association"])
def test_community_and_business_partners_hold_less_power(riverside_scores, partner):
    theirs = means(riverside_scores, "power", partner)
    statutory = [
        np.mean([police, council])
        for police, council in zip(
            means(riverside_scores, "power", "Police"),
            means(riverside_scores, "power", "Council"),
            strict=True,
        )
    ]
    assert all(s - t >= 1.5 for t, s in zip(theirs, statutory, strict=True))


def test_housing_continuity_drops_when_its_representatives_change(riverside_scores):
    q3 = riverside_scores["2025-Q3"]
    continuity = q3[q3["factor"] == "continuity"]
    housing = continuity.loc[continuity["partner"] == "Housing", "score"].mean()
    others = continuity.loc[continuity["partner"] != "Housing", "score"].mean()
    assert others - housing >= 0.5


def test_most_respondents_answer_again_and_score_much_as_before(riverside_scores):
    waves = list(riverside_scores)
    for before, after in itertools.pairwise(waves):
        old, new = riverside_scores[before], riverside_scores[after]
        again = set(old["respondent_id"]) & set(new["respondent_id"])
        assert 0.7 <= len(again) / old["respondent_id"].nunique() <= 0.85, before
        for factor in ("trust", "capacity", "power"):
            pair = [
                frame[(frame["factor"] == factor) & frame["respondent_id"].isin(again)].set_index(
                    "respondent_id"
                )["score"]
                for frame in (old, new)
            ]
            joined = pd.concat(pair, axis=1, join="inner")
            assert np.corrcoef(joined.to_numpy().T)[0, 1] > 0.5, (before, factor)
