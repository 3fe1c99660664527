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
