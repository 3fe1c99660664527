"""Upload records: meetings and activities (continuity, capacity, cost) and crime outcomes."""

import streamlit as st

from monitor import ui

ui.inside_app()
st.title("Upload activity and outcome records")
ui.show_flash()

KINDS = {
    "activity": "Activity records (meetings and activities)",
    "outcomes": "Outcome counts (crime and disorder by month)",
}
kind = st.radio("What are you uploading?", list(KINDS), format_func=KINDS.get, key="records_kind")
if kind == "activity":
    st.markdown(
        "One row per partner agency at each meeting or activity: date, partner, "
        "representative, attended (yes/no), role, minutes recorded, staff hours, resources "
        "and information-sharing actions."
    )
else:
    st.markdown(
        "Crime and disorder counts by month and category: police open data as downloaded "
        "(one row per incident), one row per month and category with a count, or a wide "
        "table with one column per month."
    )
st.download_button(
    "Download the Excel template",
    ui.records_template(kind),
    file_name=f"partnership-{kind}-template.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
    key=f"records_template_{kind}",
)
who = st.text_input("Your name", key="records_who").strip()
partnership = ui.partnership_input("records_partnership")
files = st.file_uploader(
    "Files",
    type=["xlsx", "xls", "csv"],
    accept_multiple_files=True,
    key=f"records_files_{kind}_{ui.upload_round()}",
)

ready = []
for uploaded in files or []:
    with st.spinner(f"Checking {uploaded.name}..."):
        checked = ui.prepare_records_upload(uploaded, kind, partnership)
    with st.container(border=True):
        if isinstance(checked, Exception):
            ui.show_rejection(uploaded.name, checked)
        else:
            ready.append(checked)
            st.success(f"**{uploaded.name}**: {checked.describe()}.")
            for note in checked.warnings:
                st.caption(note)
            st.dataframe(checked.preview(10), hide_index=True, width="stretch")

if ready and st.button(f"Import {len(ready)} checked file(s)", type="primary", key="records_go"):
    imported = 0
    for prepared in ready:
        result = ui.commit_records_upload(prepared, who or None)
        if result:
            imported += 1
            ui.flash(result.summary())
    if imported == len(ready):
        ui.finish_import()

st.caption("Past uploads of every kind, and their removal, are on the **Upload** page.")
