"""The shared filters: the sidebar's partnership, waves, partners and weighting, kept in
the page address (so a link opens the same view), and the link to copy.

A click in the menu opens the next page with a bare address. The filters chosen on the
pages before are remembered in the session, and the page is opened again with them in
its address, so the view stays the same from page to page."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from urllib.parse import urlencode

import streamlit as st
from streamlit.errors import StreamlitAPIException

from monitor.dashboard.auth import visible
from monitor.dashboard.cached import partner_names, partnerships, record_partnerships, waves
from monitor.scorecard import View
from monitor.untrusted import markdown_text as md

# Query-parameter keys of the shared filters (they appear in shared links).
KEY_PARTNERSHIP, KEY_WAVE, KEY_FROM, KEY_PARTNERS = "partnership", "wave", "from", "partners"
KEY_WEIGHTING = "weighting"
FILTER_KEYS = (KEY_PARTNERSHIP, KEY_WAVE, KEY_FROM, KEY_PARTNERS, KEY_WEIGHTING)
LAST_VIEW = "_last_view"  # session: the view the page's filters selected in this run
REMEMBERED = "_filters"  # session: the last value of each shared filter, by key
ON_PAGE = "_filters_page"  # session: the page drawn in the last run
SHOWN_PARTNERSHIP = "_filters_partnership"  # session: the partnership of the last view

FITS_IN_SIDEBAR = 28  # characters of a partnership name the sidebar's drop-down shows

WEIGHTING_LABELS = {"person": "One person, one vote", "agency": "One agency, one vote"}


def arrive(spec_key: str, path: str) -> None:
    """Called as every page starts. A click in the menu opens a page with a bare address:
    then open it again with the filters remembered from the pages before, so the view
    stays the same and the address names it. A link with filters of its own is left as
    it is (its filters win)."""
    arrived = st.session_state.get(ON_PAGE) != spec_key
    st.session_state[ON_PAGE] = spec_key
    remembered = {k: v for k, v in st.session_state.get(REMEMBERED, {}).items() if v}
    if arrived and remembered and not set(FILTER_KEYS) & set(st.query_params):
        # Streamlit refuses while the page before still holds the filters' address
        # (a page run on its own, outside the menu): the page then opens as linked.
        with contextlib.suppress(StreamlitAPIException):
            st.switch_page(path, query_params=remembered)


def _remember(key: str, value: object) -> object:
    st.session_state.setdefault(REMEMBERED, {})[key] = value
    return value


def _switched(partnership: str) -> bool:
    """Whether the user switched to `partnership` since the last page with the filters."""
    before = st.session_state.get(SHOWN_PARTNERSHIP)
    st.session_state[SHOWN_PARTNERSHIP] = partnership
    return before is not None and before != partnership


def _pick_partnership(options: list[str]) -> str | None:
    if len(options) == 1:
        st.sidebar.markdown(f"**Partnership**  \n{md(options[0])}")
        chosen = options[0]
    else:
        chosen = st.sidebar.selectbox(
            "Partnership", options, key=KEY_PARTNERSHIP, bind="query-params"
        )
        if len(chosen) > FITS_IN_SIDEBAR:  # the drop-down cuts it: the whole name, as text
            st.sidebar.text(chosen)
        _remember(KEY_PARTNERSHIP, chosen)
    return chosen


def _pick_waves(
    partnership: str, wave_range: bool, switched: bool
) -> tuple[str | None, str | None]:
    """The sidebar's wave (or range of waves): (from, to). A partnership the user just
    switched to opens on its latest wave, unless an earlier wave was chosen that it
    has too."""
    options = waves(partnership)
    latest_before = st.session_state.get(REMEMBERED, {}).get(KEY_WAVE) is None
    if switched and options and (latest_before or st.session_state.get(KEY_WAVE) not in options):
        st.session_state[KEY_WAVE] = options[-1]
    wave_from = None
    if wave_range and len(options) > 1:
        wave_from = st.sidebar.selectbox(
            "From wave", options, index=0, key=KEY_FROM, bind="query-params"
        )
        _remember(KEY_FROM, wave_from)
    wave = st.sidebar.selectbox(
        "To wave" if wave_range else "Wave",
        options,
        index=len(options) - 1,
        key=KEY_WAVE,
        bind="query-params",
    )
    # The latest wave is remembered as "the latest", so that a newly imported wave is
    # the one shown next; an earlier wave the user chose stays chosen.
    _remember(KEY_WAVE, None if options and wave == options[-1] else wave)
    return wave_from, wave


def filters(*, wave_range: bool = False) -> View | None:
    """Draw the sidebar filters and return the view they select (None when no data)."""
    options = visible(partnerships())
    if not options:
        return None
    partnership = _pick_partnership(options)
    switched = _switched(partnership)
    wave_from, wave = _pick_waves(partnership, wave_range, switched)
    agencies = partner_names(partnership)
    if switched:  # keep the agencies chosen that this partnership has too
        kept = [a for a in st.session_state.get(KEY_PARTNERS) or [] if a in agencies]
        st.session_state[KEY_PARTNERS] = kept
    chosen = st.sidebar.multiselect(
        "Partners",
        agencies,
        key=KEY_PARTNERS,
        bind="query-params",
        placeholder="All partners",
        help="Leave empty to include every partner agency.",
    )
    _remember(KEY_PARTNERS, list(chosen))
    view = View(partnership, wave, tuple(chosen) or None, wave_from)
    st.session_state[LAST_VIEW] = view
    return view


def partnership_filter() -> str | None:
    """The sidebar's partnership choice alone (shared with the other pages through the URL);
    None when nothing is stored."""
    options = visible(record_partnerships())
    if not options:
        return None
    return _pick_partnership(options)


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
    _remember(KEY_WEIGHTING, chosen)
    return replace(view, weighting=chosen or "person")


def last_view() -> View | None:
    """The view the page's filters selected in this run (None on pages without them)."""
    return st.session_state.get(LAST_VIEW)


def forget_view() -> None:
    """Start a run without a view (the page sets it again when it has filters)."""
    st.session_state.pop(LAST_VIEW, None)


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
    view = view or last_view()
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
    if last_view() is None:
        return
    with st.sidebar.expander("Copy a link to this view", icon=":material/link:"):
        st.code(share_url(), language=None, wrap_lines=True)
