"""The session's store and settings: the database handle (one per store, shared by every
session), the settings and instrument in force, catching up with what other processes
wrote (app replicas, command-line imports), showing library errors as messages, and
success messages kept across a rerun."""

from __future__ import annotations

import os
from collections.abc import Callable

import streamlit as st

from monitor import access, sample
from monitor.dashboard.auth import current_actor, secret
from monitor.errors import (
    DatabaseOpenError,
    DatabaseUnreachableError,
    MonitorError,
    NotADatabaseError,
    StoreBusyError,
    StoreError,
    UnconfirmedMappingError,
)
from monitor.instrument import Instrument, load_instrument
from monitor.settings import Settings, band_minimums, load_settings, with_bands
from monitor.store import Database, config, open_database, resolve_db_path
from monitor.store.database import ENV_VAR as DB_ENV_VAR
from monitor.untrusted import markdown_text as md

FLASH = "flash"  # session: success messages to show after the next rerun


@st.cache_resource(show_spinner=False)
def store_at(path: str) -> Database:
    """The open database of the store at `path` (one per server process)."""
    return open_database(path)


def db_path() -> str:
    """The store: $MONITOR_DB, else MONITOR_DB in the app's secrets (how a hosted app is
    given its PostgreSQL address), else the DuckDB file data/monitor.duckdb."""
    if not os.environ.get(DB_ENV_VAR):
        address = secret(DB_ENV_VAR)
        if address:
            return resolve_db_path(str(address))
    return resolve_db_path()


def database() -> Database:
    """The shared database; on its very first creation, loaded with the sample data."""
    db = store_at(db_path())
    if db.created and settings().sample_on_first_run:
        db.created = False
        with st.spinner("Loading the sample data for a first look..."):
            sample.load_sample(db)
    return db


def data_changed() -> None:
    """Forget cached query results (after an import, a removal or new settings)."""
    st.cache_data.clear()


_seen_versions: dict[str, int] = {}  # per store: the data version cached results are of


def catch_up() -> None:
    """Bring the store up to date before the page answers: a PostgreSQL store's local
    copy takes what other app replicas wrote; when another process wrote (a replica, or
    a command-line import into the DuckDB file), cached results made before are dropped."""
    path = db_path()
    try:
        version = store_at(path).refresh()
    except StoreBusyError as exc:  # no copy to show: the page waits for no more queries
        show_error(exc)
        st.stop()
    except StoreError as exc:  # the detail (host, port, user) only for administrators
        actor = current_actor()
        detail = md(explain(exc), None) if actor and actor.can(access.SETTINGS) else ""
        st.warning(
            f"{detail or 'The data could not be refreshed.'} The pages show the data as last read.",
            icon=":material/sync_problem:",
        )
        return
    if _seen_versions.setdefault(path, version) != version:
        _seen_versions[path] = version
        data_changed()


# --- settings ----------------------------------------------------------------------------


def settings() -> Settings:
    """Defaults < monitor.toml < environment < settings saved on the settings page."""
    return _settings(db_path())


@st.cache_data(show_spinner=False, max_entries=8)
def _settings(path: str) -> Settings:
    return load_settings(stored=config.stored_settings(store_at(path)))


def instrument() -> Instrument:
    """The instrument, with the band thresholds of the settings."""
    return with_bands(load_instrument(), settings())


def bands() -> dict[str, float]:
    """The lowest score of each band in force, by band key."""
    return band_minimums(instrument())


def stored_settings() -> dict[str, str]:
    """The settings saved on the settings page (name -> value as stored)."""
    return config.stored_settings(store_at(db_path()))


def save_settings(values: dict[str, object], who: str | None = None) -> bool:
    """Check and store settings (None removes a saved one), if the user is an admin (the
    library checks); forget cached results so every page uses them. Shows the error and
    returns False when refused or when they do not fit."""
    actor = current_actor()
    done = run_safely(lambda: access.save_settings(actor, store_at(db_path()), values, who))
    data_changed()
    return done is not None


# --- messages ----------------------------------------------------------------------------


def hint(exc: MonitorError) -> str:
    """What to do about `exc` on the dashboard ("" when its message says it all)."""
    if isinstance(exc, NotADatabaseError):
        return "Set MONITOR_DB (environment or the app's secrets) to another file."
    if isinstance(exc, StoreBusyError):
        return "Try again in a moment." if exc.writing else "Reload this page in a moment."
    if isinstance(exc, DatabaseOpenError):
        return "Then reload this page."
    if isinstance(exc, DatabaseUnreachableError):
        return "The address is MONITOR_DB, in the environment or the app's secrets."
    if isinstance(exc, UnconfirmedMappingError):
        return "Open the column mapping above, check the marked rows and confirm it."
    return ""


def explain(exc: MonitorError) -> str:
    """The library's message for `exc`, with the hint that fits the dashboard."""
    return f"{exc} {hint(exc)}".strip()


def run_page(page: st.Page) -> None:
    """Run the page chosen in the navigation. A store that stayed busy for longer than
    reads wait (another program writing to the file) is shown as a message."""
    try:
        page.run()
    except StoreBusyError as exc:
        show_error(exc)


def show_error(exc: MonitorError) -> None:
    """`explain(exc)` in an error box, as text: messages quote names and values from files."""
    st.error(md(explain(exc), None, lines=True))


def run_safely(action: Callable[[], object]) -> object | None:
    """Run a library call; show its MonitorError as one message instead of a traceback."""
    try:
        return action()
    except MonitorError as exc:
        show_error(exc)
        return None


def flash(message: str) -> None:
    """Keep a success message to show after the next rerun."""
    st.session_state.setdefault(FLASH, []).append(message)


def show_flash() -> None:
    """Show the success messages kept by `flash`."""
    for message in st.session_state.pop(FLASH, []):
        st.success(message)
