"""Checks on uploaded bytes before any parser sees them.

An upload can be anything: empty, renamed, damaged, encrypted, or built to exhaust
the server (a zip bomb, an XML entity bomb, a sheet declaring a million columns).
`check_upload` looks at the bytes and, for a workbook, at the zip archive's directory
and the start of each XML part, without decompressing whole sheets. Every refusal is
an `UnreadableFileError` with a message the evaluator can act on.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

import numpy as np
from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from monitor.errors import UnreadableFileError

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
XML_HEAD_BYTES = 65_536  # how much of each XML part is inspected for a DTD and dimensions
MAX_ZIP_ENTRIES = 10_000
MAX_RATIO = 500  # compression ratio no real workbook part reaches
MAX_LINE_BYTES = 2_000_000  # longest line of a CSV file (a header of 2,000 long questions fits)
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')
_FORMULA_NO_VALUE = re.compile(
    rb"<(?:\w+:)?f(?:\s[^>]*)?>[^<]*</(?:\w+:)?f>\s*(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?"
    rb"\s*</(?:\w+:)?c>"
)
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)
# Magic numbers of common files that are not spreadsheets (for a clear message).
OTHER_KINDS = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"MZ": "a Windows program",
    b"\x7fELF": "a program",
}


@dataclass(frozen=True)
class Limits:
    """Caps on what one upload may contain (see Settings)."""

    max_bytes: int | None = 50_000_000
    max_uncompressed_bytes: int = 1_000_000_000
    max_rows: int = 500_000
    max_columns: int = 2_000

    @classmethod
    def from_settings(cls, settings) -> Limits:
        return cls(
            max_bytes=settings.max_upload_mb * 1_000_000,
            max_uncompressed_bytes=settings.max_uncompressed_mb * 1_000_000,
            max_rows=settings.max_rows,
            max_columns=settings.max_columns,
        )


def _refuse(file_name: str, reason: str, fix: str) -> UnreadableFileError:
    return UnreadableFileError(f"{file_name} {reason}. {fix} Nothing was stored.")


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters.decode("ascii"):
        number = number * 26 + (ord(char) - 64)
    return number


def _other_kind(data: bytes) -> str | None:
    return next((kind for magic, kind in OTHER_KINDS.items() if data.startswith(magic)), None)


def check_ole(data: bytes, file_name: str) -> None:
    """A legacy workbook, or an encrypted (password-protected) modern one."""
    if data.find(ENCRYPTED_STREAM) >= 0:
        raise _refuse(
            file_name,
            "is protected with a password",
            "Open it in Excel, remove the password (File > Info > Protect Workbook), save "
            "it and upload it again.",
        )


def _check_sheet_head(head: bytes, part: str, file_name: str, limits: Limits) -> None:
    if _FORMULA_NO_VALUE.search(head):
        raise _refuse(
            file_name,
            f"has formulas whose results were never calculated ({part})",
            "Open it in Excel, let it calculate, and save it again (or paste the cells as "
            "values) before uploading.",
        )
    match = _DIMENSION.search(head)
    if not match or not match.group(4):
        return
    rows = int(match.group(4))
    columns = _column_number(match.group(3))
    if rows > limits.max_rows + 10 or columns > limits.max_columns:
        raise _refuse(
            file_name,
            f"declares a sheet of {rows:,} rows by {columns:,} columns ({part}), more than the "
            f"limit of {limits.max_rows:,} rows and {limits.max_columns:,} columns",
            "Delete the empty rows and columns below and right of the data (or split the file), "
            "save it and upload it again.",
        )


def check_zip(data: bytes, file_name: str, limits: Limits) -> None:
    """Inspect an xlsx archive's directory and XML parts before the parser opens it."""
    damaged = (
        "Open it in Excel and save it again as .xlsx (File > Save As > Excel Workbook), "
        "then upload the new file."
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        ValueError,
        OSError,
        NotImplementedError,
    ) as exc:
        # NotImplementedError: a part claims a zip version or method Python cannot read
        raise _refuse(file_name, f"is a damaged or incomplete workbook ({exc})", damaged) from exc
    with archive:
        names = {e.filename for e in entries}
        if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
            raise UnreadableFileError(
                f"{file_name} could not be read as an Excel workbook (it is a zip archive "
                "without a workbook inside). Upload the workbook itself, or "
                "open it in Excel and save it again as .xlsx."
            )
        if "xl/workbook.bin" in names:
            raise _refuse(
                file_name,
                "is a binary Excel workbook (.xlsb)",
                "Save it from Excel as .xlsx or CSV.",
            )
        if len(entries) > MAX_ZIP_ENTRIES:
            raise _refuse(file_name, "has too many parts", damaged)
        total = sum(e.file_size for e in entries)
        worst = max(
            (e.file_size / max(e.compress_size, 1) for e in entries if e.file_size > 1_000_000),
            default=0,
        )
        if total > limits.max_uncompressed_bytes or worst > MAX_RATIO:
            raise _refuse(
                file_name,
                f"would unpack to {total / 1e6:,.0f} MB (compressed {len(data) / 1e6:,.1f} MB), "
                f"more than the limit of {limits.max_uncompressed_bytes / 1e6:,.0f} MB",
                "Upload one wave at a time, with only the response sheet, or ask the "
                "administrator to raise max_uncompressed_mb.",
            )
        for entry in entries:
            if entry.flag_bits & 0x1:
                raise _refuse(file_name, "is encrypted", "Remove the password and save it again.")
            if not entry.filename.endswith((".xml", ".rels")):
                continue
            try:
                with archive.open(entry) as part:
                    head = part.read(XML_HEAD_BYTES)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
                raise _refuse(
                    file_name, f"is a damaged workbook ({entry.filename}: {exc})", damaged
                ) from exc
            if _DTD.search(head):
                raise _refuse(
                    file_name,
                    f"contains XML declarations that Excel never writes ({entry.filename}); "
                    "it may have been built to harm the server",
                    "Open the data in Excel and save a new .xlsx.",
                )
            if entry.filename.startswith("xl/worksheets/"):
                _check_sheet_head(head, entry.filename, file_name, limits)
        for small in ("[Content_Types].xml", "xl/workbook.xml"):
            if small in names:
                try:
                    SafeET.fromstring(archive.read(small))
                except (DefusedXmlException, SafeET.ParseError, zipfile.BadZipFile) as exc:
                    raise _refuse(
                        file_name, f"has a damaged part ({small}: {exc})", damaged
                    ) from exc
                except Exception as exc:  # zlib and friends on corrupt data
                    raise _refuse(
                        file_name, f"has a damaged part ({small}: {exc})", damaged
                    ) from exc


def longest_line(data: bytes, chunk: int = 1 << 22) -> int:
    """Bytes in the longest line of `data` (lines end at CR, LF or CRLF), found a few
    megabytes at a time so that no copy of the file is made."""
    whole = np.frombuffer(data, dtype=np.uint8)
    longest, line_start = 0, 0
    for start in range(0, len(whole), chunk):
        part = whole[start : start + chunk]
        ends = np.flatnonzero((part == 10) | (part == 13)) + start
        if len(ends):
            starts = np.concatenate(([line_start], ends[:-1] + 1))
            longest = max(longest, int((ends - starts).max()))
            line_start = int(ends[-1]) + 1
    return max(longest, len(whole) - line_start)


def line_longer_than(data: bytes, limit: int) -> int:
    """The bytes in the longest line of `data` if it is longer than `limit`, else 0. A
    line that long holds a whole stretch of `limit // 2` bytes starting at a multiple of
    that, so only those stretches are searched for a line break: a few searches for a
    whole file instead of finding every line, which is done only when one has none."""
    half = max(limit // 2, 1)
    for start in range(0, len(data) - half + 1, half):
        end = start + half
        if data.find(b"\n", start, end) < 0 and data.find(b"\r", start, end) < 0:
            longest = longest_line(data)
            return longest if longest > limit else 0
    return 0


# Every byte but the control characters that text does not hold (all below 32 except tab,
# LF, VT, FF and CR): deleting these from a text leaves its control characters.
_NOT_CONTROL = bytes(b for b in range(256) if not (b < 9 or 13 < b < 32))


def check_text(data: bytes, file_name: str) -> None:
    """A CSV file must be text: refuse binaries named .csv."""
    kind = _other_kind(data)
    if kind:
        raise _refuse(
            file_name,
            f"is {kind}, not a CSV file",
            "Export the survey responses as CSV (or Excel) and upload that file.",
        )
    head = data[:65_536]
    longest = line_longer_than(data, MAX_LINE_BYTES)
    if longest:
        raise _refuse(
            file_name,
            f"has a line of {longest / 1e6:,.1f} MB, longer than any survey export "
            f"(limit {MAX_LINE_BYTES / 1e6:,.0f} MB)",
            "Check that it is the CSV export of the survey (one line per response) and "
            "save it again as CSV.",
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 text: NUL bytes are expected
    control = len(head.translate(None, _NOT_CONTROL))  # the control bytes left
    if control > max(8, len(head) // 10):
        raise _refuse(
            file_name,
            "is not a text (CSV) file",
            "Export the survey responses as CSV (or Excel) and upload that file.",
        )


def check_bytes(data: bytes, file_name: str, kind: str, limits: Limits) -> None:
    """Refuse bytes that must not reach a parser; `kind` is 'excel' or 'csv'."""
    if limits.max_bytes is not None and len(data) > limits.max_bytes:
        raise _refuse(
            file_name,
            f"is larger than the upload limit of {limits.max_bytes / 1e6:.0f} MB",
            "Split it into one file per wave, or ask the administrator to raise max_upload_mb.",
        )
    if kind == "csv":
        check_text(data, file_name)
    elif data.startswith(ZIP_MAGIC):
        check_zip(data, file_name, limits)
    elif data.startswith(OLE_MAGIC):
        check_ole(data, file_name)


def check_shape(rows: int, columns: int, file_name: str, limits: Limits) -> None:
    """Refuse a parsed sheet above the row or column limits."""
    if rows > limits.max_rows or columns > limits.max_columns:
        raise _refuse(
            file_name,
            f"has {rows:,} rows and {columns:,} columns, more than the limit of "
            f"{limits.max_rows:,} rows and {limits.max_columns:,} columns",
            "Split it into smaller files (one per wave), or ask the administrator to raise "
            "max_rows or max_columns.",
        )
