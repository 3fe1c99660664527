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
