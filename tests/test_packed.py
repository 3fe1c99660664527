"""Packed copies of uploads' rows: what a PostgreSQL store keeps beside the rows so that
a replica copies an upload in one read. A replica made from them holds exactly what one
made by COPY holds, and a damaged copy is read around."""

from __future__ import annotations

import logging
from datetime import date

import psycopg
import pyarrow as pa
import pytest

from monitor.sample import load_sample
from monitor.store import packed, uploads
from monitor.store.copy import copy_store
from monitor.store.database import Database
from monitor.store.replica import ReplicaDatabase
from monitor.store.writer import DATA_TABLES, ROW_TABLES

ROWS = pa.table(
    {
        "upload_id": pa.array([2, 1, 2, 1], pa.int32()),
        "partner": ["Police", "Council", "Police", None],
        "wave_start": pa.array([date(2025, 1, 1)] * 4, pa.date32()),
        "value": [1.5, None, 0.1 + 0.2, 4.0],
    }
)


def test_a_packed_copy_gives_back_its_rows():
    back = packed.unpack(packed.pack(ROWS), ROWS.column_names, ROWS.num_rows)
    assert back.column("partner").type == pa.dictionary(pa.int32(), pa.string())
    assert back.cast(ROWS.schema).equals(ROWS)
    assert packed.unpack(packed.pack(ROWS), ["value"], 4).column_names == ["value"]


def test_rows_are_packed_by_upload():
    parts = dict(packed.by_upload(ROWS))
    assert sorted(parts) == [1, 2]
    assert parts[1]["partner"].to_pylist() == ["Council", None]
    assert parts[2]["value"].to_pylist() == [1.5, 0.1 + 0.2]
    assert dict(packed.by_upload(parts[2]))[2] is parts[2]


@pytest.mark.parametrize(
    "data,columns,n_rows,message",
    [
        (b"not parquet", ["value"], 4, "cannot be read"),
        (packed.pack(ROWS)[:-9], ["value"], 4, "cannot be read"),
        (packed.pack(ROWS), ["value", "item_id"], 4, "lacks the columns ['item_id']"),
        (packed.pack(ROWS), ["value"], 5, "holds 4 rows, not 5"),
    ],
)
def test_a_damaged_packed_copy_is_refused(data, columns, n_rows, message):
    with pytest.raises(packed.DamagedPackError, match=message.replace("[", r"\[")):
        packed.unpack(data, columns, n_rows)


def held(db: Database) -> dict[str, list[dict]]:
    """Every table of stored data, rows sorted, as Python values."""
    tables = {}
    for table, columns in DATA_TABLES.items():
        rows = db.table_arrow(table, columns).to_pylist()
        tables[table] = sorted(rows, key=lambda row: [(v is None, str(v)) for v in row.values()])
    return tables


def packed_rows(url: str) -> dict[tuple[int, str], int]:
    with psycopg.connect(url) as con:
        found = con.execute("SELECT upload_id, table_name, n_rows FROM packed_rows").fetchall()
    return {(upload_id, table): n for upload_id, table, n in found}


def execute(url: str, sql: str) -> None:
    with psycopg.connect(url) as con:
        con.execute(sql)


TEXTS = ['Fine, "mostly"', "two\nlines; and\r\nmore", "", "  ünïcødé \\N  "]


def with_comments(db: Database) -> None:
    """Store a small survey with free-text comments (text that CSV must quote)."""
    people = {"respondent_id": ["R1", "R2"], "partner": ["Police", "Council"]}
    common = {"partnership": "Riverside", "wave": "2030-Q1", "role": [None, "Manager"]}
    answers = pa.table(
        {
            **{k: [v] * 2 if isinstance(v, str) else v for k, v in common.items()},
            "wave_start": pa.array([date(2030, 1, 1)] * 2, pa.date32()),
            **people,
            "source_row": pa.array([2, 3], pa.int32()),
            "item_id": ["trust_1", "trust_1"],
            "value": [4.0, None],
        }
    )
    comments = pa.table(
        {
            **{k: [v] * 4 if isinstance(v, str) else v * 2 for k, v in common.items()},
            **{k: v * 2 for k, v in people.items()},
            "source_row": pa.array([2, 3, 2, 3], pa.int32()),
            "question": ["Q1", "Q1", "Q2", "Q2"],
            "text": TEXTS,
        }
    )
    record = uploads.UploadRecord("c.csv", "c" * 64, "Riverside", ["2030-Q1"], 2)
    uploads.insert_survey(db, record, answers, comments)


@pytest.fixture
def sample_url(pg_url) -> str:
    """A PostgreSQL store with the sample data (surveys, activity and outcome records)
    and a survey with comments, imported through a replica."""
    writer = ReplicaDatabase(pg_url)
    load_sample(writer)
    with_comments(writer)
    writer.close()
    return pg_url


def started(url: str) -> ReplicaDatabase:
    replica = ReplicaDatabase(url)
    replica.refresh()
    return replica


def test_each_upload_keeps_a_packed_copy_of_its_rows(sample_url):
    replica = started(sample_url)
    kept = packed_rows(sample_url)
    assert {table for _, table in kept} == set(ROW_TABLES)
    for table in ROW_TABLES:
        stored = replica.query_rows(f"SELECT upload_id, count(*) FROM {table} GROUP BY ALL")
        assert dict(stored) == {i: n for (i, t), n in kept.items() if t == table}
    uploads.remove_upload(replica, 1)
    assert {i for i, _ in packed_rows(sample_url)} == {i for i, _ in kept} - {1}
    replica.close()


def test_a_replica_from_packed_copies_holds_what_one_by_copy_holds(sample_url):
    from_packed = started(sample_url)
    execute(sample_url, "DELETE FROM packed_rows")  # as uploads stored before packing
    by_copy = started(sample_url)
    assert held(from_packed) == held(by_copy)
    assert sorted(row["text"] for row in held(by_copy)["comments"]) == sorted(TEXTS)
    assert sum(len(rows) for rows in held(by_copy).values()) > 1000
    from_packed.close()
    by_copy.close()


def test_a_damaged_packed_copy_is_read_with_copy(sample_url, caplog):
    expected = held(started(sample_url))
    execute(sample_url, "UPDATE packed_rows SET data = 'damaged' WHERE upload_id = 2")
    with caplog.at_level(logging.WARNING, logger="monitor.store.postgres"):
        replica = started(sample_url)
    assert held(replica) == expected
    assert "Upload 2: reading its answers with COPY, as the packed copy cannot be read" in (
        caplog.text
    )
    replica.close()


def test_a_store_copied_into_postgresql_is_packed_by_upload(pg_url):
    source = Database()
    load_sample(source)
    with_comments(source)
    target = ReplicaDatabase(pg_url)
    copy_store(source, target)
    target.close()
    assert len({i for i, _ in packed_rows(pg_url)}) == len(held(source)["uploads"])
    assert held(started(pg_url)) == held(source)
