"""The store: schema, all-or-nothing writes, duplicates, removal, sharing and threads.

Tests taking `db` run on both stores: a DuckDB file and a PostgreSQL database (through
its local DuckDB copy).
"""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from monitor import scores
from monitor.cli import main
from monitor.errors import DuplicateUploadError, NotADatabaseError, NotFoundError, StoreError
from monitor.ingest import import_survey, prepare_survey
from monitor.store import (
    close_all,
    database,
    lookups,
    open_database,
    postgres,
    quote_identifier,
    resolve_db_path,
    uploads,
)
from monitor.store.database import MIGRATIONS, SCHEMA_VERSION, Database

HEADER = ["respondent_id", "partner", "wave", "trust_1", "trust_2", "trust_3"]


@pytest.fixture
def db(any_db):
    return any_db


def survey(wave: str = "2025-Q1", answer: str = "4", n: int = 3) -> list[list[str]]:
    return [HEADER] + [[f"R{i}", "Police", wave, answer, answer, answer] for i in range(n)]


def test_schema_is_created(db):
    known = postgres.MIGRATIONS if hasattr(db, "source") else MIGRATIONS
    assert db.applied == sorted(known)
    assert db.schema_version() == max(known)
    # The local DuckDB (the file, or the copy of a PostgreSQL store) has the full schema.
    assert db.query_rows("SELECT key, value FROM meta") == [("schema_version", str(SCHEMA_VERSION))]
    tables = {r[0] for r in db.query_rows("SELECT table_name FROM information_schema.tables")}
    assert {"meta", "schema_migrations", "uploads", "answers", "audit", "settings"} <= tables


def test_reopening_does_not_migrate_again(store_url):
    first = open_database(store_url)
    assert first.applied
    version = first.schema_version()
    close_all()
    again = open_database(store_url)
    assert again.applied == []
    assert again.schema_version() == version
    close_all()


def test_a_database_that_recorded_only_its_newest_migration_lists_them_all(tmp_path):
    path = tmp_path / "older.duckdb"
    Database(path).close()
    with duckdb.connect(str(path)) as con:  # as written before each migration was listed
        con.execute("DROP TABLE schema_migrations")
    reopened = Database(path)
    assert reopened.applied == []
    listed = reopened.query_rows("SELECT version FROM schema_migrations ORDER BY 1")
    assert listed == [(v,) for v in sorted(MIGRATIONS)]
    reopened.close()


@pytest.mark.parametrize("older", [1, 5, max(MIGRATIONS) - 1])
def test_an_older_store_is_brought_up_to_date_and_lists_each_migration(
    tmp_path, monkeypatch, older
):
    path = tmp_path / "older.duckdb"
    monkeypatch.setattr(database, "MIGRATIONS", {v: MIGRATIONS[v] for v in range(1, older + 1)})
    Database(path).close()
    monkeypatch.setattr(database, "MIGRATIONS", MIGRATIONS)
    reopened = Database(path)
    assert reopened.applied == list(range(older + 1, max(MIGRATIONS) + 1))
    listed = reopened.query_rows("SELECT version FROM schema_migrations ORDER BY 1")
    assert listed == [(v,) for v in sorted(MIGRATIONS)]
    assert reopened.query_rows("SELECT value FROM meta") == [(str(max(MIGRATIONS)),)]
    reopened.close()


def test_migrations_are_applied_all_or_none(tmp_path, monkeypatch):
    """All missing migrations go in one transaction: one that fails leaves the store as it
    was, and the next opening applies them all."""
    path = tmp_path / "new.duckdb"
    broken = {**MIGRATIONS, max(MIGRATIONS) + 1: "migration_001.sql"}  # tables that exist
    monkeypatch.setattr(database, "MIGRATIONS", broken)
    with pytest.raises(duckdb.CatalogException):
        Database(path)
    close_all()
    monkeypatch.setattr(database, "MIGRATIONS", MIGRATIONS)
    with duckdb.connect(str(path)) as con:
        assert con.execute("SELECT count(*) FROM duckdb_tables()").fetchone() == (0,)
    reopened = Database(path)
    assert reopened.applied == sorted(MIGRATIONS)
    reopened.close()


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "newer.duckdb"
    Database(path).close()
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match=r"newer Partnership Monitor \(schema 99"):
        Database(path)


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    path = tmp_path / "notes.duckdb"
    path.write_text("these are notes, not a database\n" * 100)
    with pytest.raises(NotADatabaseError) as info:
        Database(path)
    assert str(info.value) == f"{path} is not a Partnership Monitor database."
    assert info.value.path == str(path)


def test_the_command_line_says_how_to_name_another_database(tmp_path, capsys):
    path = tmp_path / "notes.duckdb"
    path.write_text("these are notes, not a database\n" * 100)
    assert main(["uploads", "--db", str(path)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"{path} is not a Partnership Monitor database. Point --db or MONITOR_DB at another file."
    )


# All or nothing ---------------------------------------------------------------------------


def _fail_after_the_answers(monkeypatch):
    def fail(*args):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(uploads, "record_audit", fail)  # the last statement of the transaction


def _null_partnership(answers: pa.Table) -> pa.Table:
    column = answers.schema.get_field_index("partnership")
    nulls = pa.nulls(answers.num_rows, pa.string())
    return answers.set_column(column, "partnership", nulls)


@pytest.mark.parametrize("break_it", ["last statement fails", "answers violate NOT NULL"])
def test_a_failed_insert_stores_nothing(db, load, files, counts, monkeypatch, break_it):
    load(survey("2025-Q1"), "first.csv")
    before = counts(db)
    uploads_before = uploads.list_uploads(db)
    prepared = prepare_survey(db, io.BytesIO(files.csv(survey("2025-Q2"))), "second.csv")
    record = uploads.UploadRecord(
        file_name="second.csv",
        sha256=prepared.sha256,
        partnership="Partnership",
        waves=prepared.waves,
        n_rows=prepared.rows,
    )
    answers = prepared.staged
    if break_it == "last statement fails":
        _fail_after_the_answers(monkeypatch)
        expected, message = RuntimeError, "the disk is full"
    else:
        answers = _null_partnership(prepared.answers)
        expected, message = StoreError, r"refused to store this \(.*partnership.*Nothing was"
    with pytest.raises(expected, match=message):
        uploads.insert_survey(db, record, answers)
    assert counts(db) == before
    assert uploads.list_uploads(db).equals(uploads_before)
    monkeypatch.undo()
    # The database is usable afterwards: the same file now imports.
    result = load(files.csv(survey("2025-Q2")), "second.csv")
    assert counts(db) == (before[0] + 1, before[1] + result.answers)


def test_an_exception_inside_a_write_rolls_back(db, load, counts):
    load(survey())
    before = counts(db)
    with pytest.raises(RuntimeError), db.write() as writer:
        writer.delete_rows("answers", None)
        writer.execute("DELETE FROM uploads")
        raise RuntimeError("stop")
    db.refresh()
    assert counts(db) == before


# Duplicates and removal -------------------------------------------------------------------


def test_same_bytes_under_another_name_are_refused(db, load, files, counts):
    data = files.csv(survey())
    first = load(data, "march.csv")
    with pytest.raises(DuplicateUploadError) as info:
        load(data, "copy of march.csv")
    message = str(info.value)
    assert message.startswith(
        f"copy of march.csv was already imported as upload #{first.upload_id}"
    )
    assert "(march.csv, " in message
    assert message.endswith("Nothing was stored. To replace it, remove that upload first.")
    assert counts(db) == (1, 9)
    stored_sha = db.query_rows("SELECT sha256 FROM uploads")[0][0]
    assert len(stored_sha) == 64

    uploads.remove_upload(db, first.upload_id)
    again = load(data, "copy of march.csv")
    assert again.upload_id != first.upload_id
    assert counts(db) == (1, 9)


def test_other_bytes_with_the_same_name_are_not_duplicates(db, load):
    load(survey("2025-Q1"), "survey.csv")
    load(survey("2025-Q2"), "survey.csv")
    assert uploads.list_uploads(db)["file_name"].tolist() == ["survey.csv", "survey.csv"]


def test_remove_deletes_the_upload_and_its_answers(db, load, counts):
    first = load(survey("2025-Q1"), "q1.csv")
    second = load(survey("2025-Q2", n=2), "q2.csv")
    assert counts(db) == (2, 15)
    removed = uploads.remove_upload(db, first.upload_id)
    assert removed == {
        "upload_id": first.upload_id,
        "file_name": "q1.csv",
        "partnership": "Partnership",
        "n_rows": 3,
    }
    assert counts(db) == (1, 6)
    assert db.query_rows("SELECT DISTINCT upload_id, wave FROM answers") == [
        (second.upload_id, "2025-Q2")
    ]
    # Its respondents can be imported again for that wave.
    load(survey("2025-Q1", answer="5"), "q1-corrected.csv")
    assert counts(db) == (2, 15)


@pytest.mark.parametrize("upload_id", [0, 2, 99, -1])
def test_remove_unknown_upload(db, load, counts, upload_id):
    load(survey())
    with pytest.raises(NotFoundError) as info:
        uploads.remove_upload(db, upload_id)
    assert str(info.value) == (
        f"There is no upload #{upload_id}. List uploads to see their numbers."
    )
    assert counts(db) == (1, 9)


def test_list_uploads_newest_first(db, load):
    load(survey("2025-Q1"), "q1.csv", uploaded_by="ana")
    load(survey("2025-Q2", n=2), "q2.csv")
    frame = uploads.list_uploads(db)
    assert frame[["upload_id", "file_name", "waves", "n_rows", "n_answers"]].values.tolist() == [
        [2, "q2.csv", "2025-Q2", 2, 6],
        [1, "q1.csv", "2025-Q1", 3, 9],
    ]
    assert frame["uploaded_by"].isna().tolist() == [True, False]
    assert frame["uploaded_by"].iloc[1] == "ana"


# Sharing, persistence, identifiers, threads ------------------------------------------------


def test_open_database_shares_one_object_per_file(tmp_path, monkeypatch, shared_dbs):
    path = tmp_path / "data" / "monitor.duckdb"
    first = open_database(path)
    assert open_database(str(path)) is first
    monkeypatch.chdir(tmp_path)
    assert open_database("data/monitor.duckdb") is first
    assert open_database(tmp_path / "other.duckdb") is not first


def test_memory_databases_are_private():
    a, b = open_database(":memory:"), open_database(":memory:")
    try:
        assert a is not b
        with a.cursor() as cur:
            cur.execute("INSERT INTO meta VALUES ('only_in_a', 'x')")
        assert b.query_rows("SELECT count(*) FROM meta WHERE key = 'only_in_a'") == [(0,)]
    finally:
        a.close()
        b.close()


def test_a_file_database_persists_across_close_all(tmp_path, files, counts, shared_dbs):
    path = tmp_path / "monitor.duckdb"
    db = open_database(path)
    import_survey(db, io.BytesIO(files.csv(survey())), "q1.csv")
    before = counts(db)
    close_all()
    reopened = open_database(path)
    assert reopened is not db
    assert counts(reopened) == before == (1, 9)


@pytest.mark.parametrize(
    "env,arg,expected",
    [
        (None, None, str(Path("data") / "monitor.duckdb")),
        ("from-env.duckdb", None, "from-env.duckdb"),
        ("from-env.duckdb", "from-arg.duckdb", "from-arg.duckdb"),
        (None, Path("x") / "y.duckdb", str(Path("x") / "y.duckdb")),
    ],
)
def test_resolve_db_path(monkeypatch, env, arg, expected):
    if env is None:
        monkeypatch.delenv("MONITOR_DB", raising=False)
    else:
        monkeypatch.setenv("MONITOR_DB", env)
    assert resolve_db_path(arg) == expected


@pytest.mark.parametrize(
    "name,quoted",
    [
        ("trust_1", '"trust_1"'),
        ("Respondent ID", '"Respondent ID"'),
        ('say "hi"', '"say ""hi"""'),
        ('"', '""""'),
        ('x"; DROP TABLE answers; --', '"x""; DROP TABLE answers; --"'),
        ("Café – Council", '"Café – Council"'),
        (3, '"3"'),
    ],
)
def test_quote_identifier(db, counts, name, quoted):
    assert quote_identifier(name) == quoted
    with db.cursor() as cur:
        cur.execute(f"CREATE TEMP TABLE t ({quoted} VARCHAR)")
        cur.execute("INSERT INTO t VALUES ('ok')")
        row = cur.execute(f"SELECT {quoted} FROM t").fetchone()
        columns = [d[0] for d in cur.description]
    assert row == ("ok",)
    assert columns == [str(name)]
    assert counts(db) == (0, 0)  # nothing else ran


def test_concurrent_reads_share_one_database(db, load):
    load(survey("2025-Q1", n=6))
    load(survey("2025-Q2", answer="2", n=5))
    expected_scores = scores.factor_scores(db)
    expected_count = lookups.count_answers(db)

    def read(i: int):
        if i % 3 == 0:
            return "scores", scores.factor_scores(db).equals(expected_scores)
        if i % 3 == 1:
            return "count", lookups.count_answers(db) == expected_count
        return "waves", lookups.waves(db)["wave"].tolist() == ["2025-Q1", "2025-Q2"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(read, range(48)))
    assert len(results) == 48
    assert all(ok for _, ok in results), results
