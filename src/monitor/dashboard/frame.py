"""The frame around the pages: the page registry (menu, headings, who may open what), the
navigation app.py builds from it, the start of every page, and what an empty store shows.

Each page names itself when it starts (`page("overview")`), so the registry decides its
heading and whether the user's role may open it, however the page was reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from monitor import access
from monitor.access import Actor
from monitor.dashboard.auth import access_config, account_box, current_actor, login_screen, may
from monitor.dashboard.filters import (
    filters,
    forget_view,
    partnership_filter,
    share_hint,
    weighting_choice,
)
from monitor.dashboard.session import (
    catch_up,
    data_changed,
    database,
    db_path,
    run_safely,
    show_flash,
    store_at,
)
from monitor.scorecard import View

APP_STARTED = "_app_started"  # session flag: app.py has run in this session


@dataclass(frozen=True)
class PageSpec:
    """One page of the menu. `writes` pages change stored data (uploads, removals) and
    are offered to evaluators and admins only; `admin_only` pages to admins only.
    `heading` is the title at the top of the page (default: its menu title)."""

    path: str
    title: str
    icon: str
    section: str
    writes: bool = False
    admin_only: bool = False
    heading: str = ""

    @property
    def key(self) -> str:
        """How the page names itself: its file name without .py."""
        return Path(self.path).stem

    def allowed(self, actor: Actor | None) -> bool:
        if actor is None:
            return False
        if self.admin_only:
            return actor.can(access.SETTINGS)
        return actor.can(access.UPLOAD) if self.writes else actor.can(access.BROWSE)


# The menu, in order. app.py builds st.navigation from it.
PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "pages/overview.py", "Overview", ":material/dashboard:", "Monitor",
        heading="Partnership health",
    ),
    PageSpec("pages/trends.py", "Trends", ":material/show_chart:", "Monitor"),
    PageSpec("pages/partners.py", "Partners and power", ":material/groups:", "Monitor"),
    PageSpec("pages/quality.py", "Survey quality", ":material/fact_check:", "Monitor"),
    PageSpec("pages/comments.py", "Comments", ":material/forum:", "Monitor"),
    PageSpec("pages/activity.py", "Activity and cost", ":material/event_available:", "Monitor"),
    PageSpec("pages/outcomes.py", "Outcomes", ":material/trending_down:", "Monitor"),
    PageSpec("pages/compare.py", "Compare partnerships", ":material/compare:", "Monitor"),
    PageSpec(
        "pages/upload.py", "Upload", ":material/upload_file:", "Data", writes=True,
        heading="Upload survey data",
    ),
    PageSpec(
        "pages/records.py", "Upload records", ":material/post_add:", "Data", writes=True,
        heading="Upload activity and outcome records",
    ),
    PageSpec("pages/data.py", "Data", ":material/table:", "Data"),
    # For administrators: changes the disclosure rule, bands and warning thresholds.
    PageSpec(
        "pages/settings.py", "Settings", ":material/settings:", "Data", writes=True,
        admin_only=True,
    ),
)  # fmt: skip


def page_spec(key: str, pages: tuple[PageSpec, ...] = PAGES) -> PageSpec:
    """The registered page named `key` (its file name without .py)."""
    for spec in pages:
        if spec.key == key:
            return spec
    raise KeyError(f"No page {key!r} in the page registry (monitor.dashboard.frame.PAGES).")


def navigation(pages: tuple[PageSpec, ...] = PAGES):
    """st.navigation over the `pages` the current user may open, grouped by section; the
    first page is the home page. Pages left out cannot be opened by their address either.
    Returns the selected page, for app.py to run."""
    actor = current_actor()
    pages = tuple(spec for spec in pages if spec.allowed(actor))
    sections: dict[str, list] = {}
    for position, spec in enumerate(pages):
        page = st.Page(spec.path, title=spec.title, icon=spec.icon, default=position == 0)
        sections.setdefault(spec.section, []).append(page)
    return st.navigation(sections)


def start_app() -> None:
    """Called by app.py on every run: work out who the user is (asking them to log in
    when needed), open the database and note the app is running."""
    st.session_state[APP_STARTED] = True
    forget_view()
    config = access_config()
    actor = current_actor(config)
    if actor is None:
        login_screen(config)
        st.stop()
    account_box(config, actor)
    if run_safely(database) is None:
        st.stop()


def inside_app(spec: PageSpec) -> None:
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
    _refuse_without_role(spec)
    catch_up()


def _refuse_without_role(spec: PageSpec) -> None:
    """Stop a page the user's role may not open, however it was reached."""
    actor = current_actor()
    if not spec.allowed(actor):
        role = actor.role if actor else "no login"
        st.error(f"This page is not available with your access ({role}).")
        st.stop()


def empty_state() -> None:
    """What to show when there is no survey data yet."""
    if not may(access.UPLOAD):
        st.info("There is no survey data to show yet. An evaluator has to upload it first.")
        return
    st.info(
        "There is no survey data yet. Upload a survey export on the **Upload** page, "
        "or load the built-in sample data to look around."
    )
    if st.button("Load the sample data", key="load_sample"):
        run_safely(lambda: access.load_sample(current_actor(), store_at(db_path())))
        data_changed()
        st.rerun()


def _start(key: str) -> None:
    spec = page_spec(key)
    inside_app(spec)
    st.title(spec.heading or spec.title)


def page(key: str, *, wave_range: bool = False, weighting: bool = False) -> View:
    """The common start of a page with filters: heading, sidebar filters, share hint;
    returns the view the filters select. `key` names the page in the registry.

    When nothing is stored yet it shows the empty state and stops the page."""
    _start(key)
    view = filters(wave_range=wave_range)
    if view is not None and weighting:
        view = weighting_choice(view)
    share_hint()
    if view is None:
        empty_state()
        st.stop()
    return view


def partnership_page(key: str) -> str:
    """The start of a page that only needs the partnership (activity, outcomes...)."""
    _start(key)
    partnership = partnership_filter()
    share_hint()
    if partnership is None:
        empty_state()
        st.stop()
    return partnership


def plain_page(key: str) -> None:
    """The start of a page without filters (uploads, settings): heading and the success
    messages kept from the run before."""
    _start(key)
    show_flash()
