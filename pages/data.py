"""Data: browse and download the combined survey data."""

import streamlit as st

from monitor import ui

view = ui.page("Data", wave_range=True)

path = ui.db_path()
preview, total = ui.data_preview(path, view)
st.caption(
    f"{total:,} responses (one row per respondent and wave) of {view.partnership}, "
    f"waves {view.wave_from or 'first'} to {view.wave}; answers as stored (1-5, empty = "
    "missing; reverse-worded items are not flipped here)."
)
left, right, _ = st.columns([1, 1, 3])
left.download_button(
    "Download CSV",
    ui.download(path, view, "csv"),
    file_name="partnership-monitor-data.csv",
    mime="text/csv",
    icon=":material/download:",
)
right.download_button(
    "Download Excel",
    ui.download(path, view, "xlsx"),
    file_name="partnership-monitor-data.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
)
if total > len(preview):
    st.caption(f"Showing the first {len(preview):,} rows; the downloads hold all of them.")
st.dataframe(preview, hide_index=True, width="stretch")
