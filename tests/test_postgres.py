"""PostgreSQL as the system of record: replicas catching up, writes taking turns,
clashes between replicas, migrations and the address's password kept out of messages.

Two `ReplicaDatabase` objects stand for two app processes: each has its own local
DuckDB copy and its own connections. (tests/test_replicas.py uses real processes.)
"""

from __future__ import annotations

import io
import threading

import pandas as pd
import psycopg
import pytest
from postgres_server import PASSWORD

from monitor import scores
from monitor.cli import explain
from monitor.errors import (
    ConflictError,
    DatabaseUnreachableError,
    DuplicateUploadError,
    StoreError,
)
from monitor.ingest import commit_survey, import_survey, prepare_survey
from monitor.store import config, lookups, postgres, uploads
from monitor.store.replica import ReplicaDatabase

HEADER = ["respondent_id", "partner", "wave", "trust_1", "trust_2", "trust_3"]


def survey(wave="2025-Q1", answer="4", n=3, first=0) -> list[list[str]]:
    return [HEADER] + [[f"R{i}", "Police", wave, answer, answer, "2"] for i in range(first, n)]


@pytest.fixture
def replicas(pg_url):
    """Two replicas of one PostgreSQL database."""
    pair = ReplicaDatabase(pg_url), ReplicaDatabase(pg_url)
    yield pair
    for replica in pair:
        replica.close()


def load(db, files, rows, name):
    return import_survey(db, io.BytesIO(files.csv(rows)), name)


@pytest.mark.parametrize(
    "url,shown",
    [
        ("postgresql://ana:pw@db:5432/monitor", "postgresql://ana:***@db:5432/monitor"),
        ("postgresql://ana@db/monitor", "postgresql://ana@db/monitor"),
        ("postgres://ana:p%40ss:w@db/m?sslmode=require", "postgres://ana:***@db/m?sslmode=require"),
        ("postgresql://db/m?user=ana&password=pw", "postgresql://db/m?user=ana&password=***"),
        ("postgresql:///monitor", "postgresql:///monitor"),
    ],
)
def test_redact(url, shown):
    assert postgres.redact(url) == shown


def test_a_wrong_password_is_refused_without_showing_it(pg_server):
    url = pg_server.url().replace(PASSWORD, "wrong-secret")
    with pytest.raises(DatabaseUnreachableError) as info:
        ReplicaDatabase(url)
    message = str(info.value)
    assert "wrong-secret" not in message and PASSWORD not in message
    assert message.startswith(f"Cannot connect to the PostgreSQL database {postgres.redact(url)}")
    assert info.value.where == postgres.redact(url)
    assert "password authentication failed" in info.value.reason
    assert "Check the address, user and password" in message
    assert "--db or in MONITOR_DB" in explain(info.value)


def test_an_import_on_one_replica_is_scored_alike_on_the_other(replicas, files, instrument):
    a, b = replicas
    load(a, files, survey("2025-Q1"), "q1.csv")
    load(a, files, survey("2025-Q2", answer="2"), "q2.csv")
    assert b.refresh() == a.version
    expected = scores.factor_scores(a, instrument=instrument)
    assert not expected.empty
    pd.testing.assert_frame_equal(scores.factor_scores(b, instrument=instrument), expected)
    assert uploads.list_uploads(b)["file_name"].tolist() == ["q2.csv", "q1.csv"]
    assert uploads.audit_list(b)["action"].tolist() == ["upload", "upload"]


def test_a_removal_on_one_replica_is_seen_by_the_other(replicas, files, counts):
    a, b = replicas
    first = load(a, files, survey("2025-Q1"), "q1.csv")
    load(a, files, survey("2025-Q2"), "q2.csv")
    b.refresh()
    assert counts(b) == (2, 18)
    uploads.remove_upload(a, first.upload_id, removed_by="ana")
    b.refresh()
    assert counts(b) == (1, 9)
    assert uploads.audit_list(b)[["action", "who"]].values.tolist()[0] == ["remove", "ana"]


def test_settings_and_mappings_reach_the_other_replica(replicas):
    a, b = replicas
    config.save_settings(a, {"min_group_size": 7}, who="ana")
    config.save_mapping(a, "Forms", '{"x": "trust_1"}')
    b.refresh()
    assert config.stored_settings(b) == {"min_group_size": "7"}
    assert config.load_mapping(b, "Forms") == '{"x": "trust_1"}'
    config.save_settings(b, {"min_group_size": None})
    a.refresh()
    assert config.stored_settings(a) == {}


def test_reads_catch_up_by_themselves(replicas, files, monkeypatch):
    a, b = replicas
    monkeypatch.setattr("monitor.store.replica.REFRESH_SECONDS", 0)
    load(a, files, survey(), "q1.csv")
    assert lookups.count_answers(b) == 9  # no refresh() call: the read caught up first


def test_concurrent_imports_from_two_replicas_both_succeed(replicas, files, counts):
    a, b = replicas
    results, errors = {}, []

    def run(db, name, wave):
        try:
            results[name] = load(db, files, survey(wave, n=40), name)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=run, args=(a, "a.csv", "2025-Q1")),
        threading.Thread(target=run, args=(b, "b.csv", "2025-Q2")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    a.refresh()
    b.refresh()
    assert counts(a) == counts(b) == (2, 240)
    assert sorted(r.upload_id for r in results.values()) == [1, 2]


def test_the_same_file_committed_on_two_replicas_is_stored_once(replicas, files, counts):
    a, b = replicas
    data = files.csv(survey())
    on_a = prepare_survey(a, io.BytesIO(data), "march.csv")
    on_b = prepare_survey(b, io.BytesIO(data), "march copy.csv")  # b has not seen it yet
    stored = commit_survey(a, on_a)
    with pytest.raises(DuplicateUploadError) as info:
        commit_survey(b, on_b)
    assert str(info.value).startswith(
        f"march copy.csv was already imported as upload #{stored.upload_id} (march.csv, "
    )
    assert counts(b) == (1, 9)


def test_answers_stored_meanwhile_by_another_replica_are_a_clash(replicas, files, counts):
    a, b = replicas
    on_a = prepare_survey(a, io.BytesIO(files.csv(survey(n=3))), "first.csv")
    on_b = prepare_survey(b, io.BytesIO(files.csv(survey(n=5, answer="5"))), "second.csv")
    commit_survey(a, on_a)
    with pytest.raises(ConflictError) as info:
        commit_survey(b, on_b)
    assert str(info.value) == (
        "While this file was being checked, another upload stored answers of the same "
        "respondents in the same wave: R0 (2025-Q1), R1 (2025-Q1), R2 (2025-Q1). Nothing was "
        "stored. Check the file again to see every clash."
    )
    assert counts(b) == (1, 9)


def test_a_write_waiting_too_long_gets_a_clear_message(replicas, files, counts, monkeypatch):
    a, _ = replicas
    monkeypatch.setattr(postgres, "WRITE_WAIT", "300ms")
    with psycopg.connect(a.source.url) as other:  # another process in the middle of a write
        other.execute("UPDATE sync_state SET version = version + 1")
        with pytest.raises(ConflictError) as info:
            load(a, files, survey(), "q1.csv")
        other.rollback()
    assert str(info.value) == (
        "Another upload or removal was being stored and did not finish within 300ms. "
        "Nothing was stored; try again in a moment."
    )
    assert counts(a) == (0, 0)
    load(a, files, survey(), "q1.csv")
    assert counts(a) == (1, 9)


def test_a_replica_reads_its_copy_while_the_server_is_unreachable(pg_url, files, monkeypatch):
    replica = ReplicaDatabase(pg_url)
    load(replica, files, survey(), "q1.csv")
    monkeypatch.setattr("monitor.store.replica.REFRESH_SECONDS", 0)
    replica.source.close()
    monkeypatch.setattr(replica.source, "url", pg_url.rsplit("/", 1)[0] + "/no_such_database")
    assert lookups.count_answers(replica) == 9  # answered from the copy, with a warning logged
    with pytest.raises(StoreError, match="no_such_database"):
        replica.refresh()
    replica.close()


def test_a_newer_postgresql_schema_is_refused(pg_url):
    ReplicaDatabase(pg_url).close()
    with psycopg.connect(pg_url, autocommit=True) as con:
        con.execute("INSERT INTO schema_migrations VALUES (99, now())")
    with pytest.raises(StoreError, match=r"newer Partnership Monitor \(schema 99, this version"):
        ReplicaDatabase(pg_url)


def test_migrations_are_recorded_and_applied_once_by_parallel_starts(pg_url):
    started, errors = [], []

    def start():
        try:
            started.append(ReplicaDatabase(pg_url))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(len(r.applied) for r in started) == [0, 0, len(postgres.MIGRATIONS)]
    with psycopg.connect(pg_url) as con:
        listed = con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
    assert listed == [(v,) for v in sorted(postgres.MIGRATIONS)]
    for replica in started:
        replica.close()
