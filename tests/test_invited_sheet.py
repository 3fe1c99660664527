"""The Invited sheet of a partnership's template: the agencies listed with the wave, the
counts typed there read when the filled template is uploaded, checked with the file's
other problems, and stored in the upload's transaction."""

from __future__ import annotations

import io

import openpyxl
import pytest

from monitor.errors import ValidationError
from monitor.ingest import import_survey, prepare_survey
from monitor.store import invited, uploads
from monitor.template import INVITED_SHEET, Preset, build_template, template_preset

P = "Northside Partnership"
HEADER = ["respondent_id", "partner", "wave", "trust_1", "trust_2", "trust_3"]


@pytest.fixture
def northside(db, load):
    """Police 2, Council 1 respondents in 2025-Q1."""
    rows = [HEADER, ["P1", "Police", "2025-Q1", 4, 4, 4], ["P2", "Police", "2025-Q1", 3, 3, 3]]
    load([*rows, ["C1", "Council", "2025-Q1", 2, 2, 2]], "q1.csv", partnership=P)
    return db


def filled(db, answers: dict[str, int], counts: dict[str, object]) -> bytes:
    """The partnership's template with `answers` respondents per agency in its next wave
    (2025-Q2) and `counts` typed in the Invited sheet."""
    wb = build_template(preset=template_preset(db, P))
    sheet = wb["Responses"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):  # the prefilled partnership and wave
        for cell in row:
            cell.value = None
    people = [(agency, i) for agency, n in answers.items() for i in range(n)]
    for number, (agency, i) in enumerate(people, start=2):
        values = {"partnership": P, "respondent_id": f"{agency}-{i}", "partner": agency}
        values["wave"] = "2025-Q2"
        for column, name in enumerate(header, start=1):
            sheet.cell(number, column, values.get(name, "Agree" if "_" in name else None))
    for row in wb[INVITED_SHEET].iter_rows(min_row=2):
        if row[0].value in counts:
            row[2].value = counts[row[0].value]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_template_lists_the_agencies_with_the_next_wave(northside):
    wb = build_template(preset=template_preset(northside, P))
    sheet = wb[INVITED_SHEET]
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        ["partner", "wave", "invited"],
        ["Council", "2025-Q2", None],
        ["Police", "2025-Q2", None],
    ]
    check = sheet.data_validations.dataValidation[0]
    assert (check.type, check.operator, check.formula1, str(check.sqref)) == (
        "whole",
        "greaterThanOrEqual",
        "0",
        "C2:C3",
    )
    text = " ".join(r[0] or "" for r in wb["Instructions"].iter_rows(values_only=True))
    assert "Invited sheet: for each agency, how many people were asked to answer" in text


def test_only_a_template_for_a_partnership_has_the_sheet():
    assert INVITED_SHEET not in build_template().sheetnames
    assert INVITED_SHEET not in build_template(preset=Preset(P)).sheetnames  # no agencies yet


def test_a_formula_like_agency_name_stays_text():
    wb = build_template(preset=Preset(P, ["=1+1"], "2025-Q1"))
    out = io.BytesIO()
    wb.save(out)
    cell = openpyxl.load_workbook(io.BytesIO(out.getvalue()))[INVITED_SHEET]["A2"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")


def test_counts_are_stored_with_the_upload(northside):
    data = filled(northside, {"Police": 2, "Council": 1}, {"Police": 4, "Council": 1})
    result = import_survey(northside, io.BytesIO(data), "q2.xlsx", uploaded_by="ana")
    assert "People invited in 2025-Q2 (Invited sheet): counts of 2 agencies kept." in (
        result.warnings
    )
    stored = invited.invited_counts(northside, P, "2025-Q2")
    assert stored[["partner", "invited", "recorded_by"]].values.tolist() == [
        ["Council", 1, "ana"],
        ["Police", 4, "ana"],
    ]
    assert uploads.audit_list(northside)["action"].tolist()[:2] == ["invited", "upload"]


def test_a_blank_count_keeps_one_recorded_before(northside):
    invited.save_invited(northside, P, {"2025-Q2": {"Council": 9}}, "bob")
    data = filled(northside, {"Police": 1}, {"Police": 3})
    import_survey(northside, io.BytesIO(data), "q2.xlsx")
    stored = invited.invited_counts(northside, P, "2025-Q2")
    assert dict(zip(stored["partner"], stored["invited"], strict=True)) == {
        "Council": 9,
        "Police": 3,
    }


def test_bad_counts_are_problems_of_the_file_and_nothing_is_stored(northside, counts):
    data = filled(northside, {"Police": 2, "Council": 1}, {"Police": 1, "Council": "lots"})
    with pytest.raises(ValidationError) as info:
        import_survey(northside, io.BytesIO(data), "q2.xlsx")
    found = {(p.row, p.column, p.value, p.message) for p in info.value.problems}
    assert found == {
        (
            2,
            "invited (Invited sheet)",
            "lots",
            "Invited sheet: Council: 'lots' is not a number",
        ),
        (
            3,
            "invited (Invited sheet)",
            "1",
            "Invited sheet: Police: 1 invited, but 2 answered in 2025-Q2",
        ),
    }
    assert counts(northside) == (1, 9)  # only the first upload
    assert invited.invited_counts(northside).empty


def test_count_problems_are_listed_with_the_answer_problems(northside):
    data = filled(northside, {"Police": 1}, {"Police": -2})
    wb = openpyxl.load_workbook(io.BytesIO(data))
    wb["Responses"]["F2"] = "maybe"  # an unknown answer
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(ValidationError) as info:
        prepare_survey(northside, io.BytesIO(out.getvalue()), "q2.xlsx")
    messages = [p.message for p in info.value.problems]
    assert "Invited sheet: Police: -2 is negative" in messages
    assert len(messages) == 2


def test_a_count_for_a_wave_not_in_the_file_is_a_problem(northside):
    data = filled(northside, {"Police": 1}, {"Police": 3})
    wb = openpyxl.load_workbook(io.BytesIO(data))
    wb[INVITED_SHEET]["B3"] = "2031-Q1"
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(ValidationError) as info:
        prepare_survey(northside, io.BytesIO(out.getvalue()), "q2.xlsx")
    assert [p.message for p in info.value.problems] == [
        "Invited sheet: wave 2031-Q1 is not in the file"
    ]
