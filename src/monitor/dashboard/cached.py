"""The cached readers: what the pages show, read from the current store and kept until
the data or the settings change (`session.data_changed`).

Each public reader finds the store itself and calls a cached function keyed by the
store's path and its arguments, so pages never pass a path, and results of one store are
never shown for another. Settings a result depends on are passed as arguments too.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from monitor import (
    access,
    activity,
    compare,
    disclosure,
    export,
    outcomes,
    partners,
    power,
    quality,
    response_rates,
    scorecard,
)
from monitor import scores as factor_scores
from monitor.access import Actor
from monitor.dashboard.auth import current_actor, visible
from monitor.dashboard.session import db_path, instrument, settings, store_at
from monitor.scorecard import View
from monitor.store import lookups, responses
from monitor.store.uploads import audit_list, list_uploads

PREVIEW_ROWS = 1000  # rows of raw data sent to the browser in a table

_small, _medium, _large = (
    st.cache_data(show_spinner=False, max_entries=n) for n in (16, 64, 128)
)  # how many results each reader keeps


# --- what is stored ------------------------------------------------------------------------


def partnerships() -> list[str]:
    """Partnerships with survey answers."""
    return _partnerships(db_path())


@_medium
def _partnerships(path: str) -> list[str]:
    return lookups.partnerships(store_at(path))


def record_partnerships() -> list[str]:
    """Partnerships with survey answers, activity records or outcome counts."""
    return _record_partnerships(db_path())


@_medium
def _record_partnerships(path: str) -> list[str]:
    return lookups.record_partnerships(store_at(path))


def waves(partnership: str | None) -> list[str]:
    """Waves of a partnership, oldest first."""
    return _waves(db_path(), partnership)


@_medium
def _waves(path: str, partnership: str | None) -> list[str]:
    return scorecard.wave_list(store_at(path), partnership)


def partner_names(partnership: str | None) -> list[str]:
    """Partner agencies of a partnership."""
    return _partner_names(db_path(), partnership)


@_medium
def _partner_names(path: str, partnership: str | None) -> list[str]:
    return lookups.partners(store_at(path), partnership)


def uploads() -> pd.DataFrame:
    """Past uploads of every kind, of the partnerships the user may see (filtered outside
    the cache, which every user shares)."""
    return access.visible_uploads(current_actor(), _uploads(db_path()))


@_small
def _uploads(path: str) -> pd.DataFrame:
    return list_uploads(store_at(path))


def audit() -> pd.DataFrame:
    """Every write (uploads, removals, settings, saved mappings), newest first, as the
    user may see it (filtered outside the cache)."""
    path = db_path()
    return access.visible_audit(current_actor(), _audit(path), _uploads(path)["partnership"])


@_small
def _audit(path: str) -> pd.DataFrame:
    return audit_list(store_at(path))


# --- survey scores -------------------------------------------------------------------------


def scorecard_table(view: View) -> pd.DataFrame:
    """The view's scorecard: one row per factor (see monitor.scorecard.scorecard)."""
    return _scorecard(db_path(), view, settings().min_group_size)


@_large
def _scorecard(path: str, view: View, min_n: int) -> pd.DataFrame:
    return scorecard.scorecard(store_at(path), view, instrument(), min_group_size=min_n)


def wave_scores(view: View) -> pd.DataFrame:
    """The factor scores of the view's wave alone (see monitor.scorecard.wave_scores)."""
    return _wave_scores(db_path(), view, settings().min_group_size)


@_large
def _wave_scores(path: str, view: View, min_n: int) -> pd.DataFrame:
    return scorecard.wave_scores(store_at(path), view, instrument(), min_group_size=min_n)


def needs_attention(view: View) -> pd.DataFrame:
    """Factors of the view's scorecard in the concern band or clearly fallen."""
    return scorecard.needs_attention(scorecard_table(view))


def band_counts(view: View) -> dict[str, int]:
    """How many factors of the view's scorecard are in each band (by band key)."""
    return scorecard_table(view)["band"].value_counts().to_dict()


def respondents(view: View) -> int:
    """How many people answered in the view's wave."""
    return int(responses_by_partner(view)["respondents"].sum())


def responses_by_partner(view: View) -> pd.DataFrame:
    """Respondents per partner in the view's wave."""
    return _responses_by_partner(db_path(), view)


@_large
def _responses_by_partner(path: str, view: View) -> pd.DataFrame:
    return scorecard.responses_by_partner(store_at(path), view)


def agency_response_rates(view: View) -> pd.DataFrame:
    """Respondents, people invited and the response rate per agency in the view's wave
    (empty when no count is recorded), flagged below the setting min_response_rate."""
    return _response_rates(db_path(), view, settings().min_response_rate)


@_large
def _response_rates(path: str, view: View, min_rate: float) -> pd.DataFrame:
    return response_rates.response_rates(
        store_at(path), view.partnership, view.wave, view.partners, min_rate
    )


def invited_entry(partnership: str, wave: str) -> pd.DataFrame:
    """Every agency of the partnership with its respondents in `wave` and the people
    invited as recorded (missing: none yet)."""
    return _invited_entry(db_path(), partnership, wave)


@_medium
def _invited_entry(path: str, partnership: str, wave: str) -> pd.DataFrame:
    return response_rates.entry(store_at(path), partnership, wave)


def trend_scores(view: View, factors: list[str] | None = None) -> pd.DataFrame:
    """Factor scores of every wave of the view's range (only `factors`, when given)."""
    trend = _trend_scores(db_path(), view)
    return trend if factors is None else trend[trend["factor"].isin(factors)]


@_large
def _trend_scores(path: str, view: View) -> pd.DataFrame:
    db = store_at(path)
    where = view.score_filter(db)
    return factor_scores.factor_scores(
        db, where=where, instrument=instrument(), weighting=view.weighting
    )


# --- partners and power --------------------------------------------------------------------


def partner_matrix(view: View) -> pd.DataFrame:
    """Scores per partner and factor for the view's wave (small groups hidden)."""
    return _partner_matrix(db_path(), view, settings().min_group_size)


@_large
def _partner_matrix(path: str, view: View, min_n: int) -> pd.DataFrame:
    return partners.partner_matrix(store_at(path), view, min_n, instrument())


def hidden_partners(view: View) -> tuple[list[str], list[str]]:
    """Partners hidden as too small, and partners hidden to protect them."""
    return partners.hidden_partners(partner_matrix(view))


def partner_gaps(view: View) -> pd.DataFrame:
    """Per factor, the lowest- and highest-scoring partner."""
    return partners.partner_gaps(partner_matrix(view))


def voice(view: View) -> pd.DataFrame:
    """Partners' scores on the voice factors against the partnership's."""
    return partners.voice(partner_matrix(view), wave_scores(view))


def power_index(view: View, factors: list[str] | None = None) -> pd.DataFrame:
    """The spread of partner means per wave and factor (only `factors`, when given)."""
    index = _power_index(db_path(), view, settings().min_group_size)
    return index if factors is None else index[index["factor"].isin(factors)]


@_medium
def _power_index(path: str, view: View, min_n: int) -> pd.DataFrame:
    return power.power_index(store_at(path), view, min_n)


def partner_history(view: View) -> pd.DataFrame:
    """Partner scores of every wave up to the view's, against the partnership's."""
    return _partner_history(db_path(), view, settings().min_group_size)


@_medium
def _partner_history(path: str, view: View, min_n: int) -> pd.DataFrame:
    return power.partner_history(store_at(path), view, min_n, instrument())


# --- survey quality and comments -----------------------------------------------------------


def reliability(view: View) -> pd.DataFrame:
    """Cronbach's alpha per wave and factor, with `low` by the setting alpha_low."""
    return _reliability(db_path(), view, settings().alpha_low)


@_medium
def _reliability(path: str, view: View, alpha_low: float) -> pd.DataFrame:
    return quality.reliability(store_at(path), view, alpha_low)


def low_reliability(view: View) -> pd.DataFrame:
    """The factor-wave scores of the view whose reliability is low (the whole 95%
    interval of alpha below alpha_low)."""
    alpha = reliability(view)
    return alpha[alpha["low"]]


def item_quality(view: View) -> pd.DataFrame:
    """Answers and the share missing per wave and item."""
    return _item_quality(db_path(), view)


@_medium
def _item_quality(path: str, view: View) -> pd.DataFrame:
    return quality.item_quality(store_at(path), view)


def often_missing(view: View) -> pd.DataFrame:
    """The waves and items of the view where an item was left unanswered too often."""
    items = item_quality(view)
    return items[items["high_missing"]]


def comments(view: View, by: str) -> pd.DataFrame:
    """Visible comments of the view's wave, grouped `by` partner or role."""
    return _comments(db_path(), view, settings().comment_min_group_size, by)


@st.cache_data(show_spinner=False, max_entries=32)
def _comments(path: str, view: View, min_n: int, by: str) -> pd.DataFrame:
    return disclosure.visible_comments(store_at(path), view.partnership, by, view.wave, min_n)


def hidden_comments(view: View, by: str) -> tuple[int, int]:
    """How many comments of the view's wave are hidden (small groups), in how many groups."""
    return _hidden_comments(db_path(), view, settings().comment_min_group_size, by)


@st.cache_data(show_spinner=False, max_entries=32)
def _hidden_comments(path: str, view: View, min_n: int, by: str) -> tuple[int, int]:
    return responses.hidden_comments(store_at(path), view.partnership, min_n, by, view.wave)


def data_preview(view: View) -> tuple[pd.DataFrame, int]:
    """The first PREVIEW_ROWS rows of the combined data, and how many rows it has (raw
    answers: the library refuses users who may not read them)."""
    return _data_preview(db_path(), view, current_actor())


@st.cache_data(show_spinner=False, max_entries=32)
def _data_preview(path: str, view: View, actor: Actor | None) -> tuple[pd.DataFrame, int]:
    db = store_at(path)
    preview = export.combined_data(db, view, actor, limit=PREVIEW_ROWS)
    return preview, export.response_count(db, view)


# --- activity records ----------------------------------------------------------------------


def continuity(partnership: str) -> pd.DataFrame:
    """Share of meetings each partner attended, and changes of representative."""
    return _continuity(db_path(), partnership)


@_medium
def _continuity(path: str, partnership: str) -> pd.DataFrame:
    return activity.continuity(store_at(path), partnership)


def representative_changes(partnership: str) -> pd.DataFrame:
    """Partners whose representative changed between the meetings they attended."""
    frame = continuity(partnership)
    return frame[frame["changes"] > 0]


def attendance_by_period(partnership: str) -> pd.DataFrame:
    """Meetings attended per partner and quarter."""
    return _attendance_by_period(db_path(), partnership)


@_medium
def _attendance_by_period(path: str, partnership: str) -> pd.DataFrame:
    return activity.attendance_by_period(store_at(path), partnership)


def minutes_rate(partnership: str) -> pd.DataFrame:
    """Meetings with minutes recorded, per period."""
    return _minutes_rate(db_path(), partnership)


@_medium
def _minutes_rate(path: str, partnership: str) -> pd.DataFrame:
    return activity.minutes_rate(store_at(path), partnership)


def retention(partnership: str) -> pd.DataFrame:
    """Survey respondents retained from the previous wave."""
    return _retention(db_path(), partnership)


@_medium
def _retention(path: str, partnership: str) -> pd.DataFrame:
    return activity.retention(store_at(path), partnership)


def capacity(partnership: str) -> pd.DataFrame:
    """Staff hours, resources and information sharing per partner and quarter."""
    return _capacity(db_path(), partnership)


@_medium
def _capacity(path: str, partnership: str) -> pd.DataFrame:
    return activity.capacity(store_at(path), partnership)


def cost(partnership: str, hourly_cost: float) -> pd.DataFrame:
    """What running the partnership cost per quarter at `hourly_cost` per staff hour."""
    return _cost(db_path(), partnership, hourly_cost)


@_medium
def _cost(path: str, partnership: str, hourly_cost: float) -> pd.DataFrame:
    return activity.cost(store_at(path), partnership, hourly_cost)


# --- outcomes ------------------------------------------------------------------------------


def outcome_monthly(partnership: str) -> pd.DataFrame:
    """Outcome counts per month and category."""
    return _outcome_monthly(db_path(), partnership)


@_medium
def _outcome_monthly(path: str, partnership: str) -> pd.DataFrame:
    return outcomes.monthly(store_at(path), partnership)


def outcome_totals(partnership: str) -> pd.DataFrame:
    """Outcome counts per month, all categories together."""
    return _outcome_totals(db_path(), partnership)


@_medium
def _outcome_totals(path: str, partnership: str) -> pd.DataFrame:
    return outcomes.monthly_totals(store_at(path), partnership)


def outcome_changes(partnership: str) -> outcomes.PeriodComparison:
    """Outcome counts of two equal, non-overlapping periods, per category."""
    return _outcome_changes(db_path(), partnership)


@_medium
def _outcome_changes(path: str, partnership: str) -> outcomes.PeriodComparison:
    return outcomes.change_table(store_at(path), partnership)


def health(partnership: str, factor: str | None) -> pd.DataFrame:
    """The partnership's score on `factor` (None: the mean of all) over time."""
    return _health(db_path(), partnership, factor)


@_medium
def _health(path: str, partnership: str, factor: str | None) -> pd.DataFrame:
    return outcomes.health(store_at(path), partnership, factor)


# --- several partnerships ------------------------------------------------------------------


def latest_scores() -> pd.DataFrame:
    """The factor scores of every partnership the user may see, at its latest wave."""
    frame = _latest_scores(db_path())
    if frame.empty:
        return frame
    return frame[frame["partnership"].isin(visible(frame["partnership"].unique().tolist()))]


@_small
def _latest_scores(path: str) -> pd.DataFrame:
    return compare.latest_scores(store_at(path))


def waves_compared() -> dict[str, str]:
    """The wave each visible partnership's latest scores come from."""
    return compare.waves_compared(latest_scores())


def side_by_side() -> pd.DataFrame:
    """One row per factor, one column per visible partnership."""
    return compare.side_by_side(latest_scores())


def placement(partnership: str) -> pd.DataFrame:
    """Where `partnership` stands on each factor among the visible partnerships."""
    return compare.placement(latest_scores(), partnership)
