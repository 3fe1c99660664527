"""A rejected file given back with its problems marked: each bad cell highlighted, with
a comment saying what is wrong and how to fix it (xlsx), so it can be fixed in place."""

from __future__ import annotations

import re
from collections import defaultdict

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from monitor.errors import Problem
from monitor.ingest.readers import Sheet, read_sheet
from monitor.ingest.safety import Limits
from monitor.template import workbook_bytes, write_value

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


def marked_workbook(sheet: Sheet, problems: list[Problem]) -> Workbook:
    """The sheet's cells as a workbook, the cells of `problems` filled red with a comment."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet.sheet_name or "Responses"
    for pos, name in enumerate(sheet.header, start=1):
        write_value(ws, 1, pos, name)
    rows = zip(*(c.to_pylist() for c in sheet.cells.columns), strict=True)
    for offset, values in enumerate(rows):
        for pos, value in enumerate(values, start=1):
            if value not in (None, ""):
                write_value(ws, sheet.first_data_row + offset, pos, _value(value))
    notes: dict[tuple[int, int], list[str]] = defaultdict(list)
    for problem in problems:
        where = _cell_of(problem, sheet)
        if where:
            notes[where].append(f"{problem.message}. {problem.fix}.")
    for (row, column), lines in notes.items():
        cell = ws.cell(row=row, column=column)
        cell.fill = _BAD
        cell.comment = Comment("\n".join(lines), _AUTHOR, width=320, height=120)
    ws.freeze_panes = "A2"
    return wb


def marked_file(data: bytes, file_name: str, problems: list[Problem]) -> bytes:
    """The file (`data`) as xlsx bytes with the cells of `problems` marked."""
    sheet = read_sheet(data, file_name, Limits(max_bytes=None))
    return workbook_bytes(marked_workbook(sheet, problems))
