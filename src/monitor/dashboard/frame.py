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
from monitor.dashboard.auth import (
    access_config,
    account_box,
    current_actor,
    login_offer,
    login_screen,
    may,
)
from monitor.dashboard.filters import (
    arrive,
    filters,
    forget_view,
    partnership_filter,
    share_hint,
    weighting_choice,
)
from monitor.dashboard.landing import keep_linked_page, take_linked_page
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


def _stand_in(spec: PageSpec):
    """What a page the user's role may not open shows at its address: the role it
    needs, and a way to log in."""

    def needs_role() -> None:
        config = access_config()
        account_box(config, current_actor(config))
        st.title(spec.heading or spec.title)
        refuse(spec)

    needs_role.__name__ = f"needs_role_{spec.key}"
    return needs_role


def _menu_page(spec: PageSpec, actor: Actor | None, default: bool):
    """The page in st.navigation: the page itself when the user may open it (or has
    to log in first: the page then shows the login screen), else a stand-in at its
    address, left out of the menu."""
    if actor is None or spec.allowed(actor):
        return st.Page(spec.path, title=spec.title, icon=spec.icon, default=default)
    return st.Page(
        _stand_in(spec),
        title=spec.title,
        icon=spec.icon,
        url_path=spec.key,
        default=default,
        visibility="hidden",
    )


def navigation(pages: tuple[PageSpec, ...] = PAGES):
    """st.navigation over the registered pages, grouped by section; the first page is
    the home page. Pages the current user may not open are left out of the menu, and
    their address shows what role they need instead of the page; before a login there
    is no menu. Returns the selected page, for app.py to run. After an OpenID Connect
    login, opens the page and filters of the link followed (monitor.dashboard.landing)."""
    actor = current_actor()
    sections: dict[str, list] = {}
    by_key = {}
    for position, spec in enumerate(pages):
        by_key[spec.key] = _menu_page(spec, actor, default=position == 0)
        sections.setdefault(spec.section, []).append(by_key[spec.key])
    selected = st.navigation(sections, position="hidden" if actor is None else "sidebar")
    if actor is not None and access_config().oidc:
        target = take_linked_page()
        if target is not None and target.page in by_key:
            st.switch_page(by_key[target.page], query_params=target.params)
    return selected


def start_app() -> None:
    """Called by app.py on every run: note the app is running. The page run then works
    out who the user is (see `inside_app`): someone who has to log in first gets the
    login screen from the page they opened, so the address keeps that page and its
    filters, and after a password login the page runs as linked."""
    st.session_state[APP_STARTED] = True
    forget_view()


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
    if run_safely(database) is None:  # after a login, this run is the first to open it
        st.stop()
    catch_up()


def _refuse_without_role(spec: PageSpec) -> None:
    """Stop a page the user's role may not open, however it was reached (someone not
    logged in gets the login screen, on this page)."""
    config = access_config()
    actor = current_actor(config)
    if actor is None:
        if config.oidc:
            keep_linked_page(spec.key)
        login_screen(config)
        st.stop()
    account_box(config, actor)
    if not spec.allowed(actor):
        refuse(spec)
        st.stop()


def needed_role(spec: PageSpec) -> str:
    """Who may open the page, in words."""
    if spec.admin_only:
        return "administrators"
    return "evaluators and administrators" if spec.writes else "everyone who is logged in"


def refuse(spec: PageSpec) -> None:
    """Say that the user's role may not open the page, what role it needs, and offer
    to log in (as someone else)."""
    config = access_config()
    actor = current_actor(config)
    role = actor.role if actor else "no login"
    st.error(
        f"This page is not available with your access ({role}): the {spec.title} page "
        f"is for {needed_role(spec)}.",
        icon=":material/lock:",
    )
    login_offer(config, actor, key=f"refused_{spec.key}")


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
    arrive(key, spec.path)
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
