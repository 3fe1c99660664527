"""A DuckDB store keeps its answers narrow (response_rows, item_answers, answer_items) and
reads them back through the view `answers` exactly as they were given: whole or in parts,
after removals, and after an older store's single table is converted."""

from __future__ import annotations

import io
from datetime import date

import duckdb
import pyarrow as pa
import pytest
from test_kept_scores import assert_kept_equal_computed, generated_csv

from monitor.errors import StoreError
from monitor.ingest import import_survey
from monitor.store import close_all, open_database, scoring, uploads
from monitor.store.kept_scores import KEPT_TABLE
from monitor.store.writer import ROW_TABLES

ALL_ANSWERS = "SELECT * FROM answers ORDER BY upload_id, source_row, item_id"
NARROW = ("response_rows", "item_answers", "answer_items")


def answers_table(upload_id: int, rows: list[tuple]) -> pa.Table:
    """Answers in long form: (source_row, respondent_id, partner, role, item_id, value)."""
    columns = list(zip(*rows, strict=True))
    n = len(rows)
    return pa.table(
        {
            "upload_id": pa.array([upload_id] * n, pa.int32()),
            "partnership": ["Riverside"] * n,
            "wave": ["2030-Q1"] * n,
            "wave_start": pa.array([date(2030, 1, 1)] * n, pa.date32()),
            "respondent_id": list(columns[1]),
            "partner": list(columns[2]),
            "role": pa.array(columns[3], pa.string()),
            "source_row": pa.array(columns[0], pa.int32()),
            "item_id": list(columns[4]),
            "value": pa.array(columns[5], pa.float64()),
        }
    )


ROWS = [
    (2, "R1", "Police", None, "trust_1", 4.0),
    (2, "R1", "Police", None, "trust_2", None),
    (2, "R1", "Police", None, "power_3", 1.0),
    (3, "R2", "Council", "Manager", "trust_1", 5.0),
    (3, "R2", "Council", "Manager", "trust_2", 2.0),
    (4, "R3", "Council", "", "trust_1", None),
]


def stored(db) -> list[tuple]:
    return db.query_rows(ALL_ANSWERS)


def test_answers_read_back_as_they_were_given(db):
    given = answers_table(1, ROWS)
    with db.write() as writer:
        writer.insert_rows("answers", given)
    assert stored(db) == sorted(
        (tuple(r.values()) for r in given.to_pylist()), key=lambda r: (r[7], r[8])
    )
    assert db.query_rows("SELECT count(*) FROM response_rows") == [(3,)]  # one per file row
    assert db.query_rows("SELECT count(*) FROM answer_items") == [(3,)]


@pytest.mark.parametrize("cut", [1, 2, 4])
def test_answers_given_in_parts_keep_one_row_per_respondent(db, cut):
    """A replica copies an upload's answers in batches: a respondent's answers may be
    split between two of them."""
    whole = open_database(":memory:")
    with whole.write() as writer:
        writer.insert_rows("answers", answers_table(1, ROWS))
    with db.write() as writer:
        writer.insert_rows("answers", answers_table(1, ROWS[:cut]))
        writer.insert_rows("answers", answers_table(1, ROWS[cut:]))
    assert stored(db) == stored(whole)
    assert db.query_rows("SELECT count(*) FROM response_rows") == [(3,)]
    whole.close()


def test_new_items_get_new_numbers_and_known_ones_keep_theirs(db):
    with db.write() as writer:
        writer.insert_rows("answers", answers_table(1, ROWS[:2]))
    first = dict(db.query_rows("SELECT item_id, item FROM answer_items"))
    with db.write() as writer:
        writer.insert_rows("answers", answers_table(2, ROWS[2:]))
    numbers = dict(db.query_rows("SELECT item_id, item FROM answer_items"))
    assert {k: numbers[k] for k in first} == first
    assert sorted(numbers.values()) == [1, 2, 3]


def test_two_respondents_on_one_row_are_refused(db):
    clash = [*ROWS, (4, "R4", "Health", None, "trust_2", 3.0)]  # row 4 is R3's
    refused = pytest.raises(StoreError, match=r"upload #1 give two respondents on row 4")
    with refused, db.write() as writer:
        writer.insert_rows("answers", answers_table(1, clash))
    for table in NARROW:
        assert db.query_rows(f"SELECT count(*) FROM {table}") == [(0,)]


def test_removing_an_upload_removes_its_rows_and_answers(db, instrument):
    for wave, seed in (("2025-Q1", 1), ("2025-Q2", 2)):
        import_survey(db, io.BytesIO(generated_csv(instrument, wave, 12, seed)), f"{wave}.csv")
    first, second = (r[0] for r in db.query_rows("SELECT upload_id FROM uploads ORDER BY 1"))
    uploads.remove_upload(db, first)
    for table in ("response_rows", "item_answers"):
        held = db.query_rows(f"SELECT DISTINCT upload_id FROM {table}")
        assert held == [(second,)], table
    assert db.query_rows("SELECT count(*) FROM answers") == [(12 * len(instrument.item_ids),)]


def test_an_import_stores_each_file_row_once(db, instrument):
    result = import_survey(db, io.BytesIO(generated_csv(instrument, "2025-Q1", 9, 3)), "q1.csv")
    assert db.query_rows(
        "SELECT count(*), min(source_row), max(source_row) FROM response_rows"
    ) == [(9, 2, 10)]
    assert db.query_rows("SELECT count(*) FROM item_answers") == [(result.answers,)]


def as_schema_9(path) -> None:
    """Turn a store back into the layout before schema version 10: one answers table."""
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE old_answers AS SELECT * FROM answers")
        con.execute("DROP VIEW answers")
        for table in NARROW:
            con.execute(f"DROP TABLE {table}")
        con.execute("ALTER TABLE old_answers RENAME TO answers")
        con.execute("DROP TABLE wave_pair_sums")  # schema 11
        con.execute("DELETE FROM schema_migrations WHERE version >= 10")
        con.execute("UPDATE meta SET value = '9' WHERE key = 'schema_version'")


def kept_rows(path) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(f"SELECT * FROM {KEPT_TABLE} ORDER BY ALL").fetchall()


def test_an_older_store_keeps_its_answers_when_converted(tmp_path, instrument):
    path = tmp_path / "older.duckdb"
    db = open_database(path)
    for wave, seed in (("2025-Q1", 4), ("2025-Q2", 5)):
        import_survey(db, io.BytesIO(generated_csv(instrument, wave, 20, seed)), f"{wave}.csv")
    scoring.respondent_scores(db, instrument)  # the scores kept, with the instrument noted
    before = stored(db)
    close_all()
    as_schema_9(path)
    assert duckdb.connect(str(path)).execute(
        "SELECT table_type FROM information_schema.tables WHERE table_name = 'answers'"
    ).fetchall() == [("BASE TABLE",)]
    kept_before = kept_rows(path)
    db = open_database(path)
    assert db.applied == [10, 11]
    assert stored(db) == before
    close_all()
    assert kept_rows(path) == kept_before  # the kept scores are untouched by the conversion
    db = open_database(path)
    assert_kept_equal_computed(db, instrument)  # made again with their sums (schema 11)
    close_all()


def test_an_older_store_whose_row_holds_two_respondents_is_refused(tmp_path, instrument):
    path = tmp_path / "older.duckdb"
    db = open_database(path)
    import_survey(db, io.BytesIO(generated_csv(instrument, "2025-Q1", 5, 6)), "q1.csv")
    close_all()
    as_schema_9(path)
    with duckdb.connect(str(path)) as con:
        con.execute(
            "UPDATE answers SET respondent_id = 'R999' "
            "WHERE source_row = 3 AND item_id = (SELECT min(item_id) FROM answers)"
        )
    with pytest.raises(
        StoreError,
        match=r"schema 10: upload #1 holds the answers of two respondents on row 3\. Remove",
    ):
        open_database(path)
    close_all()
    with duckdb.connect(str(path)) as con:  # nothing was changed
        assert con.execute("SELECT max(version) FROM schema_migrations").fetchone() == (9,)
        assert con.execute("SELECT count(*) FROM answers").fetchone() == (
            5 * len(instrument.item_ids),
        )


def test_every_row_table_is_written_and_removed_through_the_writer():
    """Every row table has a column upload_id (the writers delete by it)."""
    assert all(columns[0] == "upload_id" for columns in ROW_TABLES.values())
