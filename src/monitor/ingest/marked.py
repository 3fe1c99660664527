"""A rejected file given back with its problems marked: each bad cell highlighted, with
a comment saying what is wrong and how to fix it (xlsx), so it can be fixed in place."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

import pyarrow as pa
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from monitor.errors import MonitorError, Problem
from monitor.ingest.readers import Sheet, read_sheet
from monitor.ingest.safety import Limits
from monitor.template import workbook_bytes

_BAD = PatternFill("solid", fgColor="FFC7CE")
_AUTHOR = "Partnership Monitor"
_NUMBER = re.compile(r"-?\d{1,15}(\.\d{1,15})?")


def _value(text: str) -> str | int | float:
    """A cell as the file held it; plain numbers as numbers (as a spreadsheet shows them)."""
    if not _NUMBER.fullmatch(text):
        return text
    return float(text) if "." in text else int(text)


def _cell_of(problem: Problem, sheet: Sheet) -> tuple[int, int] | None:
    """(row, column) of the cell a problem is about, both from 1; a problem about a whole
    row marks its first cell, one about the whole file marks nothing."""
    if problem.row is None:
        return None
    column = 1
    if problem.column is not None and problem.column in sheet.header:
        column = sheet.header.index(problem.column) + 1
    return problem.row, column


def _marks(sheet: Sheet, problems: list[Problem]) -> dict[int, dict[int, list[str]]]:
    """row -> column -> the notes of the problems about that cell."""
    marks: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for problem in problems:
        where = _cell_of(problem, sheet)
        if where:
            marks[where[0]][where[1]].append(f"{problem.message}. {problem.fix}.")
    return marks


def _numbered_rows(sheet: Sheet) -> Iterator[tuple[int, Sequence[str]]]:
    """(row number, cells) of the header and of every row under it, blank rows included."""
    yield 1, sheet.header
    for row in range(2, sheet.first_data_row):
        yield row, ()
    rows = zip(*(c.to_pylist() for c in sheet.cells.columns), strict=True)
    yield from enumerate(rows, start=sheet.first_data_row)


def _cells(ws: Any, values: Sequence[str], marks: dict[int, list[str]]) -> list[object]:
    """One row to append: plain values, and a cell object where the value must stay text
    (it starts like a formula) or the cell is marked."""
    out: list[object] = []
    for pos in range(1, max(len(values), max(marks, default=0)) + 1):
        text = values[pos - 1] if pos <= len(values) else ""
        value = _value(text) if text else None
        lines = marks.get(pos)
        if not lines and not (isinstance(value, str) and value.startswith("=")):
            out.append(value)
            continue
        cell = WriteOnlyCell(ws, value=value)
        if cell.data_type == "f":
            cell.data_type = "s"  # text from a file never runs as a formula
        if lines:
            cell.fill = _BAD
            cell.comment = Comment("\n".join(lines), _AUTHOR, width=320, height=120)
        out.append(cell)
    return out


def marked_workbook(sheet: Sheet, problems: list[Problem]) -> Workbook:
    """The sheet's cells as a workbook, the cells of `problems` filled red with a comment.
    Written row by row (a write-only workbook): a sheet of 100,000 rows took a minute and
    1.3 GB when every cell was kept in memory until saving."""
    marks = _marks(sheet, problems)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet.sheet_name or "Responses")
    ws.freeze_panes = "A2"
    last = 0
    for last, values in _numbered_rows(sheet):
        ws.append(_cells(ws, values, marks.get(last, {})))
    for row in range(last + 1, max(marks, default=0) + 1):  # marks below the last row
        ws.append(_cells(ws, (), marks.get(row, {})))
    return wb


def marked_file(data: bytes, file_name: str, problems: list[Problem]) -> bytes:
    """The file (`data`) as xlsx bytes with the cells of `problems` marked; when the file
    cannot be read as a sheet, the marked cells alone (each with its comment)."""
    try:
        sheet = read_sheet(data, file_name, Limits(max_bytes=None))
    except MonitorError:
        sheet = Sheet(header=[], cells=pa.table({}))
    return workbook_bytes(marked_workbook(sheet, problems))
