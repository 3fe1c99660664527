"""A template made for one partnership: its name, its agencies, the next wave; the
questioning of new partnership names close to stored ones."""

from __future__ import annotations

import io

import openpyxl
import pytest

from monitor.ingest import import_survey
from monitor.names import close_name
from monitor.template import ANSWER_ROWS, Preset, build_template, template_preset, workbook_bytes
from monitor.waves import next_wave

STORED = ["Riverside Community Safety Partnership", "Westbrook Safer Streets"]


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("2025-Q1", "2025-Q2"),
        ("2025-Q4", "2026-Q1"),
        ("Q3 2024", "2024-Q4"),
        ("2025-H1", "2025-H2"),
        ("2025-H2", "2026-H1"),
        ("2025-03", "2025-04"),
        ("2025-12", "2026-01"),
        ("2024", "2025"),
        ("2025-03-31", None),
        ("Spring round", None),
    ],
)
def test_next_wave(label, expected):
    assert next_wave(label) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Riverside Community Safety Partnership", None),  # stored exactly
        ("riverside community safety partnership", STORED[0]),  # case
        ("  Riverside  Community Safety Partnership ", STORED[0]),  # spacing
        ("Riverside Comunity Safety Partnership", STORED[0]),  # one letter
        ("Westbrok Safer Street", STORED[1]),  # small edits
        ("Northside Partnership", None),  # a new partnership
        ("Partnership", None),
    ],
)
def test_close_name(typed, expected):
    assert close_name(typed, STORED) == expected


def test_close_name_without_stored_names():
    assert close_name("Riverside", []) is None


@pytest.fixture
def preset():
    return Preset("Riverside CSP", ["Council", "Police"], "2025-Q3")


def _responses(preset, instrument):
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(build_template(instrument, preset))))
    return wb


def test_preset_template_fills_partnership_and_wave(preset, instrument):
    ws = _responses(preset, instrument)["Responses"]
    header = [c.value for c in ws[1]]
    assert header[:5] == ["partnership", "respondent_id", "partner", "role", "wave"]
    assert header[5:] == list(instrument.item_ids)
    assert {ws.cell(row=r, column=1).value for r in range(2, ANSWER_ROWS + 2)} == {"Riverside CSP"}
    assert {ws.cell(row=r, column=5).value for r in range(2, ANSWER_ROWS + 2)} == {"2025-Q3"}
    assert ws.cell(row=2, column=2).value is None


def test_preset_template_offers_the_agencies(preset, instrument):
    wb = _responses(preset, instrument)
    lists = wb["Lists"]
    assert [lists.cell(row=r, column=2).value for r in (1, 2, 3)] == ["Council", "Police", None]
    ranges = {
        str(v.sqref): v for v in wb["Responses"].data_validations.dataValidation if v.formula1
    }
    partner = ranges[f"C2:C{ANSWER_ROWS + 1}"]
    assert partner.formula1 == "Lists!$B$1:$B$2"
    assert partner.errorStyle == "warning"  # a new agency stays possible
    assert "Riverside CSP" in wb["Instructions"]["A3"].value


def test_preset_without_wave_or_agencies(instrument):
    ws = _responses(Preset("New partnership"), instrument)["Responses"]
    assert ws.cell(row=2, column=1).value == "New partnership"
    assert ws.cell(row=2, column=5).value is None


def test_filled_preset_template_imports_under_its_partnership(db, preset, instrument):
    wb = build_template(instrument, preset)
    ws = wb["Responses"]
    for row, (code, partner) in enumerate([("P-1", "Police"), ("C-1", "Council")], start=2):
        ws.cell(row=row, column=2, value=code)
        ws.cell(row=row, column=3, value=partner)
        for col in range(6, 6 + len(instrument.item_ids)):
            ws.cell(row=row, column=col, value="Agree")
    result = import_survey(db, io.BytesIO(workbook_bytes(wb)), "filled.xlsx")
    assert result.rows == 2
    assert db.query_rows("SELECT DISTINCT partnership, wave FROM answers") == [
        ("Riverside CSP", "2025-Q3")
    ]


def test_template_preset_from_the_store(db, load):
    head = ["respondent_id", "partner", "wave", "partnership", "trust_1"]
    load([head, ["A", "Police", "2025-Q1", "Riverside", 4]])
    load([head, ["B", "Health", "2025-Q2", "Riverside", 3]], "b.csv")
    assert template_preset(db, "Riverside") == Preset("Riverside", ["Health", "Police"], "2025-Q3")
    assert template_preset(db, "Nowhere") == Preset("Nowhere", [], None)
