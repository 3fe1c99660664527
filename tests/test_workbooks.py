"""Workbook sheets read row by row: every cell as the same text a whole-sheet reader
(fastexcel) gives, the layout of the sheet kept (row numbers, widths, blank rows), and
the size limits applied while reading."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time, timedelta

import fastexcel
import openpyxl
import pytest

from monitor.errors import MonitorError, UnreadableFileError, ValidationError
from monitor.ingest import prepare_survey, workbooks
from monitor.ingest.readers import read_named_sheet, read_sheet
from monitor.ingest.safety import Limits

# Values of every type a cell can hold, as openpyxl writes them.
TYPED = [
    3, 3.0, 0.1, 1e-7, 1e-10, 1234567.891, 1e20, -2.5, 1 / 3, -1 / 3, 2 / 3, 0.1 + 0.2,
    3.0000000001, 2.9999999999, 98765.4321, 333333333.3333333, 4.35, 1.5, 100.0, 45000,
    "  Agree ", "2025-Q1", "Don't know", "Café – Council 🚓", True, False,
    date(2025, 3, 31), datetime(2025, 3, 31, 14, 5, 6), datetime(2025, 3, 31, 14, 5, 6, 500000),
    time(10, 30), time(0, 0), timedelta(hours=30), timedelta(seconds=90), None, "",
]  # fmt: skip


def workbook(rows: list[list[object]], *, start_row: int = 1) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Responses"
    for r, row in enumerate(rows, start=start_row):
        for c, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def whole_sheet_text(data: bytes) -> list[list[str]]:
    """Every cell as fastexcel's whole-sheet reader writes it as text (blank = "")."""
    table = fastexcel.read_excel(data).load_sheet(0, header_row=None, dtypes="string").to_arrow()
    return [["" if v is None else v for v in row.values()] for row in table.to_pylist()]


def streamed_text(data: bytes) -> list[list[str]]:
    sheet = read_sheet(data, "typed.xlsx")
    sheet.cells.validate(full=True)  # the text columns are made from their buffers
    rows = [list(row.values()) for row in sheet.cells.to_pylist()]
    return [sheet.header, *rows]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3, "3"),
        (3.0, "3"),
        (-0.0, "-0"),
        (0.1, "0.1"),
        (1 / 3, "0.333333333"),
        (1e-7, "0.0000001"),
        (1e-10, "0"),
        (3.0000000001, "3"),
        (1e20, "100000000000000000000"),
        (True, "true"),
        (False, "false"),
        (date(2025, 3, 31), "2025-03-31 00:00:00"),
        (datetime(2025, 3, 31, 14, 5, 6), "2025-03-31 14:05:06"),
        (datetime(2025, 3, 31, 14, 5, 6, 123000), "2025-03-31 14:05:06.123"),
        (time(10, 30), "1899-12-31 10:30:00"),
        (timedelta(hours=30), "1900-01-01 06:00:00"),
        ("  Agree ", "  Agree "),
        ("", ""),
        (None, ""),
    ],
)
def test_cell_text(value, expected):
    assert workbooks.cell_text(value) == expected


def test_every_cell_reads_as_the_whole_sheet_reader_writes_it():
    """The independent reference is fastexcel, which reads the whole sheet at once."""
    rows = [[f"h{i}" for i in range(len(TYPED))], TYPED, list(reversed(TYPED)), ["x"]]
    data = workbook(rows)
    assert streamed_text(data) == [[c.strip() for c in whole_sheet_text(data)[0]]] + [
        row + [""] * (len(TYPED) - len(row)) for row in whole_sheet_text(data)[1:]
    ]


def test_an_error_cell_reads_as_its_error_text():
    """A formula's error (#N/A) is shown to the evaluator as written, not read as a
    missing answer; the whole-sheet reader left such a cell blank."""
    book = openpyxl.Workbook()
    book.active.append(["respondent_id", "trust_1"])
    book.active.append(["R1", "#N/A"])
    book.active["B2"].data_type = "e"
    out = io.BytesIO()
    book.save(out)
    assert streamed_text(out.getvalue())[1] == ["R1", "#N/A"]


def test_row_numbers_are_the_ones_excel_shows_when_the_sheet_starts_lower(db):
    rows = [["respondent_id", "partner", "wave", "trust_1"], ["R1", "Police", "2025-Q1", 9]]
    data = workbook(rows, start_row=3)
    sheet = read_sheet(data, "lower.xlsx")
    assert (sheet.header[0], sheet.first_data_row, sheet.cells.num_rows) == ("respondent_id", 4, 1)
    with pytest.raises(ValidationError) as caught:
        prepare_survey(db, io.BytesIO(data), "lower.xlsx", partnership="P")
    assert [(p.row, p.column, p.value) for p in caught.value.problems] == [(4, "trust_1", "9")]


def test_blank_rows_inside_are_kept_and_blank_rows_after_are_left_out():
    rows = [["a", "b"], ["1", "2"], [None, None], ["3", "4"], [None, None], [None, None]]
    data = workbook(rows)
    book = openpyxl.load_workbook(io.BytesIO(data))
    book.active.cell(row=9, column=1).number_format = "0.00"  # a formatted, empty cell
    out = io.BytesIO()
    book.save(out)
    sheet = read_sheet(out.getvalue(), "blanks.xlsx")
    assert sheet.cells.to_pylist() == [
        {"c0": "1", "c1": "2"},
        {"c0": "", "c1": ""},
        {"c0": "3", "c1": "4"},
    ]


def test_rows_wider_than_the_header_widen_every_batch(monkeypatch):
    """A cell right of the header in a late batch gives every row that column."""
    monkeypatch.setattr(workbooks, "BATCH_ROWS", 2)
    rows = [["a", "b"], ["1", "2"], ["3", "4"], ["5", "6"], ["7", "8", "extra"]]
    sheet = read_sheet(workbook(rows), "wide.xlsx")
    assert sheet.header == ["a", "b", ""]
    assert [list(r.values()) for r in sheet.cells.to_pylist()] == [
        ["1", "2", ""],
        ["3", "4", ""],
        ["5", "6", ""],
        ["7", "8", "extra"],
    ]
    assert sheet.cells.column("c2").null_count == 0


@pytest.mark.parametrize("batch_rows", [2, 8192])
def test_a_sheet_over_the_row_limit_is_refused(monkeypatch, batch_rows):
    monkeypatch.setattr(workbooks, "BATCH_ROWS", batch_rows)
    rows = [["a"], *([str(i)] for i in range(7))]
    with pytest.raises(MonitorError, match="has 7 rows and 1 columns, more than the limit"):
        read_sheet(workbook(rows), "long.xlsx", Limits(max_bytes=None, max_rows=5))


@pytest.mark.parametrize("batch_rows", [2, 8192])
def test_a_sheet_over_the_column_limit_is_refused_with_its_size(monkeypatch, batch_rows):
    """A row reaching far to the right in a sheet that declares itself small (A1:B2) is
    refused as it comes."""
    monkeypatch.setattr(workbooks, "BATCH_ROWS", batch_rows)
    cells = [("A1", "a"), ("B1", "b"), ("A2", "1"), ("A3", "3"), ("J3", "far"), ("A4", "5")]
    rows: dict[str, list[str]] = {}
    for ref, value in cells:
        rows.setdefault(ref[1:], []).append(
            f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
        )
    xml = SHEET_HEAD + b'<dimension ref="A1:B2"/><sheetData>'
    xml += "".join(f'<row r="{r}">{"".join(c)}</row>' for r, c in rows.items()).encode()
    xml += b"</sheetData></worksheet>"
    data = with_sheet_xml(workbook([["a"]]), xml)
    limits = Limits(max_bytes=None, max_columns=5)
    with pytest.raises(MonitorError, match="has 3 rows and 10 columns, more than the limit"):
        read_sheet(data, "far.xlsx", limits)


def test_a_blank_sheet_is_reported_as_empty():
    with pytest.raises(UnreadableFileError, match="is empty"):
        read_sheet(workbook([[None], [None]]), "blank.xlsx")


def test_a_named_sheet_reads_as_trimmed_text():
    book = openpyxl.Workbook()
    book.active.title = "Responses"
    book.active.append(["respondent_id"])
    invited = book.create_sheet("Invited ")
    invited.append(["agency", "invited"])
    invited.append([" Police ", 12])
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    limits = Limits(max_bytes=None)
    assert read_named_sheet(data, "s.xlsx", "invited", limits) == [
        ["agency", "invited"],
        ["Police", "12"],
    ]
    assert read_named_sheet(data, "s.xlsx", "missing", limits) == []


def with_sheet_xml(data: bytes, xml: bytes) -> bytes:
    """The workbook `data` with its first sheet's XML replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w") as new:
        for item in old.infolist():
            part = xml if item.filename == "xl/worksheets/sheet1.xml" else old.read(item)
            new.writestr(item, part)
    return out.getvalue()


SHEET_HEAD = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


@pytest.mark.parametrize(
    "xml",
    [
        SHEET_HEAD + b'<sheetData><row r="1"><c r="A1" t="s"><v>99</v></c></row>',
        SHEET_HEAD + b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"',
    ],
    ids=["unknown shared text", "cut short"],
)
def test_a_damaged_sheet_is_unreadable(xml):
    """The damage is met while rows are read, after the workbook opened."""
    data = with_sheet_xml(workbook([["a"], ["1"]]), xml)
    with pytest.raises(UnreadableFileError, match="could not be read as an Excel workbook"):
        read_sheet(data, "damaged.xlsx", Limits(max_bytes=None))


def test_a_zipped_workbook_that_cannot_be_streamed_is_read_whole(monkeypatch):
    """Other zipped kinds (a binary .xlsb saved with an .xlsx name) are read whole."""
    from python_calamine_plus import CalamineWorkbook, StreamingNotSupported

    def refuse(self, name):
        raise StreamingNotSupported("not xlsx")

    data = workbook([["respondent_id", "trust_1"], ["R1", 4], ["R2", "Agree"]])
    expected = streamed_text(data)
    monkeypatch.setattr(CalamineWorkbook, "stream_sheet_by_name", refuse, raising=False)
    with pytest.raises(StreamingNotSupported):
        workbooks.open_workbook(data)._book.stream_sheet_by_name("Responses")
    assert expected == [["respondent_id", "trust_1"], ["R1", "4"], ["R2", "Agree"]]
    assert streamed_text(data) == expected


def test_a_sheet_whose_rows_are_not_in_order_is_read_whole():
    """Rows stored out of order (row 3, then 1, then 2) cannot be streamed; the sheet is
    read whole, in row order, as the whole-sheet reader gives it."""
    xml = SHEET_HEAD + b"<sheetData>"
    for row, value in [(3, "5"), (1, "a"), (2, "4")]:
        xml += (
            f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>{value}</t></is></c></row>'.encode()
        )
    data = with_sheet_xml(workbook([["a"]]), xml + b"</sheetData></worksheet>")
    sheet = read_sheet(data, "unordered.xlsx")
    assert (sheet.header, sheet.cells.column("c0").to_pylist()) == (["a"], ["4", "5"])
    assert streamed_text(data) == whole_sheet_text(data)
