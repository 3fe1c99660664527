"""The few Arrow compute functions the import uses, called by name.

Importing `pyarrow.compute` makes a Python wrapper, with its documentation, for each of
Arrow's several hundred functions: about 80 ms of CPU in every process that loads it. The
functions themselves are run by `call_function` of its compiled core, `pyarrow._compute`
(7 ms to load), which `pyarrow.compute` hands on as a documented function of its own; a
pyarrow that moved it falls back to the documented one.

Methods of Arrow arrays and tables such as `cast`, `fill_null`, `filter` and `take` load
`pyarrow.compute` themselves, so the modules a survey import goes through call these
instead; `tests/test_startup.py` checks that neither a CSV nor an .xlsx import loads it.
"""

from __future__ import annotations

import pyarrow as pa

try:
    from pyarrow._compute import CastOptions, SetLookupOptions, call_function
except ImportError:  # pragma: no cover - a pyarrow that moved them
    from pyarrow.compute import CastOptions, SetLookupOptions, call_function

Values = pa.Array | pa.ChunkedArray


def cast(values: Values, to: pa.DataType) -> Values:
    return call_function("cast", [values], CastOptions.safe(to))


def fill_null(values: Values, fill: str) -> Values:
    """`values` with each null replaced by `fill` (a text column)."""
    return call_function("coalesce", [values, pa.scalar(fill, values.type)])


def filled(values: Values) -> Values:
    """Whether each cell of a text column holds more than spaces."""
    trimmed = call_function("utf8_trim_whitespace", [values])
    return cast(call_function("utf8_length", [trimmed]), pa.bool_())


def any_true(values: Values) -> bool:
    return bool(call_function("any", [values]).as_py())


def all_true(values: Values) -> bool:
    """Whether every value is true (a null is not)."""
    return values.null_count == 0 and bool(call_function("all", [values]).as_py())


def either(one: Values, other: Values) -> Values:
    return call_function("or", [one, other])


def byte_lengths(values: Values) -> Values:
    """The bytes of each value of a text column (null for a null)."""
    return call_function("binary_length", [values])


def longest_text(values: Values) -> int:
    """The bytes of the longest value of a text column (0 when it has none)."""
    return call_function("max", [byte_lengths(values)]).as_py() or 0


def distinct(values: Values) -> list:
    """Each value once, as Python values (null included when there is one)."""
    return call_function("unique", [values]).to_pylist()


def is_valid(values: Values) -> Values:
    return call_function("is_valid", [values])


def blank_where_in(values: Values, codes: pa.Array) -> Values:
    """A text column with "" where its trimmed text is one of `codes`."""
    trimmed = call_function("utf8_trim_whitespace", [values])
    found = call_function("is_in", [trimmed], SetLookupOptions(codes))
    return call_function("if_else", [found, pa.scalar("", values.type), values])


def filter_rows(table: pa.Table, keep: Values) -> pa.Table:
    return call_function("filter", [table, keep])


def take_rows(table: pa.Table, indices: pa.Array) -> pa.Table:
    return call_function("take", [table, indices])
