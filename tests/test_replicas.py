"""Several processes on one PostgreSQL database, as app replicas behind a proxy are:
imports in one process and scores in another agree, concurrent imports lose nothing,
a process killed in the middle of an import leaves nothing, and a removal made
elsewhere shows on the dashboard's next page load."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import psycopg
import pytest
from streamlit.testing.v1 import AppTest

from monitor import scores
from monitor.cli import main
from monitor.instrument import load_instrument
from monitor.store import close_all, open_database
from monitor.template import response_columns

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
RIVERSIDE = sorted(SAMPLE.glob("riverside_2025-Q?.*"))  # four waves, xlsx and csv
PARTNERSHIP = ("--partnership", "Riverside Community Safety Partnership")


def monitor(*args: object, **popen) -> subprocess.Popen:
    """Start `python -m monitor ARGS` in a new process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    command = [sys.executable, "-m", "monitor", *map(str, args)]
    pipe = subprocess.PIPE
    return subprocess.Popen(command, stdout=pipe, stderr=pipe, text=True, env=env, **popen)


def finish(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err


def scores_of(*args: object) -> list[dict]:
    code, out, err = finish(monitor("scores", "--format", "json", *args))
    assert (code, err) == (0, "")
    return json.loads(out)


def assert_same_scores(got: list[dict], expected: list[dict]) -> None:
    assert len(got) == len(expected) > 0
    for a, b in zip(got, expected, strict=True):
        assert {k: v for k, v in a.items() if not isinstance(v, float)} == {
            k: v for k, v in b.items() if not isinstance(v, float)
        }
        for key, value in b.items():
            if isinstance(value, float):
                assert a[key] == pytest.approx(value, rel=1e-12), key


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict:
    """Scores and answer count of the four sample waves imported into a DuckDB file."""
    path = tmp_path_factory.mktemp("duck") / "m.duckdb"
    assert main(["import", *map(str, RIVERSIDE), *PARTNERSHIP, "--db", str(path)]) == 0
    answers = open_database(path).query_rows("SELECT count(*) FROM answers")[0][0]
    close_all()
    return {"scores": scores_of("--db", path), "answers": answers}


def stored_counts(url: str) -> tuple[int, int]:
    with psycopg.connect(url) as con:
        return con.execute(
            "SELECT (SELECT count(*) FROM uploads), (SELECT count(*) FROM answers)"
        ).fetchone()


def test_import_in_one_process_and_scores_in_another_agree(pg_url, reference):
    code, out, err = finish(monitor("import", *RIVERSIDE, *PARTNERSHIP, "--db", pg_url))
    assert (code, err) == (0, "")
    assert out.count("Imported ") == 4
    assert_same_scores(scores_of("--db", pg_url), reference["scores"])


def test_concurrent_imports_in_two_processes_lose_nothing(pg_url, reference):
    open_database(pg_url)  # create the schema first, as a deployment's migrate step does
    close_all()
    first = monitor("import", *RIVERSIDE[:2], *PARTNERSHIP, "--db", pg_url)
    second = monitor("import", *RIVERSIDE[2:], *PARTNERSHIP, "--db", pg_url)
    for process in (first, second):
        code, out, err = finish(process)
        assert (code, err) == (0, ""), err
    assert stored_counts(pg_url) == (4, reference["answers"])
    assert_same_scores(scores_of("--db", pg_url), reference["scores"])
    code, out, _ = finish(monitor("uploads", "--db", pg_url))
    assert code == 0 and len(out.splitlines()) == 1 + 4


def test_the_same_file_from_two_processes_is_stored_once(pg_url):
    open_database(pg_url)
    close_all()
    runs = [monitor("import", RIVERSIDE[0], *PARTNERSHIP, "--db", pg_url) for _ in range(2)]
    results = sorted(finish(p) for p in runs)
    assert [r[0] for r in results] == [0, 2]
    assert "already imported as upload #1" in results[1][2]
    assert stored_counts(pg_url)[0] == 1


def big_survey(path: Path, n_rows: int) -> Path:
    """A survey file large enough that storing it takes a while."""
    header = response_columns(load_instrument())
    rng = np.random.default_rng(7)
    answers = rng.integers(1, 6, (n_rows, len(header) - 4))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for i, row in enumerate(answers):
            writer.writerow([f"R{i}", "Police", "Manager", "2025-Q1", *row.tolist()])
    return path


def _copy_running(con: psycopg.Connection) -> int | None:
    row = con.execute(
        "SELECT pid FROM pg_stat_activity WHERE application_name = 'partnership-monitor' "
        "AND state = 'active' AND query LIKE 'COPY%answers%'"
    ).fetchone()
    return row[0] if row else None


def test_a_process_killed_mid_import_leaves_no_partial_upload(pg_url, tmp_path, counts):
    big = big_survey(tmp_path / "big.csv", 60_000)
    open_database(pg_url)
    close_all()
    process = monitor("import", big, "--db", pg_url)
    with psycopg.connect(pg_url, autocommit=True) as con:
        deadline = time.monotonic() + 90
        while (backend := _copy_running(con)) is None and process.poll() is None:
            assert time.monotonic() < deadline, "the import never reached its COPY"
            time.sleep(0.01)
        assert process.poll() is None, "the import finished before it could be killed"
        process.send_signal(signal.SIGKILL)
        process.wait()
        while con.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (backend,)).fetchone():
            time.sleep(0.05)  # the server ends the session and rolls its transaction back
        stored = con.execute(
            "SELECT (SELECT count(*) FROM uploads), (SELECT count(*) FROM answers), "
            "(SELECT count(*) FROM audit), (SELECT version FROM sync_state)"
        ).fetchone()
    assert stored == (0, 0, 0, 0)
    db = open_database(pg_url)  # the same file imports afterwards: no trace of the first try
    code, out, err = finish(monitor("import", big, "--db", pg_url))
    assert (code, err) == (0, ""), err
    db.refresh()
    assert counts(db) == (1, 60_000 * (len(response_columns(load_instrument())) - 4))
    close_all()


def test_a_removal_elsewhere_shows_on_the_next_page_load(pg_url, monkeypatch, tmp_path):
    monkeypatch.setenv("MONITOR_DB", pg_url)
    monkeypatch.setenv("MONITOR_SAMPLE_ON_FIRST_RUN", "0")
    monkeypatch.chdir(tmp_path)
    assert main(["import", *map(str, RIVERSIDE[:2]), *PARTNERSHIP, "--db", pg_url]) == 0
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/upload.py").run()
    assert not at.exception
    before = at.dataframe[0].value  # past uploads, newest first
    assert before["File"].tolist() == ["riverside_2025-Q2.csv", "riverside_2025-Q1.xlsx"]

    code, out, err = finish(monitor("remove", "2", "--db", pg_url))  # another process
    assert (code, err) == (0, "")
    at.run()
    assert not at.exception
    assert at.dataframe[0].value["File"].tolist() == ["riverside_2025-Q1.xlsx"]
    scored = scores.factor_scores(open_database(pg_url))
    assert scored["wave"].unique().tolist() == ["2025-Q1"]
    close_all()
