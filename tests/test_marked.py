"""A rejected file given back with its bad cells marked."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from monitor.errors import Problem
from monitor.ingest.marked import marked_file

ROWS = [
    ["respondent_id", "partner", "wave", "trust_1", "trust_2"],
    ["R1", "Police", "2025-Q1", "3.5", "4"],
    ["R2", "", "2025-Q1", "9", ""],
]


def to_csv(rows) -> bytes:
    return "".join(",".join(row) + "\n" for row in rows).encode()


def to_xlsx(rows) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append([cell or None for cell in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


PROBLEMS = [
    Problem("not a whole answer", "Use a whole number", row=2, column="trust_1", value="3.5"),
    Problem("number outside the answer scale", "Use 1 to 5", row=3, column="trust_1"),
    Problem("partner is empty", "Name the agency", row=3, column="partner"),
    Problem("this row has 6 cells", "Remove the extra cell", row=3),
    Problem("column name not recognised", "Rename it", row=1, column="trust_2"),
    Problem("no response rows", "Add them"),
]


@pytest.mark.parametrize(("data", "name"), [(to_csv(ROWS), "f.csv"), (to_xlsx(ROWS), "f.xlsx")])
def test_bad_cells_are_filled_and_commented(data, name):
    ws = openpyxl.load_workbook(io.BytesIO(marked_file(data, name, PROBLEMS))).active
    marked = {c.coordinate: c.comment.text for row in ws.iter_rows() for c in row if c.comment}
    assert marked == {
        "D2": "not a whole answer. Use a whole number.",
        "D3": "number outside the answer scale. Use 1 to 5.",
        "B3": "partner is empty. Name the agency.",
        "A3": "this row has 6 cells. Remove the extra cell.",
        "E1": "column name not recognised. Rename it.",
    }
    assert all(ws[c].fill.fgColor.rgb.endswith("FFC7CE") for c in marked)
    assert ws["A2"].fill.fgColor.rgb != ws["D2"].fill.fgColor.rgb
    assert [c.value for c in ws[1]] == ROWS[0]
    assert [c.value for c in ws[2]] == ["R1", "Police", "2025-Q1", 3.5, 4]
    assert ws["B3"].value is None  # a blank stays blank


FORMULA = '=HYPERLINK("http://evil.example","x")'


def test_text_that_looks_like_a_formula_stays_text():
    from monitor.template import Preset, template_bytes

    rows = [["respondent_id", "partner", "wave", "trust_1"], ["R1", FORMULA, "2025-Q1", "9"]]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    data = out.getvalue().encode()
    problems = [Problem("number outside the answer scale", "Use 1 to 5", row=2, column="trust_1")]
    ws = openpyxl.load_workbook(io.BytesIO(marked_file(data, "f.csv", problems))).active
    assert (ws["B2"].value, ws["B2"].data_type) == (FORMULA, "s")

    preset = Preset(FORMULA, ["+cmd|' /C calc'!A0", "Police"], "2025-Q2")
    book = openpyxl.load_workbook(io.BytesIO(template_bytes(preset=preset)))
    assert (book["Responses"]["A2"].value, book["Responses"]["A2"].data_type) == (FORMULA, "s")
    assert book["Lists"]["B1"].data_type == "s"


def test_a_file_that_cannot_be_read_gives_its_marks_alone():
    data = b"PK\x03\x04 not really a workbook"
    ws = openpyxl.load_workbook(io.BytesIO(marked_file(data, "f.xlsx", PROBLEMS))).active
    marked = {c.coordinate: c.comment.text for row in ws.iter_rows() for c in row if c.comment}
    assert marked == {
        "A2": "not a whole answer. Use a whole number.",
        "A3": "number outside the answer scale. Use 1 to 5.\n"
        "partner is empty. Name the agency.\n"
        "this row has 6 cells. Remove the extra cell.",
        "A1": "column name not recognised. Rename it.",
    }
    assert all(c.value is None for row in ws.iter_rows() for c in row)


def test_a_sheet_starting_lower_keeps_its_row_numbers():
    """Rows above the first data row are left blank, so a mark sits on the row the
    problem names (the header is written on row 1)."""
    rows = [[None] * 5, [None] * 5, *ROWS]
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append([cell or None for cell in row])
    out = io.BytesIO()
    wb.save(out)
    problem = Problem("number outside the answer scale", "Use 1 to 5", row=5, column="trust_1")
    ws = openpyxl.load_workbook(io.BytesIO(marked_file(out.getvalue(), "low.xlsx", [problem])))
    sheet = ws.active
    assert [c.value for c in sheet[1]] == ROWS[0]
    assert sheet["D5"].value == 9 and sheet["D5"].comment is not None
    assert sheet["A4"].value == "R1"
