"""Packed copies of uploads' rows: one Parquet file per upload and row table.

PostgreSQL sends the result of a COPY one message per row, and formatting 3 million
answers on the server and taking them apart in Python costs seconds, however they are
encoded. A PostgreSQL store therefore also keeps, beside each upload's rows, a packed
copy of them (table `packed_rows`, written in the same transaction as the rows, see
`postgres.PgWriter.pack`): a replica reads a survey of 100,000 respondents as a few
megabytes. The answers repeat the respondent's fields on every item, which Parquet's
dictionaries and run lengths store once.

Plain Arrow in and out; which tables are packed and where they are kept is up to the
caller.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

COMPRESSION = "zstd"


class DamagedPackError(ValueError):
    """A packed copy cannot be read, or does not hold the rows it should."""


def by_upload(rows: pa.Table) -> Iterator[tuple[int, pa.Table]]:
    """`rows` split by their `upload_id`, in upload order."""
    ids = pc.unique(rows["upload_id"]).to_pylist()
    if len(ids) == 1:
        yield ids[0], rows
        return
    for upload_id in sorted(ids):
        yield upload_id, rows.filter(pc.equal(rows["upload_id"], upload_id))


def pack(rows: pa.Table) -> bytes:
    """The rows as one compressed Parquet file."""
    sink = pa.BufferOutputStream()
    pq.write_table(rows, sink, compression=COMPRESSION)
    return sink.getvalue().to_pybytes()


def unpack(data: bytes, columns: list[str], n_rows: int) -> pa.Table:
    """The `columns` of a packed copy that should hold `n_rows` rows, with text columns
    read as dictionaries (each distinct value once, as stored). A damaged copy or one of
    another shape is a DamagedPackError."""
    try:
        schema = pq.read_schema(pa.BufferReader(data))
        missing = [c for c in columns if c not in schema.names]
        if missing:
            raise DamagedPackError(f"the packed copy lacks the columns {missing}")
        text = [f.name for f in schema if f.name in columns and pa.types.is_string(f.type)]
        rows = pq.read_table(pa.BufferReader(data), columns=columns, read_dictionary=text)
    except (pa.ArrowException, OSError) as exc:
        raise DamagedPackError(f"the packed copy cannot be read ({exc})") from None
    if rows.num_rows != n_rows:
        raise DamagedPackError(f"the packed copy holds {rows.num_rows} rows, not {n_rows}")
    return rows
