"""Read an uploaded spreadsheet (CSV, XLSX, XLS) into a table of text cells.

Every cell comes back as a string (blank = ""), with the header row kept apart,
so validation sees exactly what the evaluator typed.
"""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from monitor import arrow_kernels as kernels
from monitor.errors import MonitorError, Problem, UnreadableFileError
from monitor.ingest.safety import OLE_MAGIC, ZIP_MAGIC, Limits, check_bytes, check_shape

if TYPE_CHECKING:  # a CSV file is read without the workbook reader
    from monitor.ingest import workbooks

EXCEL_TYPES = {".xlsx", ".xlsm", ".xls"}
CSV_TYPES = {".csv", ".txt", ".tsv"}
DELIMITERS = (",", ";", "\t")
PREFERRED_SHEET = "responses"


@dataclass
class Sheet:
    """The cells of a file: header names, text cells, and where rows sit in the file."""

    header: list[str]
    cells: pa.Table  # one string column per header position, named c0, c1, ...
    first_data_row: int = 2  # the row number the evaluator sees for the first data row
    sheet_name: str | None = None
    problems: list[Problem] = field(default_factory=list)


def extension(file_name: str) -> str:
    return PurePath(file_name).suffix.lower()


def _check_kind(data: bytes, file_name: str) -> str:
    ext = extension(file_name)
    if not data or data.isspace():  # (strip() would copy the whole file)
        raise UnreadableFileError(f"{file_name} is empty. Export the survey again and upload it.")
    if ext not in EXCEL_TYPES | CSV_TYPES:
        raise UnreadableFileError(
            f"{file_name}: files of type '{ext or 'none'}' cannot be imported. "
            "Upload an Excel workbook (.xlsx, .xls) or a CSV file (.csv)."
        )
    is_zip, is_ole = data.startswith(ZIP_MAGIC), data.startswith(OLE_MAGIC)
    if ext in CSV_TYPES and (is_zip or is_ole):
        raise UnreadableFileError(
            f"{file_name} is an Excel workbook saved with a '{ext}' name. "
            "Rename it to .xlsx (or .xls), or save it from Excel as CSV."
        )
    if ext in EXCEL_TYPES and not (is_zip or is_ole):
        raise UnreadableFileError(
            f"{file_name} is not a valid Excel workbook (it may be damaged, or a different "
            "kind of file renamed). Open it in Excel and save it again as .xlsx."
        )
    return "excel" if ext in EXCEL_TYPES else "csv"


UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Longest cell, as Python's csv module allows: an unclosed quote swallows the rest of the
# file into one cell, which is then refused rather than read as a strange header.
MAX_CELL_CHARS = 131_072
_CHECK_CHUNK = 1 << 20


def is_utf8(data: bytes) -> bool:
    """Whether `data` is valid UTF-8 (checked a megabyte at a time)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(data), _CHECK_CHUNK):
            decoder.decode(data[start : start + _CHECK_CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def utf8_text(data: bytes) -> bytes:
    """CSV bytes as UTF-8 without byte order marks or NUL bytes.

    UTF-16 with a BOM is decoded; UTF-8 (with or without BOM) is kept as it is; anything
    else is read as Windows-1252, else Latin-1.
    """
    if data.startswith(UTF16_BOMS):
        try:
            return data.decode("utf-16").replace("\x00", "").lstrip("\ufeff").encode("utf-8")
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        data = data.replace(b"\x00", b"")
    while data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
    if is_utf8(data):
        return data
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text.lstrip("\ufeff").encode("utf-8")


def decode_text(data: bytes) -> str:
    """UTF-16 with a BOM, UTF-8 (with or without BOM), else Windows-1252, else Latin-1."""
    return utf8_text(data).decode("utf-8")


def sniff_delimiter(header_line: str) -> str:
    """The delimiter among , ; and tab that splits the header line into most fields."""
    try:
        counts = {d: len(next(csv.reader([header_line], delimiter=d))) for d in DELIMITERS}
    except (csv.Error, StopIteration):
        counts = {d: header_line.count(d) for d in DELIMITERS}
    return max(DELIMITERS, key=lambda d: (counts[d], -DELIMITERS.index(d)))


def _csv_rows_problem(row: int, cells: int, expected: int) -> Problem:
    return Problem(
        message=f"this row has {cells} cells but the header has {expected}",
        fix="Check for a stray delimiter or an unclosed quote in this row",
        row=row,
    )


def _not_csv(file_name: str, reason: str) -> UnreadableFileError:
    return UnreadableFileError(
        f"{file_name} could not be read as CSV ({reason}). Save it again as CSV (UTF-8) "
        "from the spreadsheet program. Nothing was stored."
    )


@dataclass(frozen=True)
class _Ragged:
    """A record whose number of cells differs from the header's (number 1 = header)."""

    number: int
    cells: int
    text: str


def _parse_csv(text: bytes, delimiter: str, max_columns: int) -> tuple[pa.Table, list[_Ragged]]:
    """Every record as string cells (Arrow's parser); ragged records are left out and
    listed. Parsed on all cores first; a file with a ragged record is parsed again on one
    thread, where each ragged record comes with its number."""
    table, ragged = _parse_csv_on(text, delimiter, max_columns, threads=True)
    if ragged:
        table, ragged = _parse_csv_on(text, delimiter, max_columns, threads=False)
    return table, ragged


def _parse_csv_on(
    text: bytes, delimiter: str, max_columns: int, *, threads: bool
) -> tuple[pa.Table, list[_Ragged]]:
    ragged: list[_Ragged] = []

    def set_aside(row: pacsv.InvalidRow) -> str:
        ragged.append(_Ragged(row.number, row.actual_columns, row.text))
        return "skip"

    names = [f"f{i}" for i in range(max_columns + 1)]
    table = pacsv.read_csv(
        pa.py_buffer(text),
        read_options=pacsv.ReadOptions(autogenerate_column_names=True, use_threads=threads),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter,
            quote_char='"',
            double_quote=True,
            newlines_in_values=True,
            ignore_empty_lines=False,
            invalid_row_handler=set_aside,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    return table, ragged


def _has_text(record: str, delimiter: str) -> bool:
    cells = next(csv.reader([record], delimiter=delimiter), [])
    return any(cell.strip() for cell in cells)


def _blank_for_null(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A string column with its empty cells ("null") as "" (blank). When every null slot
    already spans no characters, as readers write them, the validity bitmap is simply
    dropped (no copy of the text); otherwise the nulls are filled."""
    return pa.chunked_array([_chunk_blank_for_null(c) for c in column.chunks], pa.string())


def _chunk_blank_for_null(chunk: pa.Array) -> pa.Array:
    if chunk.null_count == 0:
        return chunk
    if chunk.type != pa.string():
        return kernels.fill_null(kernels.cast(chunk, pa.string()), "")
    _, offsets, text = chunk.buffers()
    ends = np.frombuffer(offsets, dtype=np.int32)[chunk.offset : chunk.offset + len(chunk) + 1]
    empty = np.diff(ends) == 0
    nulls = ~np.asarray(kernels.is_valid(chunk))
    if not empty[nulls].all():
        return kernels.fill_null(chunk, "")
    return pa.StringArray.from_buffers(len(chunk), offsets, text, null_count=0, offset=chunk.offset)


def _with_blank_rows(table: pa.Table, at: list[int]) -> pa.Table:
    """`table` with a row of blank cells at each 0-based position of `at`."""
    keep = np.ones(table.num_rows + len(at), dtype=bool)
    keep[at] = False
    indices = pa.array(np.cumsum(keep) - 1, mask=~keep)
    taken = kernels.take_rows(table, indices)
    return pa.table({n: _blank_for_null(taken[n]) for n in table.column_names})


def read_csv(data: bytes, file_name: str, limits: Limits | None = None) -> Sheet:
    """Parse CSV text; row numbers are those a spreadsheet program shows (header = 1).

    Blank lines keep their row number; a row with the wrong number of cells is reported
    and read as blank, so the rows after it keep their numbers too. NUL bytes are dropped
    and lone carriage returns count as line ends.
    """
    limits = limits or Limits(max_bytes=None)
    text = utf8_text(data)
    if not text:
        return Sheet(header=[], cells=pa.table({}))
    first_line = re.split(rb"\r\n|\r|\n", text[:4_000_000], maxsplit=1)[0]
    first_line = first_line.decode("utf-8", errors="replace")
    delimiter = sniff_delimiter(first_line[:65_536])
    if first_line.count(delimiter) >= limits.max_columns:
        check_shape(1, first_line.count(delimiter) + 1, file_name, limits)
    try:
        table, ragged = _parse_csv(text, delimiter, limits.max_columns)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise _not_csv(file_name, str(exc).splitlines()[0]) from exc
    check_shape(table.num_rows + len(ragged) - 1, table.num_columns, file_name, limits)
    for record in ragged:
        if record.cells > limits.max_columns:
            check_shape(record.number, record.cells, file_name, limits)
    longest = max((kernels.longest_text(c) for c in table.columns), default=0)
    if longest > MAX_CELL_CHARS:
        raise _not_csv(file_name, f"a cell is longer than {MAX_CELL_CHARS:,} characters")
    width = table.num_columns
    problems = [
        _csv_rows_problem(r.number, r.cells, width) for r in ragged if _has_text(r.text, delimiter)
    ]
    if ragged:
        table = _with_blank_rows(table, [r.number - 1 for r in ragged])
    header = [str(h).strip() for h in table.slice(0, 1).to_pylist()[0].values()]
    cells = table.slice(1).rename_columns([f"c{i}" for i in range(width)])
    return Sheet(header=header, cells=cells, problems=problems)


def _choose_sheet(names: list[str]) -> str:
    for name in names:
        if name.strip().lower() == PREFERRED_SHEET:
            return name
    return names[0]


def _open_workbook(data: bytes, file_name: str) -> workbooks.Workbook:
    from monitor.ingest import workbooks

    try:
        return workbooks.open_workbook(data)
    except BaseException as exc:
        raise _unreadable_workbook(file_name, exc) from exc


def _sheet_text(
    book: workbooks.Workbook, sheet: str, file_name: str, limits: Limits
) -> workbooks.SheetText | None:
    from monitor.ingest import workbooks

    try:
        return workbooks.read_text(book, sheet, file_name, limits)
    except MonitorError:
        raise  # a sheet refused for its size
    except BaseException as exc:
        raise _unreadable_workbook(file_name, exc) from exc


def _unreadable_workbook(file_name: str, exc: BaseException) -> BaseException:
    from monitor.ingest import workbooks

    if workbooks.is_fatal(exc):
        return exc
    reason = (str(exc).splitlines() or [type(exc).__name__])[0]
    return UnreadableFileError(
        f"{file_name} could not be read as an Excel workbook ({reason}). "
        "If it is password-protected, remove the password; otherwise open it in Excel "
        "and save it again as .xlsx."
    )


def read_excel(data: bytes, file_name: str, limits: Limits | None = None) -> Sheet:
    limits = limits or Limits(max_bytes=None)
    book = _open_workbook(data, file_name)
    sheet_name = _choose_sheet(book.sheet_names)
    text = _sheet_text(book, sheet_name, file_name, limits)
    if text is None:
        raise UnreadableFileError(
            f"The sheet '{sheet_name}' of {file_name} is empty. Put the responses in the first "
            "sheet (or one named 'Responses') with the column names in row 1."
        )
    return Sheet(
        header=text.header,
        cells=text.cells,
        first_data_row=text.first_data_row,
        sheet_name=sheet_name,
    )


def read_named_sheet(data: bytes, file_name: str, name: str, limits: Limits) -> list[list[str]]:
    """The rows of the workbook's sheet called `name` (any case) as text, blanks as "";
    [] when the file is not a workbook or has no such sheet. Read after `read_sheet`, so
    the bytes were checked already."""
    if _check_kind(data, file_name) != "excel":
        return []
    book = _open_workbook(data, file_name)
    match = next((n for n in book.sheet_names if n.strip().lower() == name.lower()), None)
    if match is None:
        return []
    text = _sheet_text(book, match, file_name, limits)
    if text is None:
        return []
    rows = [list(row.values()) for row in text.cells.to_pylist()]
    return [text.header, *([cell.strip() for cell in row] for row in rows)]


def read_sheet(data: bytes, file_name: str, limits: Limits | None = None) -> Sheet:
    """Read CSV or Excel bytes; raises UnreadableFileError with a fix when that fails.

    The bytes are checked first (size, kind, archive contents: see safety.py), so no
    parser sees a file built to exhaust memory or time.
    """
    limits = limits or Limits(max_bytes=None)
    kind = _check_kind(data, file_name)
    check_bytes(data, file_name, kind, limits)
    if kind == "excel":
        return read_excel(data, file_name, limits)
    return read_csv(data, file_name, limits)
