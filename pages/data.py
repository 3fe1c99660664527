"""Data: browse and download the combined survey data."""

import streamlit as st

from monitor import export, ui

ui.inside_app()
st.title("Data")
view = ui.filters(wave_range=True)
ui.share_hint()
if view is None:
    ui.empty_state()
    st.stop()

data = ui.combined_data(ui.db_path(), view)
st.caption(
    f"{len(data)} responses (one row per respondent and wave) of {view.partnership}, "
    f"waves {view.wave_from or 'first'} to {view.wave}; answers as stored (1-5, empty = "
    "missing; reverse-worded items are not flipped here)."
)
left, right, _ = st.columns([1, 1, 3])
left.download_button(
    "Download CSV",
    lambda: export.to_csv_bytes(data),
    file_name="partnership-monitor-data.csv",
    mime="text/csv",
    icon=":material/download:",
)
right.download_button(
    "Download Excel",
    lambda: export.to_excel_bytes(data),
    file_name="partnership-monitor-data.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
)
if len(data) > ui.PREVIEW_ROWS:
    st.caption(f"Showing the first {ui.PREVIEW_ROWS:,} rows; the downloads hold all of them.")
st.dataframe(data.head(ui.PREVIEW_ROWS), hide_index=True, width="stretch")
