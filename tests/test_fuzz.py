"""Property-based tests: whatever bytes arrive, the importer answers with our own errors."""

from __future__ import annotations

import contextlib
import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.errors import MonitorError
from monitor.ingest import prepare_survey
from monitor.ingest.safety import ZIP_MAGIC
from monitor.store import open_database

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NAMES = st.sampled_from(["survey.csv", "survey.xlsx", "survey.xls", "survey.tsv"])


@pytest.fixture(scope="module")
def fuzz_db():
    database = open_database(":memory:")
    yield database
    database.close()


def _try(db, data: bytes, name: str) -> None:
    with contextlib.suppress(MonitorError):
        prepare_survey(db, io.BytesIO(data), name)


@FUZZ
@given(data=st.binary(max_size=2048), name=NAMES)
def test_any_bytes(fuzz_db, data, name):
    _try(fuzz_db, data, name)


@FUZZ
@given(data=st.binary(max_size=1024), name=NAMES)
def test_any_bytes_after_a_zip_signature(fuzz_db, data, name):
    _try(fuzz_db, ZIP_MAGIC + data, name)


CELL = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)


@FUZZ
@given(
    header=st.lists(CELL, max_size=6),
    rows=st.lists(st.lists(CELL, max_size=7), max_size=5),
    sep=st.sampled_from([",", ";", "\t"]),
    end=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_any_csv_text(fuzz_db, header, rows, sep, end):
    text = end.join(sep.join(r) for r in [header, *rows])
    _try(fuzz_db, text.encode("utf-8", "surrogatepass"), "survey.csv")
    _try(fuzz_db, text.encode("utf-8", "surrogatepass"), "survey.xlsx")


@FUZZ
@given(sheet=st.binary(max_size=1024), strings=st.binary(max_size=256))
def test_workbooks_with_arbitrary_parts(fuzz_db, sheet, strings):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/workbook.xml", b"<workbook><sheets/></workbook>")
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", strings)
    _try(fuzz_db, out.getvalue(), "survey.xlsx")
