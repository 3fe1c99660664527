"""Upload records: meetings and activities (continuity, capacity, cost) and crime outcomes."""

import streamlit as st

from monitor import dashboard

dashboard.plain_page("records")

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
dashboard.template_download(kind)
who = st.text_input("Your name", key="records_who").strip()
partnership = dashboard.partnership_input("records_partnership")
files = st.file_uploader(
    "Files",
    type=["xlsx", "xls", "csv"],
    accept_multiple_files=True,
    key=f"records_files_{kind}_{dashboard.upload_round()}",
)
dashboard.import_records(files, kind, partnership, who or None)

st.caption("Past uploads of every kind, and their removal, are on the **Upload** page.")
