"""The text of a workbook's sheet; an .xlsx or .xlsm sheet is read row by row.

python-calamine-plus decodes the sheet straight from the compressed file, one row at a
time, and the rows are turned into Arrow text batches as they come: memory holds the text
of the cells, never the parsed sheet. (A whole-sheet reader held 1.3 GB while parsing a
survey of 500,000 rows.) Each value is written as text by `cell_text`, so a cell reads the
same whatever type Excel stored it as.

Rows and columns count from A1, so row numbers are the ones Excel shows even when the
sheet starts lower down; blank rows above the header row and after the last filled row
are left out.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
import pyarrow as pa

from monitor import arrow_kernels as kernels
from monitor.ingest.safety import ZIP_MAGIC, Limits, check_shape

BATCH_ROWS = 8192  # rows per Arrow batch (also the scan batch staging wants)
# Excel keeps times and durations as days after this moment (day 0 of its calendar).
EXCEL_DAY_ZERO = datetime(1899, 12, 31)
_PLAIN = frozenset({str, int})  # values whose `str` is already their text
# What the row-by-row reader says of a sheet whose rows are not stored in order.
OUT_OF_ORDER = "not stored in row order"


@dataclass
class SheetText:
    """A sheet's header row and the text of the rows under it."""

    header: list[str]
    cells: pa.Table  # one string column per position, named c0, c1, ...; blank = ""
    first_data_row: int  # the row number Excel shows for the first row under the header


def cell_text(value: object) -> str:
    """A cell as text: whole numbers without a decimal point, other numbers to 9 decimal
    places (trailing zeros dropped, no exponent), TRUE/FALSE as true/false, dates and
    times as YYYY-MM-DD HH:MM:SS (milliseconds when there are some; a time of day or a
    duration on Excel's day zero, 1899-12-31), an empty cell as ""."""
    kind = type(value)
    if kind is str:
        return value  # type: ignore[return-value]
    if kind is float:
        return f"{value:.9f}".rstrip("0").rstrip(".")
    if kind is bool:
        return "true" if value else "false"
    if kind is datetime:
        return _moment(value)  # type: ignore[arg-type]
    if kind is date:
        return f"{value.isoformat()} 00:00:00"  # type: ignore[attr-defined]
    if kind is time:
        return _moment(datetime.combine(EXCEL_DAY_ZERO, value))  # type: ignore[arg-type]
    if kind is timedelta:
        return _moment(EXCEL_DAY_ZERO + value)  # type: ignore[operator]
    return "" if value is None else str(value)


def _moment(value: datetime) -> str:
    text = value.strftime("%Y-%m-%d %H:%M:%S")
    return f"{text}.{value.microsecond // 1000:03d}" if value.microsecond else text


def _strings(values: Sequence[str]) -> pa.Array:
    """A string array made from its buffers: twice as fast as `pa.array`, which also
    loads pandas to look at a list of Python values (a third of a second)."""
    encoded = list(map(str.encode, values))
    offsets = np.zeros(len(encoded) + 1, np.int32)
    np.cumsum(np.fromiter(map(len, encoded), np.int32, count=len(encoded)), out=offsets[1:])
    text = pa.py_buffer(b"".join(encoded))
    return pa.StringArray.from_buffers(len(encoded), pa.py_buffer(offsets), text)


def _column(values: Sequence[object]) -> pa.Array:
    kinds = set(map(type, values))
    if kinds == {str}:
        return _strings(values)  # type: ignore[arg-type]
    if kinds <= _PLAIN:
        return _strings(list(map(str, values)))
    return _strings([cell_text(v) for v in values])


def _names(width: int) -> list[str]:
    return [f"c{i}" for i in range(width)]


def _batch(rows: list[list[object]], width: int) -> pa.RecordBatch:
    """Rows (padded with blanks to `width`) as one batch of text columns."""
    rows = [r if len(r) == width else [*r, *[""] * (width - len(r))] for r in rows]
    columns = [_column(c) for c in zip(*rows, strict=True)]
    return pa.RecordBatch.from_arrays(columns, names=_names(width))


def _blank(row: list[object]) -> bool:
    return row.count("") == len(row)


def _header(rows: Iterator[list[object]]) -> tuple[list[object], int] | None:
    """The first row that is not blank, and its 0-based index; None for a blank sheet."""
    for index, row in enumerate(rows):
        if not _blank(row):
            return row, index
    return None


def _widen(batch: pa.RecordBatch, width: int) -> pa.RecordBatch:
    blank = _strings([""] * batch.num_rows)
    extra = [blank] * (width - batch.num_columns)
    return pa.RecordBatch.from_arrays([*batch.columns, *extra], names=_names(width))


def _filled_rows(cells: pa.Table) -> int:
    """How many rows there are down to the last one with a cell that is not empty."""
    filled = np.zeros(cells.num_rows, dtype=bool)
    for column in cells.columns:
        filled |= _lengths(column) > 0
    return int(np.flatnonzero(filled)[-1]) + 1 if filled.any() else 0


def _lengths(column: pa.ChunkedArray) -> np.ndarray:
    """The byte length of each cell, read from Arrow's buffers (converting the array
    would load pandas, a third of a second)."""
    parts = [
        np.frombuffer(c.buffers()[1], np.int32)[c.offset : c.offset + len(c)]
        for c in kernels.byte_lengths(column).chunks
    ]
    return np.concatenate(parts) if parts else np.zeros(0, np.int32)


def text_batches(rows: Iterable[list[object]], file_name: str, limits: Limits) -> SheetText | None:
    """The header and text of a sheet given as rows of values (None when every row is
    blank). From the row that takes the sheet past the row or column limits on, rows are
    only counted, not kept (a row reaching column XFD is 16,384 cells long), and the
    sheet is refused with its size."""
    stream = iter(rows)
    found = _header(stream)
    if found is None:
        return None
    header_row, header_index = found
    width, count = len(header_row), 0
    over = width > limits.max_columns
    batches: list[pa.RecordBatch] = []
    pending: list[list[object]] = []
    for row in stream:
        count += 1
        width = max(width, len(row))
        if over or count > limits.max_rows or width > limits.max_columns:
            over, batches, pending = True, [], []
            continue
        pending.append(row)
        if len(pending) == BATCH_ROWS:
            batches.append(_batch(pending, width))
            pending = []
    check_shape(count, width, file_name, limits)
    if pending:
        batches.append(_batch(pending, width))
    schema = pa.schema([(n, pa.string()) for n in _names(width)])
    cells = pa.Table.from_batches([_widen(b, width) for b in batches], schema)
    header = [cell_text(v).strip() for v in [*header_row, *[""] * (width - len(header_row))]]
    return SheetText(header, cells.slice(0, _filled_rows(cells)), header_index + 2)


class _Streamed:
    """An .xlsx or .xlsm workbook, its sheets read row by row from the file."""

    def __init__(self, data: bytes) -> None:
        from python_calamine_plus import CalamineWorkbook  # only for workbooks

        self.data = data
        self._book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        self.sheet_names: list[str] = self._book.sheet_names

    def rows(self, sheet: str) -> Iterable[list[object]]:
        return self._book.stream_sheet_by_name(sheet)


class _Loaded:
    """A workbook read whole by fastexcel, which writes every cell as text by the same
    rules as `cell_text`: an .xls file (the older format, at most 65,536 rows), or a
    zipped one that cannot be streamed."""

    def __init__(self, data: bytes) -> None:
        import fastexcel  # only for .xls files

        self._reader = fastexcel.read_excel(data)
        self.sheet_names: list[str] = self._reader.sheet_names

    def rows(self, sheet: str) -> Iterator[list[object]]:
        table = self._reader.load_sheet(sheet, header_row=None, dtypes="string").to_arrow()
        columns = [column.to_pylist() for column in table.columns]
        for row in zip(*columns, strict=True):
            yield ["" if v is None else v for v in row]


Workbook = _Streamed | _Loaded


def open_workbook(data: bytes) -> Workbook:
    """The workbook in `data`: only its list of sheets (and shared text) is read now."""
    return _Streamed(data) if data.startswith(ZIP_MAGIC) else _Loaded(data)


def read_text(workbook: Workbook, sheet: str, file_name: str, limits: Limits) -> SheetText | None:
    """The text of the workbook's sheet called `sheet` (None when it is blank). A sheet
    that cannot be streamed is read whole: another zipped kind (a binary .xlsb renamed),
    or rows not stored in order (Excel writes them in order; other programs may not)."""
    try:
        return text_batches(workbook.rows(sheet), file_name, limits)
    except Exception as exc:
        if not isinstance(workbook, _Streamed) or not _cannot_stream(exc):
            raise
    return text_batches(_Loaded(workbook.data).rows(sheet), file_name, limits)


def _cannot_stream(exc: Exception) -> bool:
    from python_calamine_plus import StreamingNotSupported

    return isinstance(exc, StreamingNotSupported) or OUT_OF_ORDER in str(exc)


def is_fatal(exc: BaseException) -> bool:
    """Whether an exception raised while reading must stop the program rather than be
    told as an unreadable file (readers raise, and may panic, on damaged files)."""
    return isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit | MemoryError)
