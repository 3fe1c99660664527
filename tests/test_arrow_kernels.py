"""The kernels called by name give what pyarrow.compute's functions give."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from monitor import arrow_kernels as kernels

TEXTS = [
    pa.chunked_array([["a", " ", None, ""], ["  b ", None]], pa.string()),
    pa.array(["x", None, "yy", "\t"], pa.string()),
    pa.chunked_array([[None, None]], pa.string()),
    pa.array([], pa.string()),
]
FLAGS = [
    pa.array([True, False, None]),
    pa.array([True, True]),
    pa.chunked_array([[False], [False, None]]),
    pa.array([], pa.bool_()),
]


@pytest.mark.parametrize("texts", TEXTS)
def test_text_kernels(texts):
    trimmed_length = pc.utf8_length(pc.utf8_trim_whitespace(texts))
    assert kernels.filled(texts).equals(pc.cast(trimmed_length, pa.bool_()))
    assert kernels.fill_null(texts, "").equals(pc.fill_null(texts, ""))
    assert kernels.byte_lengths(texts).equals(pc.binary_length(texts))
    assert kernels.longest_text(texts) == (pc.max(pc.binary_length(texts)).as_py() or 0)
    assert kernels.distinct(texts) == pc.unique(texts).to_pylist()
    assert kernels.is_valid(texts).equals(pc.is_valid(texts))
    codes = pa.array(["b", "x"], pa.string())
    expected = pc.if_else(pc.is_in(pc.utf8_trim_whitespace(texts), codes), "", texts)
    assert kernels.blank_where_in(texts, codes).equals(expected)


@pytest.mark.parametrize("flags", FLAGS)
def test_flag_kernels(flags):
    assert kernels.any_true(flags) == bool(pc.any(flags).as_py())
    assert kernels.all_true(flags) == (flags.null_count == 0 and bool(pc.all(flags).as_py()))
    other = pc.invert(flags)
    assert kernels.either(flags, other).equals(pc.or_(flags, other))


def test_table_kernels():
    table = pa.table({"a": [1, 2, 3], "b": ["x", "y", None]})
    keep = pa.array([True, False, True])
    assert kernels.filter_rows(table, keep).equals(table.filter(keep))
    at = pa.array([2, None, 0])
    assert kernels.take_rows(table, at).equals(table.take(at))
    numbers = pa.array([1, None, 3], pa.int32())
    assert kernels.cast(numbers, pa.string()).equals(pc.cast(numbers, pa.string()))
