"""The dashboard: the only package of monitor that imports Streamlit.

It caches at the edge (one database handle per store, query results until the data change),
keeps the shared filters in the page address, turns library errors into messages, and
holds the page registry app.py builds its navigation from. Pages import this package
(with monitor.charts and monitor.tables) and draw; they hold no queries or reshaping.

    session   the store, settings, catching up, messages
    auth      secrets, login, accounts, the current actor
    filters   sidebar filters kept in the address, weighting, the link to share
    frame     page registry, navigation, the start of each page, empty states
    cached    the cached readers
    uploads   check, confirm and remove uploads; the column-mapping step
    widgets   tables, charts and downloads
    name_only the "partnership in name only" section and settings
"""

from monitor.activity import DEFAULT_HOURLY_COST
from monitor.dashboard.auth import access_config, current_actor, may_read_answers
from monitor.dashboard.cached import (
    agency_response_rates,
    attendance_by_period,
    band_counts,
    capacity,
    comments,
    continuity,
    cost,
    data_preview,
    health,
    hidden_comments,
    hidden_partners,
    item_quality,
    latest_scores,
    low_reliability,
    minutes_rate,
    needs_attention,
    often_missing,
    outcome_changes,
    outcome_monthly,
    outcome_totals,
    partner_gaps,
    partner_matrix,
    placement,
    power_index,
    reliability,
    representative_changes,
    respondents,
    responses_by_partner,
    retention,
    scorecard_table,
    side_by_side,
    trend_scores,
    voice,
    waves_compared,
)
from monitor.dashboard.filters import WEIGHTING_LABELS, share_link, share_url
from monitor.dashboard.frame import (
    PAGES,
    PageSpec,
    empty_state,
    navigation,
    page,
    partnership_page,
    plain_page,
    start_app,
)
from monitor.dashboard.invited import invited_section, response_rate_section
from monitor.dashboard.name_only import name_only_section, name_only_settings
from monitor.dashboard.session import (
    bands,
    flash,
    instrument,
    run_page,
    save_settings,
    settings,
    stored_settings,
)
from monitor.dashboard.uploads import (
    import_records,
    import_surveys,
    partnership_choice,
    partnership_input,
    partnership_template_download,
    upload_history,
    upload_round,
)
from monitor.dashboard.widgets import (
    chart,
    chart_grid,
    data_downloads,
    report_downloads,
    table,
    template_download,
)
from monitor.outcomes import CAUTION as OUTCOMES_CAUTION
from monitor.quality import ALPHA_MIN_N, MISSING_HIGH
from monitor.scorecard import change_note
from monitor.settings import EDITABLE as EDITABLE_SETTINGS
from monitor.untrusted import markdown_text as md  # text from files, inside formatted text
from monitor.wording import plural

__all__ = [
    "ALPHA_MIN_N", "change_note",
    "DEFAULT_HOURLY_COST", "EDITABLE_SETTINGS", "MISSING_HIGH", "OUTCOMES_CAUTION", "PAGES",
    "WEIGHTING_LABELS", "PageSpec", "access_config",
    "agency_response_rates", "attendance_by_period", "band_counts", "bands",
    "capacity", "chart", "chart_grid", "comments", "continuity", "cost", "current_actor",
    "data_downloads", "data_preview", "empty_state", "flash", "health", "hidden_comments",
    "hidden_partners", "import_records",
    "invited_section", "import_surveys", "instrument", "item_quality",
    "latest_scores", "low_reliability", "may_read_answers", "md", "minutes_rate",
    "name_only_section", "name_only_settings", "navigation",
    "needs_attention", "often_missing", "outcome_changes", "outcome_monthly",
    "outcome_totals", "page", "partner_gaps", "partner_matrix", "partnership_choice",
    "partnership_input", "partnership_template_download",
    "partnership_page", "placement", "plural", "plain_page", "power_index", "reliability",
    "report_downloads", "representative_changes",
    "response_rate_section", "respondents", "responses_by_partner",
    "retention", "run_page", "save_settings", "scorecard_table", "settings", "share_link",
    "share_url", "side_by_side", "start_app", "stored_settings", "table", "template_download",
    "trend_scores", "upload_history", "upload_round", "voice", "waves_compared",
]  # fmt: skip
