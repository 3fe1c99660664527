"""The committed sample dataset and its generator."""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path

import openpyxl
import pytest

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
