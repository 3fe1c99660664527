"""One DuckDB file, several processes: the dashboard reads while the command line imports.

In one process, a second `Database` object on the same file stands for another process
(DuckDB refuses it the file in the other mode, as it refuses another process), so the
rules can be checked without timing anything. The last tests run real processes.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from monitor.errors import StoreBusyError, StoreError
from monitor.ingest import import_survey
from monitor.store import Database, config, lookups, open_database, sharing
from monitor.store.sharing import WAIT_ENV, WAITING_SUFFIX, wait_seconds
from monitor.store.uploads import list_uploads

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
HEADER = "respondent_id,partner,wave,trust_1,trust_2,trust_3\n"
PROCESS_TIMEOUT = 300  # seconds; a guard against a hang, not a measurement


def survey_bytes(wave: str, n: int = 3) -> bytes:
    rows = "".join(f"R{i},Police,{wave},4,4,4\n" for i in range(n))
    return (HEADER + rows).encode()


@pytest.fixture
def store(tmp_path, shared_dbs) -> Path:
    """A store file with one upload, closed again."""
    path = tmp_path / "m.duckdb"
    db = Database(path)
    import_survey(db, io.BytesIO(survey_bytes("2025-Q1")), "q1.csv", partnership="P")
    db.close()
    return path


@pytest.fixture
def no_wait(monkeypatch):
    """Reads and writes give up at once when the file is not theirs."""
    monkeypatch.setenv(WAIT_ENV, "0")


# --- in one process ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [(None, 30.0), ("", 30.0), ("5", 5.0), (" 0.5 ", 0.5), ("0", 0.0), ("120", 120.0)],
)
def test_the_wait_is_set_in_seconds(monkeypatch, raw, seconds):
    if raw is None:
        monkeypatch.delenv(WAIT_ENV, raising=False)
    else:
        monkeypatch.setenv(WAIT_ENV, raw)
    assert wait_seconds() == seconds


@pytest.mark.parametrize("raw", ["half a minute", "-1", "inf", "nan"])
def test_a_wait_that_is_no_number_of_seconds_is_named(monkeypatch, raw):
    monkeypatch.setenv(WAIT_ENV, raw)
    with pytest.raises(StoreError, match=f"{WAIT_ENV} is '{raw}'.*number of seconds"):
        wait_seconds()


def test_reading_while_another_process_reads(store, no_wait):
    reader = Database(store)
    with reader.cursor() as cur:
        cur.execute("SELECT count(*) FROM answers")
        # Opening an up-to-date store only reads, so it needs no turn to write.
        other = Database(store)
        assert other.applied == [] and lookups.count_answers(other) == 9
    reader.close()
    other.close()


def test_a_write_elsewhere_is_seen_by_the_next_read_and_changes_the_version(store):
    dashboard, importer = Database(store), Database(store)
    before = dashboard.refresh()
    assert lookups.partnerships(dashboard) == ["P"]  # its connection stays open, idle

    import_survey(importer, io.BytesIO(survey_bytes("2025-Q2")), "q2.csv", partnership="Q")
    config.save_settings(importer, {"min_group_size": 4}, "ana")

    assert lookups.partnerships(dashboard) == ["P", "Q"]
    assert config.stored_settings(dashboard) == {"min_group_size": "4"}
    assert dashboard.refresh() == before + 2  # one per write
    assert dashboard.refresh() == importer.refresh()
    dashboard.close()
    importer.close()


def test_a_writer_without_a_turn_stores_nothing_and_says_so(store, no_wait):
    reader, importer = Database(store), Database(store)
    before = lookups.table_counts(reader)
    with reader.cursor() as cur:  # a read in progress (the file is open read-only)
        cur.execute("SELECT count(*) FROM answers")
        with pytest.raises(StoreBusyError) as caught:
            import_survey(importer, io.BytesIO(survey_bytes("2025-Q2")), "q2.csv")
    message = str(caught.value)
    assert message.startswith(f"The database {store} is busy: ")
    assert "Waited 0 seconds for a turn. Nothing was stored." in message
    assert caught.value.writing
    assert lookups.table_counts(importer) == before
    assert not Path(f"{store}{WAITING_SUFFIX}").exists()  # the writer's notice is gone
    reader.close()
    importer.close()


def test_a_reader_without_a_turn_says_the_data_could_not_be_read(store, no_wait):
    holder = Database(store, shared=False)  # a program that keeps the file to itself
    with pytest.raises(StoreBusyError, match="Nothing was read or stored.$") as caught:
        Database(store)
    assert not caught.value.writing
    holder.close()
    assert lookups.count_answers(Database(store)) == 9  # free again


def test_reads_inside_a_write_use_its_connection(store):
    db = Database(store)
    with db.write() as w:
        w.execute("DELETE FROM settings")
        assert lookups.count_answers(db) == 9  # no deadlock waiting for itself
    with db.cursor(), pytest.raises(RuntimeError, match="cannot start inside a read"):
        db.write().__enter__()
    db.close()


def test_a_write_goes_into_the_file_at_its_commit(store):
    """Its connection closes right after, so the changes are not logged first (a
    write-ahead log would only be copied into the file at the close)."""
    db = Database(store)
    with db._access.writing() as cur:
        cur.execute("BEGIN TRANSACTION")
        cur.execute("INSERT INTO settings VALUES ('min_group_size', '6', now(), 'ana')")
        cur.execute("COMMIT")
        assert not Path(f"{store}.wal").exists()
    assert config.stored_settings(Database(store)) == {"min_group_size": "6"}
    db.close()


def test_a_late_idle_closer_leaves_a_writers_connection_alone(store, monkeypatch):
    """The thread that closes an idle read connection can start late, after a write has
    put its own connection in place (seen under load: "Connection already closed" in the
    middle of a write). It watches the read connection it was started for, so it leaves
    the write's connection alone."""
    monkeypatch.setattr(sharing, "LINGER_SECONDS", 0.0)
    db = Database(store)
    access = db._access
    with db.cursor():
        read_connection = access._con
    with db.write() as w:
        assert access._con is not read_connection
        late = threading.Thread(target=access._linger, args=(read_connection,))
        late.start()
        late.join(timeout=PROCESS_TIMEOUT)
        assert not late.is_alive()
        w.execute("DELETE FROM settings")  # the write's connection is still open
    assert lookups.count_answers(db) == 9
    db.close()


def test_an_unshared_file_and_memory_keep_their_connection(tmp_path):
    memory = open_database(":memory:")
    assert memory.refresh() == 0
    with memory.write() as w:
        w.execute("DELETE FROM settings")
    assert memory.refresh() == 0  # written by this process only: nothing to catch up
    memory.close()
    held = Database(tmp_path / "held.duckdb", shared=False)
    assert held.refresh() == 0 and lookups.count_answers(held) == 0
    held.close()


# --- real processes ------------------------------------------------------------------------

# A process that reads as the dashboard does: one open database, a query every few
# milliseconds (so its read-only connection is never idle long), the data version checked
# as each page run does; it stops when it has seen a new upload.
DASHBOARD_LIKE = textwrap.dedent(
    """
    import sys, time
    from monitor.store import lookups, open_database
    db = open_database(sys.argv[1])
    version, uploads = db.refresh(), lookups.table_counts(db)["uploads"]
    print("ready", version, uploads, flush=True)
    end = time.monotonic() + float(sys.argv[2])
    while time.monotonic() < end:
        now = db.refresh()
        counts = lookups.table_counts(db)
        if now != version and counts["uploads"] != uploads:
            print("seen", now, counts["uploads"], counts["answers"], flush=True)
            break
        time.sleep(0.005)
    else:
        print("timed out", flush=True)
    """
)

# A process in the middle of a long write: it holds the file until told to stop.
LONG_WRITE = textwrap.dedent(
    """
    import sys
    from monitor.store import open_database
    db = open_database(sys.argv[1])
    with db.write() as w:
        w.execute("DELETE FROM settings")
        print("writing", flush=True)
        sys.stdin.readline()
    print("done", flush=True)
    """
)


def python(code: str, *args: object, **env: str) -> subprocess.Popen:
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **env}
    return subprocess.Popen(
        [sys.executable, "-c", code, *map(str, args)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )


def cli(*args: object, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **env}
    return subprocess.run(
        [sys.executable, "-m", "monitor", *map(str, args)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=PROCESS_TIMEOUT,
    )


def test_the_command_line_imports_while_a_dashboard_reads(tmp_path):
    path = tmp_path / "m.duckdb"
    assert cli("import", "--db", path, SAMPLE / "riverside_2025-Q2.csv").returncode == 0
    reader = python(DASHBOARD_LIKE, path, PROCESS_TIMEOUT)
    try:
        first = reader.stdout.readline().split()
        assert first[0] == "ready", reader.stderr.read()
        assert first[2] == "1"

        done = cli("import", "--db", path, SAMPLE / "riverside_2025-Q4.csv")
        assert (done.returncode, done.stderr) == (0, "")
        assert done.stdout.startswith("Imported riverside_2025-Q4.csv as upload #2: ")

        out, err = reader.communicate(timeout=PROCESS_TIMEOUT)
    finally:
        reader.kill()
    assert reader.returncode == 0, err
    seen = out.split()
    assert seen[0] == "seen" and int(seen[1]) > int(first[1]), out
    assert seen[2] == "2"  # the reader's next read had the new upload, whole
    db = Database(path)
    assert int(seen[3]) == lookups.count_answers(db)
    db.close()


def test_an_import_that_gets_no_turn_stops_with_a_message_and_stores_nothing(tmp_path):
    path = tmp_path / "m.duckdb"
    assert cli("import", "--db", path, SAMPLE / "riverside_2025-Q2.csv").returncode == 0
    db = Database(path)
    before = lookups.table_counts(db)
    db.close()
    holder = python(LONG_WRITE, path)
    try:
        assert holder.stdout.readline().strip() == "writing", holder.stderr.read()
        done = cli("import", "--db", path, SAMPLE / "riverside_2025-Q4.csv", **{WAIT_ENV: "1"})
        holder.stdin.write("\n")
        holder.stdin.flush()
        out, err = holder.communicate(timeout=PROCESS_TIMEOUT)
    finally:
        holder.kill()
    assert out.strip() == "done", err

    assert (done.returncode, done.stdout) == (2, "")
    message = done.stderr.strip()
    assert message.startswith(f"The database {path} is busy: it is in use elsewhere (held by ")
    assert "Waited 1 second for a turn. Nothing was read or stored. Try again when it " in message
    assert message.endswith("set MONITOR_DB_WAIT to a number of seconds.")
    assert "Traceback" not in done.stderr
    db = Database(path)
    assert lookups.table_counts(db) == before
    assert list_uploads(db)["file_name"].tolist() == ["riverside_2025-Q2.csv"]
    db.close()
