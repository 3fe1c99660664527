"""The "partnership in name only" warning on the dashboard: its section of the Partners
page and its two inputs on the Settings page. The rule and its wording are in
monitor.name_only."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from monitor import name_only
from monitor.dashboard.cached import partner_history
from monitor.dashboard.session import settings
from monitor.dashboard.widgets import table
from monitor.scorecard import View
from monitor.settings import Settings


def name_only_flags(view: View) -> pd.DataFrame:
    """The agencies of the view flagged by the rule, with the thresholds in force."""
    current = settings()
    return name_only.flags(partner_history(view), current.name_only_gap, current.name_only_waves)


def name_only_section(view: View) -> None:
    """The Partners page's section: what the rule looks for, whether the wave shown could
    be checked, and whom it flags (with flags standing from earlier waves)."""
    current = settings()
    st.subheader(name_only.HEADING)
    st.caption(name_only.explanation(current.name_only_gap, current.name_only_waves))
    check = name_only.wave_check(partner_history(view))
    note = name_only.unchecked_note(check, current.min_group_size)
    if note:
        st.info(note)
    flags = name_only_flags(view)
    if flags.empty:
        if check.status == name_only.CHECKED:
            st.success(name_only.NONE_FLAGGED)
        else:
            st.info(name_only.NONE_STANDING)
        return
    for sentence in name_only.warnings(flags):
        st.warning(sentence)
    table(name_only.table(flags))


def name_only_settings(current: Settings) -> dict[str, object]:
    """The rule's two thresholds as inputs (inside the Settings form), by setting name."""
    gap = st.number_input(
        name_only.GAP_LABEL,
        min_value=name_only.GAP_MIN,
        max_value=name_only.GAP_MAX,
        step=name_only.GAP_STEP,
        value=float(current.name_only_gap),
    )
    waves = st.number_input(
        name_only.WAVES_LABEL,
        min_value=name_only.WAVES_MIN,
        max_value=name_only.WAVES_MAX,
        value=current.name_only_waves,
    )
    return {"name_only_gap": float(gap), "name_only_waves": int(waves)}
