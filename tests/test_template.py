"""The downloadable survey template."""

from __future__ import annotations

import io

import fastexcel
import openpyxl
import pytest
from openpyxl.worksheet.cell_range import CellRange

from monitor.instrument import load_instrument
from monitor.template import (
    ID_COLUMNS,
    answer_choices,
    build_template,
    template_bytes,
    workbook_bytes,
    write_template,
)


@pytest.fixture(scope="module")
def instrument():
    return load_instrument()


@pytest.fixture(scope="module")
def workbook(instrument):
    return openpyxl.load_workbook(io.BytesIO(template_bytes(instrument)))


def expected_header(instrument) -> list[str]:
    return ["respondent_id", "partner", "role", "wave", *instrument.item_ids]


def test_sheets_and_header(workbook, instrument):
    assert workbook.sheetnames[0] == "Responses"
    assert workbook.active.title == "Responses"
    assert {"Items", "Instructions", "Lists"} <= set(workbook.sheetnames)
    assert workbook["Lists"].sheet_state == "hidden"
    ws = workbook["Responses"]
    assert [c.value for c in ws[1]] == expected_header(instrument)
    assert ws.max_row == 1
    assert ws.freeze_panes is not None and ws.freeze_panes.endswith("2")
    assert ws["A1"].font.bold


def test_item_headers_carry_statements(workbook, instrument):
    ws = workbook["Responses"]
    for item, cell in zip(instrument.items, ws[1][len(ID_COLUMNS) :], strict=True):
        assert cell.comment is not None
        assert item.statement in cell.comment.text


def _validation_for(ws, coordinate: str):
    return [dv for dv in ws.data_validations.dataValidation if coordinate in dv.sqref]


def test_answer_validation_covers_items(workbook, instrument):
    ws = workbook["Responses"]
    lists = workbook["Lists"]
    n_id = len(ID_COLUMNS)
    for pos in range(n_id + 1, n_id + len(instrument.items) + 1):
        for row in (2, 1001):
            cell = ws.cell(row=row, column=pos).coordinate
            found = [dv for dv in _validation_for(ws, cell) if dv.type == "list"]
            assert len(found) == 1, cell
    dv = next(dv for dv in ws.data_validations.dataValidation if dv.type == "list")
    assert dv.showErrorMessage and dv.allow_blank and dv.error
    sheet, ref = dv.formula1.split("!")
    assert sheet == "Lists"
    choices = [c.value for row in lists[CellRange(ref.replace("$", "")).coord] for c in row]
    assert choices == answer_choices(instrument)
    for label in instrument.labels.values():
        assert label in choices
    assert "Don't know" in choices and "N/A" in choices
    assert not _validation_for(ws, "A1") and not _validation_for(ws, "E1")


def test_wave_hint(workbook):
    ws = workbook["Responses"]
    (hint,) = _validation_for(ws, "D2")
    assert hint.showInputMessage
    assert "2025-Q1" in hint.prompt and "2025-03-31" in hint.prompt


def test_items_sheet(workbook, instrument):
    rows = list(workbook["Items"].iter_rows(values_only=True))
    assert rows[0][0] == "item_id"
    body = rows[1:]
    assert len(body) == len(instrument.items)
    names = instrument.factor_names()
    for item, row in zip(instrument.items, body, strict=True):
        item_id, factor, factor_name, statement, reverse = row
        assert (item_id, factor, statement) == (item.id, item.factor, item.statement)
        assert factor_name == names[item.factor]
        assert reverse == ("yes" if item.reverse else "no")


def test_instructions(workbook):
    text = " ".join(r[0] or "" for r in workbook["Instructions"].iter_rows(values_only=True))
    assert len(text) > 500
    for phrase in ("respondent_id", "2025-q1", "reverse", "import", "missing"):
        assert phrase in text.lower()


def test_deterministic_and_writes_to_path_and_buffer(tmp_path, instrument):
    data = template_bytes(instrument)
    assert data == template_bytes(instrument)
    path = tmp_path / "template.xlsx"
    write_template(path, instrument)
    assert path.read_bytes() == data
    buffer = io.BytesIO()
    write_template(buffer)
    assert buffer.getvalue() == data


def test_filled_template_reads_with_fastexcel(instrument):
    wb = build_template(instrument)
    ws = wb["Responses"]
    labels = [instrument.labels[v] for v in sorted(instrument.labels)]
    for n in range(3):
        answers = [labels[(n + i) % len(labels)] for i in range(len(instrument.items))]
        answers[0] = "Don't know"
        answers[1] = None
        ws.append([f"POL-0{n + 1}", "Police", "Practitioner", "2025-Q1", *answers])
    frame = fastexcel.read_excel(workbook_bytes(wb)).load_sheet("Responses").to_pandas()
    assert list(frame.columns) == expected_header(instrument)
    assert len(frame) == 3
    assert list(frame["respondent_id"]) == ["POL-01", "POL-02", "POL-03"]
