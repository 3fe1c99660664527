"""Fixtures of the page tests: a fresh database file per test and the app under AppTest."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from monitor.dashboard import specs
from monitor.store import close_all

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
SAMPLE_DATA = ROOT / "sample_data"
TIMEOUT = 30  # seconds per run; the first run of a test also loads the sample data

SETTINGS_ENV = ("MONITOR_SAMPLE_ON_FIRST_RUN", "MONITOR_MIN_GROUP_SIZE", "MONITOR_MAX_UPLOAD_MB")


def forget_everything() -> None:
    """Drop Streamlit's caches and close the shared databases."""
    st.cache_data.clear()
    st.cache_resource.clear()
    close_all()


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    forget_everything()
    yield
    forget_everything()


@pytest.fixture(autouse=True)
def checked_charts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every chart a page test draws is checked against the Vega-Lite schema (the
    dashboard skips that check when it serves pages)."""
    monkeypatch.setattr(specs, "CHECK_SPECS", True)


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database file of this test only (created by the app on its first run)."""
    path = tmp_path / "m.duckdb"
    monkeypatch.setenv("MONITOR_DB", str(path))
    for name in SETTINGS_ENV:
        monkeypatch.delenv(name, raising=False)
    # The settings file is read from the working folder: use an empty one.
    monkeypatch.chdir(tmp_path)
    return path


@pytest.fixture
def empty_store(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A new database that is not filled with the sample data."""
    monkeypatch.setenv("MONITOR_SAMPLE_ON_FIRST_RUN", "0")
    return db_path


@pytest.fixture
def open_app(db_path: Path) -> Callable[..., AppTest]:
    """Run the app and return it on `page` ("pages/x.py"; default the Overview).

    By default the app starts at its default page (the Overview) and then switches to
    `page`, as a user clicking in the navigation. With `query_params` it opens `page`
    directly with them, as a shared link (".../partners?wave=2025-Q2") does.

    Note: because the pages are in a folder named pages/ next to app.py, AppTest runs a
    page it switched to on its own, without app.py (Streamlit's old multipage mode);
    only the first run of a session goes through app.py.
    """

    def _open(page: str | None = None, query_params: dict | None = None) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
        if query_params is not None:
            at.query_params.update(query_params)
            if page is not None:
                at.switch_page(page)
            page = None
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        if page is not None:
            at.switch_page(page).run()
            assert not at.exception, [e.value for e in at.exception]
        return at

    return _open


@pytest.fixture(scope="session")
def sample_csv() -> tuple[str, bytes]:
    """One wave of the sample as uploaded from disk: (file name, bytes)."""
    path = SAMPLE_DATA / "riverside_2025-Q2.csv"
    return path.name, path.read_bytes()
