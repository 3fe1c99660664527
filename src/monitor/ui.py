"""Streamlit glue: the only module of the library that imports streamlit.

It caches at the edge (one connection per database, query results until the
data change), keeps the shared filters in the URL, and turns library errors
into messages. Pages call these functions and draw.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import pandas as pd
import streamlit as st

from monitor import export, partners, power, quality, sample, scorecard, scores
from monitor.errors import MonitorError
from monitor.ingest import ImportResult, PreparedImport, commit_survey, prepare_survey
from monitor.instrument import Instrument, load_instrument
from monitor.scorecard import View
from monitor.settings import Settings, check, load_settings, with_bands
from monitor.store import Database, open_database, resolve_db_path
from monitor.store import queries as q
from monitor.template import template_bytes

# Query-parameter keys of the shared filters (they appear in shared links).
KEY_PARTNERSHIP, KEY_WAVE, KEY_FROM, KEY_PARTNERS = "partnership", "wave", "from", "partners"
PREVIEW_ROWS = 1000  # rows of raw data sent to the browser in a table
APP_STARTED = "_app_started"  # session flag: app.py has run in this session


@st.cache_resource(show_spinner=False)
def _database(path: str) -> Database:
    return open_database(path)


def settings() -> Settings:
    """Defaults < monitor.toml < environment < settings saved on the settings page."""
    return _settings(db_path())


@st.cache_data(show_spinner=False, max_entries=8)
def _settings(path: str) -> Settings:
    return load_settings(stored=q.stored_settings(_database(path)))


def instrument() -> Instrument:
    """The instrument, with the band thresholds of the settings."""
    return with_bands(load_instrument(), settings())


def db_path() -> str:
    return resolve_db_path()


def database() -> Database:
    """The shared database; on its very first creation, loaded with the sample data."""
    db = _database(db_path())
    if db.created and settings().sample_on_first_run:
        db.created = False
        with st.spinner("Loading the sample data for a first look..."):
            sample.load_sample(db)
    return db


def data_changed() -> None:
    """Forget cached query results (after an import or a removal)."""
    st.cache_data.clear()


# --- navigation -------------------------------------------------------------------------


@dataclass(frozen=True)
class PageSpec:
    """One page of the menu. `writes` pages change stored data (uploads, removals)."""

    path: str
    title: str
    icon: str
    section: str
    writes: bool = False


# The menu, in order. app.py builds st.navigation from it.
PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/overview.py", "Overview", ":material/dashboard:", "Monitor"),
    PageSpec("pages/trends.py", "Trends", ":material/show_chart:", "Monitor"),
    PageSpec("pages/partners.py", "Partners and power", ":material/groups:", "Monitor"),
    PageSpec("pages/quality.py", "Survey quality", ":material/fact_check:", "Monitor"),
    PageSpec("pages/upload.py", "Upload", ":material/upload_file:", "Data", writes=True),
    PageSpec("pages/data.py", "Data", ":material/table:", "Data"),
    # For administrators: changes the disclosure rule, bands and warning thresholds.
    PageSpec("pages/settings.py", "Settings", ":material/settings:", "Data", writes=True),
)


def navigation(pages: tuple[PageSpec, ...] = PAGES):
    """st.navigation over `pages`, grouped by section; the first page is the home page."""
    sections: dict[str, list] = {}
    for position, spec in enumerate(pages):
        page = st.Page(spec.path, title=spec.title, icon=spec.icon, default=position == 0)
        sections.setdefault(spec.section, []).append(page)
    return st.navigation(sections)


# --- cached queries (keyed by database path and arguments) -----------------------------


@st.cache_data(show_spinner=False, max_entries=64)
def partnerships(path: str) -> list[str]:
    return q.partnerships(_database(path))


@st.cache_data(show_spinner=False, max_entries=64)
def waves(path: str, partnership: str | None) -> list[str]:
    return scorecard.wave_list(_database(path), partnership)


@st.cache_data(show_spinner=False, max_entries=64)
def partner_names(path: str, partnership: str | None) -> list[str]:
    return q.partners(_database(path), partnership)


@st.cache_data(show_spinner=False, max_entries=128)
def scorecard_table(path: str, view: View) -> pd.DataFrame:
    return scorecard.scorecard(
        _database(path), view, instrument(), min_group_size=settings().min_group_size
    )


@st.cache_data(show_spinner=False, max_entries=128)
def responses_by_partner(path: str, view: View) -> pd.DataFrame:
    return scorecard.responses_by_partner(_database(path), view)


@st.cache_data(show_spinner=False, max_entries=128)
def trend_scores(path: str, view: View) -> pd.DataFrame:
    db = _database(path)
    starts = view.starts(db)
    where = q.ScoreFilter(
        view.partnership, view.partners, starts.get(view.wave_from), starts.get(view.wave)
    )
    return scores.factor_scores(db, where=where, instrument=instrument(), weighting=view.weighting)


@st.cache_data(show_spinner=False, max_entries=128)
def partner_matrix(path: str, view: View, min_group_size: int) -> pd.DataFrame:
    return partners.partner_matrix(_database(path), view, min_group_size, instrument())


@st.cache_data(show_spinner=False, max_entries=32)
def data_preview(path: str, view: View) -> tuple[pd.DataFrame, int]:
    """The first PREVIEW_ROWS rows of the combined data, and how many rows it has."""
    db = _database(path)
    return export.combined_data(db, view, limit=PREVIEW_ROWS), export.response_count(db, view)


def download(path: str, view: View, kind: str) -> Callable[[], bytes]:
    """Build the full download only when the button is clicked."""

    def build() -> bytes:
        frame = export.combined_data(_database(path), view)
        return export.to_csv_bytes(frame) if kind == "csv" else export.to_excel_bytes(frame)

    return build


@st.cache_data(show_spinner=False, max_entries=8)
def uploads(path: str) -> pd.DataFrame:
    return q.list_uploads(_database(path))


@st.cache_data(show_spinner=False)
def template() -> bytes:
    return template_bytes()


# --- shared filters, kept in the URL ---------------------------------------------------


def inside_app() -> None:
    """Make a page opened straight from a link run inside app.py's navigation.

    With a folder named `pages/` beside app.py, Streamlit runs the first request of a
    server process the old multipage way: a link to /partners runs that page alone,
    without app.py (no page set-up, no navigation menu, no sample data). When that
    happens, switch to app.py's navigation and run again on the same page.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a Streamlit without this mechanism: nothing to do
        return
    if getattr(PagesManager, "uses_pages_directory", False) and not st.session_state.get(
        APP_STARTED
    ):
        PagesManager.uses_pages_directory = False
        st.rerun()


def start_app() -> None:
    """Called by app.py on every run: open the database and note the app is running."""
    st.session_state[APP_STARTED] = True
    run_safely(database)


def _pick_partnership(options: list[str]) -> str | None:
    if len(options) == 1:
        st.sidebar.markdown(f"**Partnership**  \n{options[0]}")
        return options[0]
    return st.sidebar.selectbox("Partnership", options, key=KEY_PARTNERSHIP, bind="query-params")


def filters(*, wave_range: bool = False) -> View | None:
    """Draw the sidebar filters and return the view they select (None when no data)."""
    path = db_path()
    options = partnerships(path)
    if not options:
        return None
    partnership = _pick_partnership(options)
    wave_options = waves(path, partnership)
    wave_from = None
    if wave_range and len(wave_options) > 1:
        wave_from = st.sidebar.selectbox(
            "From wave", wave_options, index=0, key=KEY_FROM, bind="query-params"
        )
    label = "To wave" if wave_range else "Wave"
    wave = st.sidebar.selectbox(
        label, wave_options, index=len(wave_options) - 1, key=KEY_WAVE, bind="query-params"
    )
    chosen = st.sidebar.multiselect(
        "Partners",
        partner_names(path, partnership),
        key=KEY_PARTNERS,
        bind="query-params",
        placeholder="All partners",
        help="Leave empty to include every partner agency.",
    )
    return View(partnership, wave, tuple(chosen) or None, wave_from)


def default_partnership() -> str:
    """The partnership new files belong to by default: the only one stored, if just one."""
    existing = partnerships(db_path())
    return existing[0] if len(existing) == 1 else ""


def empty_state() -> None:
    """What to show when there is no survey data yet."""
    st.info(
        "There is no survey data yet. Upload a survey export on the **Upload** page, "
        "or load the built-in sample data to look around."
    )
    if st.button("Load the sample data", key="load_sample"):
        run_safely(lambda: sample.load_sample(_database(db_path())))
        data_changed()
        st.rerun()


def share_hint() -> None:
    st.sidebar.caption(
        "The filters are part of the page address: copy it from the browser to share this view."
    )


# --- writes ----------------------------------------------------------------------------


def run_safely(action: Callable[[], object]) -> object | None:
    """Run a library call; show its MonitorError as one message instead of a traceback."""
    try:
        return action()
    except MonitorError as exc:
        st.error(str(exc))
        return None


def prepare_upload(
    uploaded, wave: str | None, partnership: str | None
) -> PreparedImport | MonitorError:
    """Validate an uploaded file once per session; returns the prepared import or the error."""
    key = ("prepared", getattr(uploaded, "file_id", uploaded.name), wave, partnership)
    if key not in st.session_state:
        uploaded.seek(0)
        try:
            st.session_state[key] = prepare_survey(
                _database(db_path()),
                uploaded,
                uploaded.name,
                wave=wave,
                partnership=partnership,
                max_bytes=settings().max_upload_mb * 1_000_000,
            )
        except MonitorError as exc:
            st.session_state[key] = exc
    return st.session_state[key]


def flash(message: str) -> None:
    """Keep a success message to show after the next rerun."""
    st.session_state.setdefault("flash", []).append(message)


def show_flash() -> None:
    for message in st.session_state.pop("flash", []):
        st.success(message)


def upload_round() -> int:
    """Changes after each import, so the file picker starts empty again."""
    return st.session_state.setdefault("upload_round", 0)


def finish_import() -> None:
    st.session_state["upload_round"] = upload_round() + 1
    for key in [k for k in st.session_state if isinstance(k, tuple) and k[0] == "prepared"]:
        del st.session_state[key]
    st.rerun()


def commit_upload(prepared: PreparedImport, who: str | None = None) -> ImportResult | None:
    result = run_safely(lambda: commit_survey(_database(db_path()), prepared, who))
    data_changed()
    return result


def remove_upload(upload_id: int) -> dict | None:
    removed = run_safely(lambda: q.remove_upload(_database(db_path()), upload_id))
    data_changed()
    return removed


# --- display helpers of the upload page ------------------------------------------------


def problems_table(error) -> pd.DataFrame:
    """A validation error's problems as a table: row, column, value, problem, how to fix."""
    return pd.DataFrame(
        [
            {
                "Row": p.row,
                "Column": p.column,
                "Value": p.value,
                "Problem": p.message,
                "How to fix": p.fix,
            }
            for p in error.problems
        ]
    )


def uploads_display(history: pd.DataFrame) -> pd.DataFrame:
    return (
        history.fillna({"uploaded_by": "—"})
        .rename(
            columns={
                "upload_id": "#",
                "file_name": "File",
                "uploaded_at": "Uploaded",
                "uploaded_by": "By",
                "partnership": "Partnership",
                "waves": "Waves",
                "n_rows": "Respondents",
                "n_answers": "Answers",
            }
        )
        .drop(columns=["kind", "sha256"])
    )


def upload_label(history: pd.DataFrame, upload_id: int) -> str:
    row = history.loc[history["upload_id"] == upload_id].iloc[0]
    return f"#{upload_id} {row.file_name} ({row.waves}, {row.n_rows} respondents)"


def table(frame: pd.DataFrame, *, all_rows: bool = True) -> None:
    """A table with scores shown to two decimals; all rows visible unless told otherwise."""
    decimals = {
        name: st.column_config.NumberColumn(format="%.2f")
        for name, dtype in frame.dtypes.items()
        if pd.api.types.is_float_dtype(dtype)
    }
    st.dataframe(
        frame,
        hide_index=True,
        column_config=decimals,
        height="content" if all_rows else "auto",
    )


def chart(figure, *, stretch: bool = True) -> None:
    """Draw an Altair chart with the project's own theme (not Streamlit's)."""
    st.altair_chart(figure, theme=None, width="stretch" if stretch else "content")


# --- monitoring analytics: weighting, survey quality, power, settings -------------------

KEY_WEIGHTING = "weighting"
WEIGHTING_LABELS = {"person": "One person, one vote", "agency": "One agency, one vote"}


def weighting_choice(view: View) -> View:
    """Draw the weighting control (kept in the URL) and return `view` with it."""
    chosen = st.sidebar.radio(
        "Weighting",
        list(WEIGHTING_LABELS),
        format_func=WEIGHTING_LABELS.get,
        key=KEY_WEIGHTING,
        bind="query-params",
        help="One person, one vote: every respondent counts the same. One agency, one "
        "vote: each partner's average counts the same, so the agency with the most "
        "respondents does not dominate.",
    )
    return replace(view, weighting=chosen or "person")


@st.cache_data(show_spinner=False, max_entries=64)
def power_index(path: str, view: View, min_group_size: int) -> pd.DataFrame:
    return power.power_index(_database(path), view, min_group_size)


@st.cache_data(show_spinner=False, max_entries=64)
def partner_history(path: str, view: View, min_group_size: int) -> pd.DataFrame:
    return power.partner_history(_database(path), view, min_group_size, instrument())


@st.cache_data(show_spinner=False, max_entries=64)
def reliability(path: str, view: View, alpha_low: float) -> pd.DataFrame:
    return quality.reliability(_database(path), view, alpha_low)


@st.cache_data(show_spinner=False, max_entries=64)
def item_quality(path: str, view: View) -> pd.DataFrame:
    return quality.item_quality(_database(path), view)


def stored_settings() -> dict[str, str]:
    return q.stored_settings(_database(db_path()))


def save_settings(values: dict[str, object], who: str | None = None) -> bool:
    """Check and store settings; forget cached results so every page uses them."""
    merged = {**stored_settings(), **{k: v for k, v in values.items() if v is not None}}
    for name, value in values.items():
        if value is None:
            merged.pop(name, None)
    if run_safely(lambda: check(load_settings(stored=merged))) is None:
        return False
    run_safely(lambda: q.save_settings(_database(db_path()), values, who))
    data_changed()
    return True
