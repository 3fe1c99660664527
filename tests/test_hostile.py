"""Hostile and broken uploads: each gets a clear message, nothing is stored, nothing hangs."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import date

import openpyxl
import pytest

from monitor.errors import UnreadableFileError, ValidationError
from monitor.ingest import prepare_survey
from monitor.ingest.safety import OLE_MAGIC, Limits

HEADER = ["respondent_id", "partner", "wave", "mission_1", "mission_2", "mission_3"]
ROWS = [HEADER, ["r1", "Police", "2025-Q1", 4, 5, 3], ["r2", "Council", "2025-Q1", 2, 3, 4]]


def _xlsx(rows, epoch_1904: bool = False, merge: str | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    if merge:
        sheet.merge_cells(merge)
    if epoch_1904:
        workbook.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _zip(parts: dict[str, bytes], level: int = 9) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def _with_part(data: bytes, name: str, content: bytes) -> bytes:
    """A copy of the workbook `data` with one part replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {i.filename: source.read(i.filename) for i in source.infolist()}
    parts[name] = content
    return _zip(parts)


def _refused(db, counts, data: bytes, file_name: str, **kwargs) -> str:
    """Import `data`; it must be refused with our error, quickly, storing nothing."""
    started = time.perf_counter()
    with pytest.raises((UnreadableFileError, ValidationError)) as info:
        prepare_survey(db, io.BytesIO(data), file_name, **kwargs)
    elapsed = time.perf_counter() - started
    assert counts(db) == (0, 0)
    message = str(info.value)
    assert "Traceback" not in message and file_name in message
    assert elapsed < 5  # generous: the real figures are in the report, not asserted here
    return message


def test_empty_files(db, counts):
    assert "is empty" in _refused(db, counts, b"", "survey.csv")
    assert "is empty" in _refused(db, counts, b"  \r\n ", "survey.xlsx")


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "survey.csv", "is a PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "survey.csv", "is a PNG image"),
        (b"respondent_id,partner\nr1,Police\n", "survey.xlsx", "not a valid Excel workbook"),
        (bytes(range(256)) * 40, "survey.csv", "not a text (CSV) file"),
        (b"PK\x03\x04" + b"\x00" * 200, "survey.xlsx", "damaged or incomplete"),
    ],
)
def test_file_is_not_what_its_extension_says(db, counts, data, name, expected):
    assert expected in _refused(db, counts, data, name)


def test_truncated_xlsx(db, counts):
    data = _xlsx(ROWS)
    message = _refused(db, counts, data[: len(data) // 2], "survey.xlsx")
    assert "save it again" in message


def test_corrupt_xlsx(db, counts):
    data = bytearray(_xlsx(ROWS))
    for pos in range(200, len(data) - 200, 7):
        data[pos] ^= 0x5A
    _refused(db, counts, bytes(data), "survey.xlsx")


def test_xlsx_claiming_an_unknown_zip_version(db, counts):
    """Damage can make a part claim a zip version Python cannot read (as the random
    damage above once did: "zip file version 7.8")."""
    data = bytearray(_xlsx(ROWS))
    entry = data.index(b"PK\x01\x02")  # the first entry of the archive's directory
    data[entry + 6 : entry + 8] = (78).to_bytes(2, "little")  # version needed to extract
    message = _refused(db, counts, bytes(data), "survey.xlsx")
    assert "damaged or incomplete workbook (zip file version 7.8)" in message


def test_password_protected_xlsx(db, counts):
    # An encrypted workbook is an OLE container with EncryptionInfo and EncryptedPackage.
    directory = "EncryptionInfo".encode("utf-16-le") + "EncryptedPackage".encode("utf-16-le")
    data = OLE_MAGIC + b"\x00" * 504 + directory + b"\x00" * 2048
    assert "password" in _refused(db, counts, data, "survey.xlsx")


def test_zip_bomb_by_declared_size(db, counts):
    bomb = _with_part(_xlsx(ROWS), "xl/worksheets/sheet1.xml", b" " * 30_000_000)
    assert len(bomb) < 200_000
    message = _refused(db, counts, bomb, "survey.xlsx")
    assert "would unpack to" in message and "max_uncompressed_mb" in message


def test_zip_bomb_over_the_configured_limit(db, counts):
    data = _with_part(_xlsx(ROWS), "xl/worksheets/sheet1.xml", b"<x/>" * 600_000)
    limits = Limits(max_uncompressed_bytes=1_000_000)
    assert "would unpack to" in _refused(db, counts, data, "survey.xlsx", limits=limits)


def test_sheet_declaring_huge_dimensions(db, counts):
    data = _xlsx(ROWS)
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    head, rest = sheet.split(b"<sheetData", 1)
    if b"<dimension" in head:
        head = head.replace(b'ref="A1:F3"', b'ref="A1:XFD1048576"')
    else:
        head += b'<dimension ref="A1:XFD1048576"/>'
    message = _refused(
        db,
        counts,
        _with_part(data, "xl/worksheets/sheet1.xml", head + b"<sheetData" + rest),
        "survey.xlsx",
    )
    assert "1,048,576 rows by 16,384 columns" in message


def test_cells_far_right_of_a_small_declared_sheet(db, counts):
    """A 20 KB sheet that declares A1:B2 but has 2,000 rows with a cell in column XFD:
    refused from the first such row, without holding rows of 16,384 cells (a reader of
    whole sheets took gigabytes of memory for it)."""
    data = _xlsx(ROWS)
    far = "".join(
        f'<row r="{r}"><c r="A{r}"><v>1</v></c><c r="XFD{r}"><v>2</v></c></row>'
        for r in range(2, 2002)
    )
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="A1:B2"/><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>respondent_id</t></is></c></row>'
        + far.encode()
        + b"</sheetData></worksheet>"
    )
    message = _refused(db, counts, _with_part(data, "xl/worksheets/sheet1.xml", sheet), "s.xlsx")
    assert "has 2,000 rows and 16,384 columns, more than the limit" in message


def test_rows_and_columns_over_the_limits(db, counts):
    wide = [[f"c{i}" for i in range(50)], ["x"] * 50]
    limits = Limits(max_columns=20, max_rows=5)
    assert "more than the limit" in _refused(db, counts, _csv(wide), "w.csv", limits=limits)
    long = [HEADER] + [[f"r{i}", "Police", "2025-Q1", 1, 2, 3] for i in range(10)]
    assert "more than the limit" in _refused(db, counts, _csv(long), "l.csv", limits=limits)
    assert "more than the limit" in _refused(db, counts, _xlsx(long), "l.xlsx", limits=limits)


def test_billion_laughs(db, counts):
    lol = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b"<workbook>&lol3;</workbook>"
    )
    for part in ("xl/workbook.xml", "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"):
        bomb = _with_part(_xlsx(ROWS), part, lol)
        assert "XML declarations" in _refused(db, counts, bomb, "survey.xlsx")


def _csv(rows, line_end: str = "\r\n") -> bytes:
    return line_end.join(",".join(str(c) for c in row) for row in rows).encode()


def test_csv_with_nul_bytes_imports_the_text(db):
    data = _csv(ROWS).replace(b"Police", b"Pol\x00ice")
    prepared = prepare_survey(db, io.BytesIO(data), "survey.csv")
    assert prepared.rows == 2 and "Police" in prepared.preview()["partner"].tolist()


def test_csv_with_mixed_line_endings(db):
    text = "\r\n".join(",".join(map(str, r)) for r in ROWS[:2]) + "\r" + ",".join(map(str, ROWS[2]))
    data = text.replace("\r\n", "\n", 1).encode()
    assert prepare_survey(db, io.BytesIO(data), "survey.csv").rows == 2


def test_csv_with_a_huge_single_line(db, counts):
    line = b'respondent_id,partner,"' + b"x" * 5_000_000
    assert "has a line of 5.0 MB" in _refused(db, counts, line, "survey.csv")
    quoted = b'respondent_id,partner,"' + b"x" * 500_000
    assert "could not be read as CSV" in _refused(db, counts, quoted, "quoted.csv")
    commas = b"," * 1_500_000
    assert "more than the limit" in _refused(db, counts, commas, "commas.csv")


def test_formulas_without_cached_values(db, counts):
    rows = [HEADER, ["r1", "Police", "2025-Q1", "=2+2", 5, 3]]
    assert "formulas" in _refused(db, counts, _xlsx(rows), "survey.xlsx")


def test_merged_header_cells(db, counts):
    rows = [HEADER + [None], ["r1", "Police", "2025-Q1", 4, 5, 3, "x"]]
    prepared = prepare_survey(db, io.BytesIO(_xlsx(rows, merge="F1:G1")), "survey.xlsx")
    assert prepared.rows == 1
    assert any("no name" in note for note in prepared.warnings)


@pytest.mark.parametrize("epoch_1904", [False, True])
def test_excel_dates_as_waves(db, epoch_1904):
    rows = [HEADER, ["r1", "Police", date(2025, 3, 31), 4, 5, 3]]
    prepared = prepare_survey(db, io.BytesIO(_xlsx(rows, epoch_1904)), "survey.xlsx")
    assert prepared.waves == ["2025-03-31"]


def test_excel_serial_number_as_wave_is_reported(db, counts):
    rows = [HEADER, ["r1", "Police", 45747, 4, 5, 3]]
    assert "45747" in _refused(db, counts, _xlsx(rows), "survey.xlsx")


def test_numbers_stored_as_text(db):
    rows = [HEADER, ["r1", "Police", "2025-Q1", "4", " 5 ", "3"]]
    prepared = prepare_survey(db, io.BytesIO(_xlsx(rows)), "survey.xlsx")
    assert sorted(prepared.answers["value"].to_pylist()) == [3.0, 4.0, 5.0]


def test_duplicate_column_names(db, counts):
    rows = [HEADER + ["mission_1"], ["r1", "Police", "2025-Q1", 4, 5, 3, 2]]
    assert "repeats column" in _refused(db, counts, _xlsx(rows), "survey.xlsx")


class _Endless(io.RawIOBase):
    """A 100 MB upload that is never held in memory whole."""

    def __init__(self, size: int):
        self.left = size

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        self.left -= n
        return b"a" * n


def test_file_of_100_mb_is_refused_by_size(db, counts):
    started = time.perf_counter()
    with pytest.raises(UnreadableFileError) as info:
        prepare_survey(db, _Endless(100_000_000), "big.csv", max_bytes=50_000_000)
    assert "larger than the upload limit of 50 MB" in str(info.value)
    assert time.perf_counter() - started < 5
    assert counts(db) == (0, 0)
