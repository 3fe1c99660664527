"""The dashboard and another process on one DuckDB file: what the other one stores is
on the next page run, although the page's queries were cached."""

from __future__ import annotations

import io

from monitor.ingest import import_survey
from monitor.sample import SAMPLE_DIR
from monitor.store import Database


def test_a_wave_imported_by_another_process_is_offered_on_the_next_run(open_app, db_path):
    at = open_app()
    waves = at.sidebar.selectbox(key="wave").options
    assert waves and "2026-Q1" not in waves
    at.run()  # every query of the page is cached now

    # Another Database object on the file is to DuckDB what another process is.
    text = (SAMPLE_DIR / "riverside_2025-Q2.csv").read_text().replace("2025-Q2", "2026-Q1")
    other = Database(db_path)
    partnership = at.sidebar.selectbox(key="partnership").value
    import_survey(other, io.BytesIO(text.encode()), "wave5.csv", partnership=partnership)
    other.close()

    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.sidebar.selectbox(key="wave").options == [*waves, "2026-Q1"]
