"""Streamlit glue: the only module of the library that imports streamlit.

It caches at the edge (one connection per database, query results until the
data change), keeps the shared filters in the URL, and turns library errors
into messages. Pages call these functions and draw.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from monitor import (
    access,
    activity,
    compare,
    export,
    outcomes,
    partners,
    power,
    quality,
    sample,
    scorecard,
    scores,
    tables,
)
from monitor.access import Actor
from monitor.errors import MonitorError, StoreError, ValidationError
from monitor.ingest import ImportResult, PreparedImport, prepare_survey, records
from monitor.instrument import Instrument, load_instrument
from monitor.scorecard import View
from monitor.settings import Settings, check, load_settings, with_bands
from monitor.store import Database, open_database, resolve_db_path
from monitor.store import queries as q
from monitor.store.database import ENV_VAR as DB_ENV_VAR
from monitor.template import records_template_bytes, template_bytes

# Query-parameter keys of the shared filters (they appear in shared links).
KEY_PARTNERSHIP, KEY_WAVE, KEY_FROM, KEY_PARTNERS = "partnership", "wave", "from", "partners"
PREVIEW_ROWS = 1000  # rows of raw data sent to the browser in a table
APP_STARTED = "_app_started"  # session flag: app.py has run in this session
PASSWORD_ACTOR = "_password_actor"  # session: who a password logged in as
LAST_VIEW = "_last_view"  # session: the view the page's filters selected in this run


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
    """The store: $MONITOR_DB, else MONITOR_DB in the app's secrets (how a hosted app is
    given its PostgreSQL address), else the DuckDB file data/monitor.duckdb."""
    if not os.environ.get(DB_ENV_VAR):
        secret = _secret(DB_ENV_VAR)
        if secret:
            return resolve_db_path(str(secret))
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


_seen_versions: dict[str, int] = {}  # per store: the data version cached results are of


def catch_up() -> None:
    """Bring the store up to date before the page answers: a PostgreSQL store's local
    copy takes what other app replicas wrote, and cached results made before are dropped."""
    path = db_path()
    try:
        version = _database(path).refresh()
    except StoreError as exc:
        st.warning(f"{exc} The pages show the data as last read.", icon=":material/sync_problem:")
        return
    if _seen_versions.setdefault(path, version) != version:
        _seen_versions[path] = version
        data_changed()


# --- navigation -------------------------------------------------------------------------


@dataclass(frozen=True)
class PageSpec:
    """One page of the menu. `writes` pages change stored data (uploads, removals) and
    are offered to evaluators and admins only; `admin_only` pages to admins only."""

    path: str
    title: str
    icon: str
    section: str
    writes: bool = False
    admin_only: bool = False

    def allowed(self, actor: Actor | None) -> bool:
        if actor is None:
            return False
        if self.admin_only:
            return actor.can(access.SETTINGS)
        return actor.can(access.UPLOAD) if self.writes else actor.can(access.BROWSE)


# The menu, in order. app.py builds st.navigation from it.
PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/overview.py", "Overview", ":material/dashboard:", "Monitor"),
    PageSpec("pages/trends.py", "Trends", ":material/show_chart:", "Monitor"),
    PageSpec("pages/partners.py", "Partners and power", ":material/groups:", "Monitor"),
    PageSpec("pages/quality.py", "Survey quality", ":material/fact_check:", "Monitor"),
    PageSpec("pages/comments.py", "Comments", ":material/forum:", "Monitor"),
    PageSpec("pages/activity.py", "Activity and cost", ":material/event_available:", "Monitor"),
    PageSpec("pages/outcomes.py", "Outcomes", ":material/trending_down:", "Monitor"),
    PageSpec("pages/compare.py", "Compare partnerships", ":material/compare:", "Monitor"),
    PageSpec("pages/upload.py", "Upload", ":material/upload_file:", "Data", writes=True),
    PageSpec("pages/records.py", "Upload records", ":material/post_add:", "Data", writes=True),
    PageSpec("pages/data.py", "Data", ":material/table:", "Data"),
    # For administrators: changes the disclosure rule, bands and warning thresholds.
    PageSpec(
        "pages/settings.py", "Settings", ":material/settings:", "Data", writes=True, admin_only=True
    ),
)


def navigation(pages: tuple[PageSpec, ...] = PAGES):
    """st.navigation over the `pages` the current user may open, grouped by section; the
    first page is the home page. Pages left out cannot be opened by their address either."""
    actor = current_actor()
    pages = tuple(spec for spec in pages if spec.allowed(actor))
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
    where = view.score_filter(db)
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
    """Start every page: make a page opened straight from a link run inside app.py's
    navigation, refuse it to a role that may not see it, and bring the data up to date.

    With a folder named `pages/` beside app.py, Streamlit runs the first request of a
    server process the old multipage way: a link to /partners runs that page alone,
    without app.py (no page set-up, no navigation menu, no sample data). When that
    happens, switch to app.py's navigation and run again on the same page.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a Streamlit without this mechanism
        PagesManager = None  # noqa: N806
    if getattr(PagesManager, "uses_pages_directory", False) and not st.session_state.get(
        APP_STARTED
    ):
        PagesManager.uses_pages_directory = False
        st.rerun()
    _refuse_page_without_role(Path(sys._getframe(1).f_code.co_filename))
    catch_up()


def _refuse_page_without_role(page_file: Path) -> None:
    """Stop a page the user's role may not open, however it was reached."""
    spec = next((p for p in PAGES if page_file.name == Path(p.path).name), None)
    actor = current_actor()
    if spec is not None and not spec.allowed(actor):
        role = actor.role if actor else "no login"
        st.error(f"This page is not available with your access ({role}).")
        st.stop()


def start_app() -> None:
    """Called by app.py on every run: work out who the user is (asking them to log in
    when needed), open the database and note the app is running."""
    st.session_state[APP_STARTED] = True
    st.session_state.pop(LAST_VIEW, None)
    config = access_config()
    actor = current_actor(config)
    if actor is None:
        login_screen(config)
        st.stop()
    account_box(config, actor)
    if run_safely(database) is None:
        st.stop()


# --- who is using the dashboard ----------------------------------------------------------


def _secret(name: str) -> object | None:
    """A top-level value of Streamlit's secrets (None when absent or there are none)."""
    try:
        return st.secrets.get(name)
    except (FileNotFoundError, KeyError, TypeError, ValueError):
        return None


def _secrets_table(name: str) -> dict | None:
    """A table of Streamlit's secrets (None when there is no such table or no secrets)."""
    try:
        if name not in st.secrets:
            return None
        return dict(st.secrets[name])
    except (FileNotFoundError, KeyError, TypeError, ValueError):
        return None


def access_config() -> access.AccessConfig:
    """The access configuration: OIDC when `[auth]` is in the secrets, the `[access]`
    table of the secrets, then MONITOR_* environment variables."""
    return access.load_access_config(_secrets_table("access"), oidc=bool(_secrets_table("auth")))


def current_actor(config: access.AccessConfig | None = None) -> Actor | None:
    """Who is using this session (None: nobody logged in, and logging in is required)."""
    config = config or access_config()
    if config.oidc:
        user = st.user
        if user.get("is_logged_in"):
            return config.for_login(str(user.get("email") or user.get("name") or "unknown"))
    elif config.passwords and PASSWORD_ACTOR in st.session_state:
        return st.session_state[PASSWORD_ACTOR]
    return config.anonymous()


def _login_provider() -> str | None:
    return (_secrets_table("access") or {}).get("login_provider")


def _password_form(config: access.AccessConfig, key: str) -> None:
    with st.form(key, border=False):
        password = st.text_input("Password", type="password", key=f"{key}_password")
        if st.form_submit_button("Log in", type="primary"):
            actor = config.for_password(password)
            if actor is None:
                st.error("That password is not right.")
            else:
                st.session_state[PASSWORD_ACTOR] = actor
                st.rerun()


def login_screen(config: access.AccessConfig) -> None:
    """Shown instead of the pages when the user must log in first."""
    st.title("Partnership Monitor")
    if config.oidc:
        st.write("Log in with your organisation's account to open the dashboard.")
        if st.button("Log in", type="primary", key="oidc_login"):
            st.login(_login_provider())
    else:
        st.write("Enter the password you were given to open the dashboard.")
        _password_form(config, "login")


def account_box(config: access.AccessConfig, actor: Actor) -> None:
    """Who is logged in, with what role, and how to log in or out (in the sidebar)."""
    box = st.sidebar.container()
    if config.local:  # a local install: nothing to show
        return
    if actor.name is None:  # browsing without a login
        with box.expander("Log in"):
            if config.oidc:
                if st.button("Log in with your account", key="oidc_login_side"):
                    st.login(_login_provider())
            else:
                _password_form(config, "side_login")
        return
    scope = f" · {', '.join(actor.partnerships)}" if actor.partnerships else ""
    box.caption(f"Logged in as **{actor.name}** ({actor.role}){scope}")
    if box.button("Log out", key="logout"):
        if config.oidc:
            st.logout()
        else:
            st.session_state.pop(PASSWORD_ACTOR, None)
            st.rerun()


def _pick_partnership(options: list[str]) -> str | None:
    if len(options) == 1:
        st.sidebar.markdown(f"**Partnership**  \n{options[0]}")
        return options[0]
    return st.sidebar.selectbox("Partnership", options, key=KEY_PARTNERSHIP, bind="query-params")


def filters(*, wave_range: bool = False) -> View | None:
    """Draw the sidebar filters and return the view they select (None when no data)."""
    path = db_path()
    options = access.visible(current_actor(), partnerships(path))
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
    view = View(partnership, wave, tuple(chosen) or None, wave_from)
    st.session_state[LAST_VIEW] = view
    return view


def default_partnership() -> str:
    """The partnership new files belong to by default: the only one stored, if just one."""
    existing = access.visible(current_actor(), partnerships(db_path()))
    return existing[0] if len(existing) == 1 else ""


def empty_state() -> None:
    """What to show when there is no survey data yet."""
    actor = current_actor()
    if actor is None or not actor.can(access.UPLOAD):
        st.info("There is no survey data to show yet. An evaluator has to upload it first.")
        return
    st.info(
        "There is no survey data yet. Upload a survey export on the **Upload** page, "
        "or load the built-in sample data to look around."
    )
    if st.button("Load the sample data", key="load_sample"):
        run_safely(lambda: access.load_sample(current_actor(), _database(db_path())))
        data_changed()
        st.rerun()


def page(title: str, *, wave_range: bool = False, weighting: bool = False) -> View:
    """The common start of a page with filters: title, sidebar filters, share hint.

    When nothing is stored yet it shows the empty state and stops the page."""
    inside_app()
    st.title(title)
    view = filters(wave_range=wave_range)
    if view is not None and weighting:
        view = weighting_choice(view)
    share_hint()
    if view is None:
        empty_state()
        st.stop()
    return view


def partnership_page(title: str) -> str:
    """The start of a page that only needs the partnership (activity, outcomes...)."""
    inside_app()
    st.title(title)
    partnership = partnership_filter()
    share_hint()
    if partnership is None:
        empty_state()
        st.stop()
    return partnership


def share_hint() -> None:
    st.sidebar.caption(
        "The filters are part of the page address, so a link opens this same view: copy it "
        "from the browser, or from **Copy a link to this view** below."
    )


def share_url(view: View | None = None, base: str | None = None) -> str:
    """The address of the current page with its filters, to share this view.

    The view's partnership and wave are always written out, so the link keeps showing
    the same wave after newer waves arrive."""
    params: dict[str, object] = dict(st.query_params.to_dict())
    for key in list(params):
        values = st.query_params.get_all(key)
        params[key] = values if len(values) > 1 else values[0] if values else ""
    view = view or st.session_state.get(LAST_VIEW)
    if view is not None:
        params[KEY_PARTNERSHIP] = view.partnership
        params[KEY_WAVE] = view.wave
        if view.wave_from:
            params[KEY_FROM] = view.wave_from
        if view.partners:
            params[KEY_PARTNERS] = list(view.partners)
    base = base or st.context.url or ""
    query = urlencode({k: v for k, v in params.items() if v is not None}, doseq=True)
    return f"{base}?{query}" if query else base


def share_link() -> None:
    """A copyable link to this view, at the foot of the sidebar (called by app.py)."""
    if st.session_state.get(LAST_VIEW) is None:
        return
    with st.sidebar.expander("Copy a link to this view", icon=":material/link:"):
        st.code(share_url(), language=None, wrap_lines=True)


@st.cache_data(show_spinner=False, max_entries=16)
def _report(path: str, kind: str, partnership: str, wave: str, min_group_size: int) -> bytes:
    from monitor import report

    build = report.pdf_report if kind == "pdf" else report.scores_excel
    return build(_database(path), partnership, wave, min_group_size=min_group_size)


def report_downloads() -> None:
    """The board report (PDF) and the scores (Excel) of the page's partnership and wave,
    in the sidebar (called by app.py). Built only when a button is clicked."""
    view = st.session_state.get(LAST_VIEW)
    if view is None or not view.partnership or not view.wave:
        return
    path, min_n = db_path(), settings().min_group_size
    name = f"{view.partnership} {view.wave}".replace(" ", "-").lower()
    with st.sidebar.expander("Report for the board", icon=":material/print:"):
        st.download_button(
            "Download the PDF report",
            lambda: _report(path, "pdf", view.partnership, view.wave, min_n),
            help=f"{view.partnership}, wave {view.wave}: scorecard, trends, partner gaps.",
            file_name=f"{name}-report.pdf",
            mime="application/pdf",
            icon=":material/download:",
            key="report_pdf",
        )
        st.download_button(
            "Download the scores (Excel)",
            lambda: _report(path, "xlsx", view.partnership, view.wave, min_n),
            file_name=f"{name}-scores.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            icon=":material/download:",
            key="report_xlsx",
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
    actor = current_actor()
    if actor is None or not actor.can(access.UPLOAD):
        try:
            access.require(actor, access.UPLOAD)
        except MonitorError as exc:
            return exc
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
    """Store a checked file, if the user may upload (recorded in the audit list)."""
    actor = current_actor()
    result = run_safely(lambda: access.commit_survey(actor, _database(db_path()), prepared, who))
    data_changed()
    return result


def remove_upload(upload_id: int) -> dict | None:
    """Remove an upload, if the user may (recorded in the audit list)."""
    actor = current_actor()
    removed = run_safely(lambda: access.remove_upload(actor, _database(db_path()), upload_id))
    data_changed()
    return removed


@st.cache_data(show_spinner=False, max_entries=8)
def audit(path: str) -> pd.DataFrame:
    """The audit list of uploads and removals, newest first, as shown on the Upload page."""
    return tables.audit(q.audit_list(_database(path)))


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


# --- activity records, outcomes and several partnerships ---------------------------------


@st.cache_data(show_spinner=False, max_entries=64)
def record_partnerships(path: str) -> list[str]:
    """Partnerships with survey answers, activity records or outcome counts."""
    return q.record_partnerships(_database(path))


def partnership_filter() -> str | None:
    """The sidebar's partnership choice alone (shared with the other pages through the URL);
    None when nothing is stored."""
    options = access.visible(current_actor(), record_partnerships(db_path()))
    if not options:
        return None
    return _pick_partnership(options)


@st.cache_data(show_spinner=False, max_entries=64)
def continuity(path: str, partnership: str | None) -> pd.DataFrame:
    return activity.continuity(_database(path), partnership)


@st.cache_data(show_spinner=False, max_entries=64)
def attendance_by_period(path: str, partnership: str | None) -> pd.DataFrame:
    return activity.attendance_by_period(_database(path), partnership)


@st.cache_data(show_spinner=False, max_entries=64)
def minutes_rate(path: str, partnership: str | None) -> pd.DataFrame:
    return activity.minutes_rate(_database(path), partnership)


@st.cache_data(show_spinner=False, max_entries=64)
def retention(path: str, partnership: str | None) -> pd.DataFrame:
    return activity.retention(_database(path), partnership)


@st.cache_data(show_spinner=False, max_entries=64)
def capacity(path: str, partnership: str | None) -> pd.DataFrame:
    return activity.capacity(_database(path), partnership)


@st.cache_data(show_spinner=False, max_entries=64)
def cost(path: str, partnership: str | None, hourly_cost: float) -> pd.DataFrame:
    return activity.cost(_database(path), partnership, hourly_cost)


@st.cache_data(show_spinner=False, max_entries=64)
def outcome_monthly(path: str, partnership: str | None) -> pd.DataFrame:
    return outcomes.monthly(_database(path), partnership)


@st.cache_data(show_spinner=False, max_entries=64)
def outcome_totals(path: str, partnership: str | None) -> pd.DataFrame:
    return outcomes.monthly_totals(_database(path), partnership)


@st.cache_data(show_spinner=False, max_entries=64)
def outcome_changes(path: str, partnership: str | None) -> pd.DataFrame:
    return outcomes.change_table(_database(path), partnership)


@st.cache_data(show_spinner=False, max_entries=64)
def health(path: str, partnership: str | None, factor: str | None) -> pd.DataFrame:
    return outcomes.health(_database(path), partnership, factor)


@st.cache_data(show_spinner=False, max_entries=16)
def latest_scores(path: str) -> pd.DataFrame:
    """Every visible partnership's factor scores at its latest wave."""
    frame = compare.latest_scores(_database(path))
    if frame.empty:
        return frame
    return frame[frame["partnership"].isin(access.visible(current_actor(), frame["partnership"]))]


@st.cache_data(show_spinner=False)
def records_template(kind: str) -> bytes:
    return records_template_bytes(kind)


def prepare_records_upload(uploaded, kind: str, partnership: str | None):
    """Validate an activity or outcomes file once per session: the prepared file or the error."""
    key = ("prepared", kind, getattr(uploaded, "file_id", uploaded.name), partnership)
    if key not in st.session_state:
        uploaded.seek(0)
        try:
            st.session_state[key] = records.prepare_records(
                _database(db_path()),
                uploaded,
                uploaded.name,
                kind,
                partnership=partnership,
                max_bytes=settings().max_upload_mb * 1_000_000,
            )
        except MonitorError as exc:
            st.session_state[key] = exc
    return st.session_state[key]


def commit_records_upload(prepared, who: str | None = None):
    """Store a checked activity or outcomes file, if the user may upload."""

    def store():
        access.require(current_actor(), access.UPLOAD, prepared.partnerships)
        return records.commit_records(_database(db_path()), prepared, who)

    result = run_safely(store)
    data_changed()
    return result


# --- column mapping of survey platform exports (upload page) ------------------------------


def prepare_mapped_upload(uploaded, wave: str | None, partnership: str | None, mapping, tag: str):
    """Like `prepare_upload`, with a column mapping the evaluator confirmed or chose.

    `tag` names the mapping (a saved name or a digest of the edits), so each choice is
    checked once per session.
    """
    from monitor.ingest.survey import prepare_survey as prepare_with_mapping

    first = prepare_upload(uploaded, wave, partnership)
    if mapping is None or getattr(first, "proposal", None) is None:
        return first
    key = ("prepared", getattr(uploaded, "file_id", uploaded.name), wave, partnership, tag)
    if key not in st.session_state:
        uploaded.seek(0)
        try:
            st.session_state[key] = prepare_with_mapping(
                _database(db_path()),
                uploaded,
                uploaded.name,
                wave=wave,
                partnership=partnership,
                max_bytes=settings().max_upload_mb * 1_000_000,
                mapping=mapping,
                confirmed=True,
            )
        except MonitorError as exc:
            st.session_state[key] = exc
    return st.session_state[key]


def saved_mapping_names() -> list[str]:
    from monitor.store import queries as store_queries

    return store_queries.mapping_names(_database(db_path()))


def load_column_mapping(name: str):
    from monitor.ingest import mapping as column_mapping

    return column_mapping.load_mapping(_database(db_path()), name)


def save_column_mapping(name: str, mapping, who: str | None = None) -> bool:
    """Save a confirmed mapping under `name`; shows the error and returns False if it fails."""
    from monitor.ingest import mapping as column_mapping

    done = run_safely(
        lambda: column_mapping.save_mapping(_database(db_path()), name, mapping, who) or True
    )
    return bool(done)


def mapping_editor(proposal, key: str) -> pd.DataFrame:
    """The proposed mapping as an editable table: the evaluator corrects `maps_to`."""
    from monitor.ingest import mapping as column_mapping

    options = column_mapping.target_options(instrument())
    return st.data_editor(
        proposal.table,
        key=key,
        hide_index=True,
        width="stretch",
        disabled=["column", "question", "how", "example"],
        column_config={
            "column": st.column_config.TextColumn("Column in the file"),
            "question": st.column_config.TextColumn("Question text"),
            "maps_to": st.column_config.SelectboxColumn(
                "Maps to",
                options=options,
                required=True,
                help="A field (respondent_id, partner, role, wave...), an item id, 'date' "
                "(completion date: gives the wave's quarter), 'comment' (free text, kept) "
                "or 'ignore'.",
            ),
            "how": st.column_config.TextColumn("How it was matched"),
            "example": st.column_config.TextColumn("Example value"),
        },
    )


@st.cache_data(show_spinner=False, max_entries=32)
def comments(path: str, view: View, min_group_size: int, by: str) -> pd.DataFrame:
    """Visible comments of the view's partnership and wave (small groups left out)."""
    return q.visible_comments(_database(path), view.partnership, min_group_size, by, view.wave)


# --- pieces shared by the upload pages -------------------------------------------------


def partnership_input(key: str) -> str | None:
    """The partnership for files without a partnership column (default: the only one)."""
    value = st.text_input(
        "Partnership",
        value=default_partnership(),
        placeholder="e.g. Riverside Community Safety Partnership",
        key=key,
        help="Used for files without a partnership column.",
    )
    return value.strip() or None


def show_rejection(file_name: str, error: Exception) -> None:
    """Why a file cannot be imported: every problem in a table, or the one message."""
    if isinstance(error, ValidationError):
        st.error(
            f"**{file_name}** cannot be imported: {error.total} problem(s). "
            "Fix them in the file and upload it again. Nothing was stored."
        )
        table(tables.problems(error))
    else:
        st.error(str(error))
