"""Data: browse and download the combined survey data."""

import streamlit as st

from monitor import dashboard

view = dashboard.page("data", wave_range=True)

if not dashboard.may_read_answers():
    st.info(
        "The raw answers (one row per respondent, with partner and respondent id) are for "
        "evaluators and administrators only. The scores on the other pages and the report "
        "downloads follow the minimum group size, so that no one can be identified."
    )
    st.stop()

preview, total = dashboard.data_preview(view)
st.caption(
    f"{total:,} responses (one row per respondent and wave) of {dashboard.md(view.partnership)}, "
    f"waves {view.wave_from or 'first'} to {view.wave}; answers as stored (1-5, empty = "
    "missing; reverse-worded items are not flipped here)."
)
dashboard.data_downloads(view, total)
if total > len(preview):
    st.caption(f"Showing the first {len(preview):,} rows; the downloads hold all of them.")
st.dataframe(preview, hide_index=True, width="stretch")
