"""Shared fixtures: a fresh in-memory database, the instrument, and survey files built in memory."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from datetime import date

import openpyxl
import pytest
import xlwt

from monitor.ingest import ImportResult, import_survey
from monitor.instrument import Instrument, load_instrument
from monitor.store import Database, close_all, open_database

Rows = Sequence[Sequence[object]]
DATE_STYLE = xlwt.easyxf(num_format_str="YYYY-MM-DD")


def to_csv(
    rows: Rows, delimiter: str = ",", encoding: str = "utf-8", line_end: str = "\r\n"
) -> bytes:
    """CSV bytes of `rows` (None is written as an empty cell)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=line_end)
    writer.writerows([["" if cell is None else cell for cell in row] for row in rows])
    return out.getvalue().encode(encoding)


def to_xlsx(rows: Rows, sheet: str = "Responses") -> bytes:
    """An .xlsx workbook with `rows` in its first sheet (None leaves the cell empty)."""
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def to_xls(rows: Rows, sheet: str = "Responses") -> bytes:
    """A legacy .xls workbook with `rows` in its first sheet (None leaves the cell empty)."""
    workbook = xlwt.Workbook()
    worksheet = workbook.add_sheet(sheet)
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if isinstance(cell, date):
                worksheet.write(r, c, cell, DATE_STYLE)
            elif cell is not None:
                worksheet.write(r, c, cell)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


class Files:
    """Builders of survey files in memory: `files.csv(rows)`, `files.xlsx(rows)`, ..."""

    csv = staticmethod(to_csv)
    xlsx = staticmethod(to_xlsx)
    xls = staticmethod(to_xls)


@pytest.fixture(scope="session")
def files() -> type[Files]:
    return Files


@pytest.fixture(scope="session")
def instrument() -> Instrument:
    return load_instrument()


@pytest.fixture
def db() -> Database:
    """A fresh, private in-memory database with the schema."""
    database = open_database(":memory:")
    yield database
    database.close()


@pytest.fixture
def shared_dbs():
    """Close the shared (file) databases a test opened."""
    yield
    close_all()


@pytest.fixture
def load(db) -> Callable[..., ImportResult]:
    """Import a file (bytes, or rows written as CSV) into `db`."""

    def _load(data: bytes | Rows, file_name: str = "survey.csv", **kwargs) -> ImportResult:
        if not isinstance(data, bytes):
            data = to_csv(data)
        return import_survey(db, io.BytesIO(data), file_name, **kwargs)

    return _load


@pytest.fixture
def stored(db) -> Callable[[str], list[tuple]]:
    """Rows of a query on `db` (default: every stored answer, in file order)."""

    def _stored(
        sql: str = "SELECT respondent_id, partner, item_id, value FROM answers "
        "ORDER BY upload_id, source_row, item_id",
    ) -> list[tuple]:
        return db.query_rows(sql)

    return _stored


@pytest.fixture(scope="session")
def counts() -> Callable[[Database], tuple[int, int]]:
    """(uploads, answers) stored in a database."""

    def _counts(database: Database) -> tuple[int, int]:
        return (
            database.query_rows("SELECT count(*) FROM uploads")[0][0],
            database.query_rows("SELECT count(*) FROM answers")[0][0],
        )

    return _counts
