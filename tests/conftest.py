"""Shared fixtures: a fresh in-memory database, stores of both kinds (DuckDB file and a
throwaway PostgreSQL server), the instrument, and survey files built in memory."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Sequence
from datetime import date

import openpyxl
import pytest
import xlwt
from postgres_server import PostgresServer, Unavailable

from monitor import sample
from monitor.ingest import ImportResult, import_survey
from monitor.instrument import Instrument, load_instrument
from monitor.store import Database, close_all, open_database

REQUIRE_POSTGRES = "MONITOR_REQUIRE_POSTGRES"  # set: fail, not skip, without a server

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


@pytest.fixture(scope="module")
def sample_db() -> Database:
    """An in-memory store holding the built-in sample data (one per test module; read only)."""
    database = open_database(":memory:")
    sample.load_sample(database)
    yield database
    database.close()


@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL server for this test session (skipped, saying why, where
    none can be started, unless $MONITOR_REQUIRE_POSTGRES is set)."""
    try:
        server = PostgresServer().start()
    except Unavailable as exc:
        if os.environ.get(REQUIRE_POSTGRES):
            pytest.fail(f"{REQUIRE_POSTGRES} is set but no PostgreSQL server started: {exc}")
        pytest.skip(f"needs a PostgreSQL server: {exc}")
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server) -> str:
    """The URL of a new, empty PostgreSQL database."""
    return pg_server.new_database()


@pytest.fixture(params=["duckdb", "postgresql"])
def store_url(request, tmp_path) -> str:
    """A new, empty store of each kind: a DuckDB file, then a PostgreSQL database."""
    if request.param == "duckdb":
        return str(tmp_path / "monitor.duckdb")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def any_db(store_url) -> Database:
    """The shared Database of `store_url` (closed afterwards)."""
    yield open_database(store_url)
    close_all()


@pytest.fixture
def shared_dbs():
    """Close the shared (file) databases a test opened."""
    yield
    close_all()


@pytest.fixture
def cli(capsys, shared_dbs):
    """Run the command line in-process: returns (exit code, stdout, stderr)."""
    from monitor.cli import main

    def run(*args: object) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


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
