"""The dashboard on a store it cannot use: one message with the dashboard's hint."""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from shown import shown  # noqa: E402

APP = Path(__file__).resolve().parents[2] / "app.py"


def test_a_file_that_is_not_a_database_is_named_with_the_setting_to_change(db_path):
    db_path.write_text("these are notes, not a database\n" * 100)
    at = AppTest.from_file(str(APP), default_timeout=30).run()

    assert not at.exception, [e.value for e in at.exception]
    assert [shown(e.value) for e in at.error] == [
        f"{db_path} is not a Partnership Monitor database. Set MONITOR_DB (environment or "
        "the app's secrets) to another file."
    ]


def test_a_store_kept_busy_by_another_program_is_a_message(db_path, monkeypatch):
    from monitor.store import Database

    Database(db_path).close()  # an existing store
    holder = Database(db_path, shared=False)  # keeps the file to itself, as a long import
    monkeypatch.setenv("MONITOR_DB_WAIT", "0")
    try:
        at = AppTest.from_file(str(APP), default_timeout=30).run()
    finally:
        holder.close()

    assert not at.exception, [e.value for e in at.exception]
    assert [shown(e.value) for e in at.error] == [
        f"The database {db_path} is busy: it is in use elsewhere, as by an import that is "
        "still being stored. Waited 0 seconds for a turn. Nothing was read or stored. "
        "Reload this page in a moment."
    ]
