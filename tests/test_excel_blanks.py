"""Empty Excel cells become blank text, whether or not the reader left text behind them."""

import numpy as np
import pyarrow as pa
import pytest

from monitor.ingest.readers import _blank_for_null


def _hidden_text() -> pa.Array:
    """['a', null, 'd'] whose null slot still spans the characters 'bc'."""
    offsets = pa.py_buffer(np.array([0, 1, 3, 4], np.int32).tobytes())
    return pa.StringArray.from_buffers(
        3, offsets, pa.py_buffer(b"abcd"), pa.py_buffer(bytes([0b101]))
    )


@pytest.mark.parametrize(
    ("chunks", "expected"),
    [
        ([pa.array(["a", None, "bc", None])], ["a", "", "bc", ""]),
        ([pa.array(["a", None, "bc", None]).slice(1)], ["", "bc", ""]),
        ([pa.array(["a", None]), pa.array([None, "x"])], ["a", "", "", "x"]),
        ([pa.array([None, None], pa.string())], ["", ""]),
        ([pa.array(["x", "y"])], ["x", "y"]),
        ([_hidden_text()], ["a", "", "d"]),
        ([pa.array([None, None])], ["", ""]),  # a column of nothing but empty cells
    ],
)
def test_empty_cells_read_as_blank(chunks, expected):
    column = _blank_for_null(pa.chunked_array(chunks))
    column.validate(full=True)
    assert column.type == pa.string()
    assert column.null_count == 0
    assert column.to_pylist() == expected
