"""Read an uploaded spreadsheet (CSV, XLSX, XLS) into a table of text cells.

Every cell comes back as a string (blank = ""), with the header row kept apart,
so validation sees exactly what the evaluator typed.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import PurePath

import fastexcel
import pyarrow as pa

from monitor.errors import Problem, UnreadableFileError

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
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
    """UTF-8 (with or without BOM), else Windows-1252, else Latin-1."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def sniff_delimiter(header_line: str) -> str:
    """The delimiter among , ; and tab that splits the header line into most fields."""
    counts = {d: len(next(csv.reader([header_line], delimiter=d))) for d in DELIMITERS}
    return max(DELIMITERS, key=lambda d: (counts[d], -DELIMITERS.index(d)))


def _csv_rows_problem(row: int, cells: int, expected: int) -> Problem:
    return Problem(
        message=f"this row has {cells} cells but the header has {expected}",
        fix="Check for a stray delimiter or an unclosed quote in this row",
        row=row,
    )


def read_csv(data: bytes, file_name: str) -> Sheet:
    """Parse CSV text; row numbers are those a spreadsheet program shows (header = 1).

    Blank lines keep their row number; a row with the wrong number of cells is reported
    and read as blank, so the rows after it keep their numbers too.
    """
    text = decode_text(data).replace("\x00", "").lstrip("\ufeff")
    first_line = text.split("\n", 1)[0].rstrip("\r")
    delimiter = sniff_delimiter(first_line)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise UnreadableFileError(
            f"{file_name} could not be read as CSV ({exc}). Save it again as CSV (UTF-8) "
            "from the spreadsheet program."
        ) from exc
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


def read_excel(data: bytes, file_name: str) -> Sheet:
    try:
        reader = fastexcel.read_excel(data)
        sheet_name = _choose_sheet(reader.sheet_names)
        batch = reader.load_sheet(sheet_name, header_row=None, dtypes="string").to_arrow()
    except Exception as exc:  # the reader raises several kinds for damaged files
        raise UnreadableFileError(
            f"{file_name} could not be read as an Excel workbook ({str(exc).splitlines()[0]}). "
            "If it is password-protected, remove the password; otherwise open it in Excel "
            "and save it again as .xlsx."
        ) from exc
    table = pa.Table.from_batches([batch])
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


def read_sheet(data: bytes, file_name: str) -> Sheet:
    """Read CSV or Excel bytes; raises UnreadableFileError with a fix when that fails."""
    kind = _check_kind(data, file_name)
    return read_excel(data, file_name) if kind == "excel" else read_csv(data, file_name)
