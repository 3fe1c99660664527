"""Read an uploaded spreadsheet (CSV, XLSX, XLS) into a table of text cells.

Every cell comes back as a string (blank = ""), with the header row kept apart,
so validation sees exactly what the evaluator typed.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import PurePath

import fastexcel
import pyarrow as pa

from monitor.errors import Problem, UnreadableFileError
from monitor.ingest.safety import OLE_MAGIC, ZIP_MAGIC, Limits, check_bytes, check_shape

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
    if not data.strip():
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


def decode_text(data: bytes) -> str:
    """UTF-16 with a BOM, UTF-8 (with or without BOM), else Windows-1252, else Latin-1."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


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


def _csv_records(text: str, delimiter: str, file_name: str, limits: Limits) -> list[list[str]]:
    """Parse CSV text row by row, refusing a file over the row or column limits early."""
    records: list[list[str]] = []
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if len(record) > limits.max_columns or len(records) > limits.max_rows:
                check_shape(len(records) + 1, len(record), file_name, limits)
            records.append(record)
    except csv.Error as exc:
        raise UnreadableFileError(
            f"{file_name} could not be read as CSV ({exc}). Save it again as CSV (UTF-8) "
            "from the spreadsheet program. Nothing was stored."
        ) from exc
    return records


def read_csv(data: bytes, file_name: str, limits: Limits | None = None) -> Sheet:
    """Parse CSV text; row numbers are those a spreadsheet program shows (header = 1).

    Blank lines keep their row number; a row with the wrong number of cells is reported
    and read as blank, so the rows after it keep their numbers too. NUL bytes are dropped
    and lone carriage returns count as line ends.
    """
    limits = limits or Limits(max_bytes=None)
    text = decode_text(data).replace("\x00", "").lstrip("\ufeff")
    first_line = re.split(r"\r\n|\r|\n", text[:4_000_000], maxsplit=1)[0]
    delimiter = sniff_delimiter(first_line[:65_536])
    if first_line.count(delimiter) >= limits.max_columns:
        check_shape(1, first_line.count(delimiter) + 1, file_name, limits)
    records = _csv_records(text, delimiter, file_name, limits)
    header = records[0] if records else []
    width = len(header)
    problems: list[Problem] = []
    rows: list[list[str]] = []
    for number, record in enumerate(records[1:], start=2):
        if len(record) != width and any(cell.strip() for cell in record):
            problems.append(_csv_rows_problem(number, len(record), width))
            record = []
        rows.append(record + [""] * (width - len(record)) if len(record) < width else record)
    names = [f"c{i}" for i in range(width)]
    table = pa.table(
        {name: pa.array([r[i] for r in rows], pa.string()) for i, name in enumerate(names)}
    )
    return Sheet(header=[h.strip() for h in header], cells=table, problems=problems)


def _choose_sheet(names: list[str]) -> str:
    for name in names:
        if name.strip().lower() == PREFERRED_SHEET:
            return name
    return names[0]


def read_excel(data: bytes, file_name: str, limits: Limits | None = None) -> Sheet:
    limits = limits or Limits(max_bytes=None)
    try:
        reader = fastexcel.read_excel(data)
        sheet_name = _choose_sheet(reader.sheet_names)
        batch = reader.load_sheet(sheet_name, header_row=None, dtypes="string").to_arrow()
    except BaseException as exc:  # the reader raises (and may panic) on damaged files
        if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit | MemoryError):
            raise
        raise UnreadableFileError(
            f"{file_name} could not be read as an Excel workbook ({str(exc).splitlines()[0]}). "
            "If it is password-protected, remove the password; otherwise open it in Excel "
            "and save it again as .xlsx."
        ) from exc
    table = pa.Table.from_batches([batch])
    check_shape(table.num_rows, table.num_columns, file_name, limits)
    if table.num_rows == 0:
        raise UnreadableFileError(
            f"The sheet '{sheet_name}' of {file_name} is empty. Put the responses in the first "
            "sheet (or one named 'Responses') with the column names in row 1."
        )
    header = [
        ("" if v is None else str(v)).strip() for v in table.slice(0, 1).to_pylist()[0].values()
    ]
    names = [f"c{i}" for i in range(len(header))]
    cells = table.slice(1).rename_columns(names)
    cells = pa.table({n: pa.compute.fill_null(cells[n], "") for n in names})
    return Sheet(header=header, cells=cells, sheet_name=sheet_name)


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
