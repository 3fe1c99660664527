"""Plain rows (dicts) as the command line prints tables: aligned text, JSON records and
CSV, without pandas.

The text and CSV are those pandas prints for the same table (`DataFrame.to_string(
index=False)` and `to_csv(index=False)`), so a command gives the same output whether
its result came as rows or as a table. Each column's type (as in `frames.from_rows`:
'str', 'int64', 'float64', 'bool', 'datetime64[us]') decides how it is written.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Mapping, Sequence
from datetime import date, datetime

ESCAPES = str.maketrans({"\t": r"\t", "\r": r"\r", "\n": r"\n"})


def missing(value: object) -> bool:
    """Whether `value` is missing: None, NaN (or pandas' NA or NaT)."""
    try:
        return value is None or bool(value != value)
    except TypeError:  # pandas' NA has no truth value
        return True
    except ValueError:  # an array has several: it is a value
        return False


def plain_value(value: object) -> object:
    """A JSON value: None for missing, ISO text for dates, Python numbers (full
    precision)."""
    if missing(value):
        return None
    if isinstance(value, date):  # datetimes (and pandas' Timestamps) too
        return value.isoformat()[:10]
    if hasattr(value, "item") and not isinstance(value, list | tuple):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list | tuple):
        return [plain_value(v) for v in value]
    return value


def json_records(rows: Sequence[Mapping]) -> list[dict]:
    """`rows` with JSON values (see `plain_value`)."""
    return [{str(k): plain_value(v) for k, v in row.items()} for row in rows]


def _kind(type_name: str) -> str:
    for kind in ("float", "int", "uint", "bool", "datetime"):
        if type_name.startswith(kind):
            return "int" if kind == "uint" else kind
    return "str"


def _floats(values: list, na_rep: str, decimals: int) -> list[str]:
    return [na_rep if missing(v) else f"{v:.{decimals}f}" for v in values]


def _times(values: list, na_rep: str) -> list[str]:
    """A date or time column as pandas prints it: dates alone when every time is
    midnight, else seconds (and milli- or microseconds when any has them)."""
    times = [v for v in values if not missing(v)]
    stamps = [v if isinstance(v, datetime) else datetime(v.year, v.month, v.day) for v in times]
    if all(s.time() == datetime.min.time() for s in stamps):
        style = "%Y-%m-%d"
    elif any(s.microsecond % 1000 for s in stamps):
        style = "%Y-%m-%d %H:%M:%S.%f"
    elif any(s.microsecond for s in stamps):
        style = "ms"
    else:
        style = "%Y-%m-%d %H:%M:%S"

    def text(v) -> str:
        stamp = v if isinstance(v, datetime) else datetime(v.year, v.month, v.day)
        if style == "ms":
            return stamp.strftime("%Y-%m-%d %H:%M:%S") + f".{stamp.microsecond // 1000:03d}"
        return stamp.strftime(style)

    return [na_rep if missing(v) else text(v) for v in values]


def _column(values: list, kind: str, na_rep: str, decimals: int) -> list[str]:
    if kind == "float":
        return _floats(values, na_rep, decimals)
    if kind == "datetime":
        return _times(values, na_rep)
    return [na_rep if missing(v) else str(v).translate(ESCAPES) for v in values]


def text_table(
    rows: Sequence[Mapping],
    types: Mapping[str, str],
    *,
    na_rep: str = "NaN",
    decimals: int = 6,
) -> str:
    """The columns of `types` (in its order) of `rows` as aligned text: right-justified
    columns one space apart under their names; floats with `decimals` places."""
    columns = []
    for name, type_name in types.items():
        kind = _kind(type_name)
        header = f" {name}" if kind in ("int", "float", "bool") else name
        texts = _column([row[name] for row in rows], kind, na_rep, decimals)
        width = max([len(header), *(len(t) for t in texts)])
        columns.append([text.rjust(width) for text in (header, *texts)])
    return "\n".join(" ".join(line) for line in zip(*columns, strict=True))


def _csv_field(value: object, kind: str) -> object:
    if missing(value):
        return ""
    if kind == "datetime":
        return value.strftime("%Y-%m-%d")
    if kind == "float":
        return repr(float(value))
    return value


def csv_text(rows: Sequence[Mapping], types: Mapping[str, str]) -> str:
    """The columns of `types` of `rows` as CSV: a header line, dates as YYYY-MM-DD,
    floats in full precision, missing values empty."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=os.linesep)
    writer.writerow(list(types))
    kinds = {name: _kind(type_name) for name, type_name in types.items()}
    for row in rows:
        writer.writerow([_csv_field(row[name], kind) for name, kind in kinds.items()])
    return out.getvalue()
