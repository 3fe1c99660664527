"""The CSV reader reads what Python's csv module reads, row numbers included."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.ingest.readers import read_csv
from monitor.ingest.safety import line_longer_than, longest_line


def reference(text: str, delimiter: str) -> tuple[list[str], list[list[str]], list[int]]:
    """Header, rows (a ragged row read as blank) and the numbers of ragged rows with text,
    as the csv module gives them."""
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header, width = records[0], len(records[0])
    rows, ragged = [], []
    for number, record in enumerate(records[1:], start=2):
        if len(record) != width:
            if any(cell.strip() for cell in record):
                ragged.append(number)
            record = [""] * width
        rows.append(record)
    return [h.strip() for h in header], rows, ragged


def read(text: str, encoding: str = "utf-8"):
    sheet = read_csv(text.encode(encoding), "survey.csv")
    rows = [list(r.values()) for r in sheet.cells.to_pylist()]
    return sheet.header, rows, [p.row for p in sheet.problems]


@pytest.mark.parametrize(
    "text,delimiter",
    [
        ("a,b,c\r\n1,2,3\r\n", ","),
        ("a;b\n1;2\n\n3;4\n", ";"),
        ("a\tb\r1\t2\r3\t4", "\t"),
        ('a,b\n"multi\nline",2\n3,4,5\n6,7\n', ","),  # a quoted line end, then a ragged row
        ('a,b\n"say ""hi""",x"y\n,\n1,2,,\n', ","),  # doubled quotes; blank ragged rows
        ("a,b,c\n1,2\n\n4,5,6\n", ","),  # a short row and a blank line keep their numbers
    ],
)
def test_cells_and_row_numbers_as_the_csv_module(text, delimiter):
    assert read(text) == reference(text, delimiter)


def test_windows_1252_bom_and_nul_bytes():
    assert read("partner;wave\nCafé – Council;2025-Q1\n", "cp1252")[1] == [
        ["Café – Council", "2025-Q1"]
    ]
    data = b"\xef\xbb\xbfpartner,wave\nPol\x00ice,2025-Q1\n"
    sheet = read_csv(data, "survey.csv")
    assert sheet.header == ["partner", "wave"]
    assert sheet.cells.to_pylist() == [{"c0": "Police", "c1": "2025-Q1"}]


CELL = st.text(alphabet=st.sampled_from(list('ab ,"\n\rx')), max_size=6)  # , delimits


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(st.lists(CELL, min_size=1, max_size=4), min_size=1, max_size=6),
    end=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_any_quoted_table(rows, end):
    out = io.StringIO()
    csv.writer(out, lineterminator=end).writerows(rows)
    text = out.getvalue()
    if not rows[0] or text.startswith(("\n", "\r")):
        return  # no header to compare
    assert read(text) == reference(text, ",")


@pytest.mark.parametrize(
    "data", [b"", b"abc", b"a\r\nbb\rccc\n", b"\n\n", b"x" * 10 + b"\nyyy", b"ab\r\r\ncd"]
)
@pytest.mark.parametrize("chunk", [1, 3, 1 << 22])
def test_longest_line(data, chunk):
    assert longest_line(data, chunk) == max(map(len, data.splitlines()), default=0)


@settings(max_examples=300, deadline=None)
@given(
    data=st.binary(max_size=60).map(lambda b: b.replace(b"\x00", b"\n"))
    | st.lists(st.sampled_from([b"x", b"yy", b"\n", b"\r", b"\r\n"]), max_size=40).map(b"".join),
    limit=st.integers(min_value=1, max_value=12),
)
def test_a_line_longer_than_the_limit_is_found_by_searching_stretches(data, limit):
    longest = max(map(len, data.splitlines()), default=0)
    assert line_longer_than(data, limit) == (longest if longest > limit else 0)
