"""Upload: evaluators add each wave's survey export, check it, and confirm the import;
they also record how many people each agency invited (for the response rates)."""

import streamlit as st

from monitor import dashboard

dashboard.plain_page("upload")

st.markdown(
    "Upload the survey export of a wave as Excel (.xlsx, .xls) or CSV. Each file is checked "
    "first; nothing is stored until you confirm, and a file with problems is not stored at all."
)
partnership = dashboard.partnership_choice("upload_partnership")
dashboard.partnership_template_download(partnership)
with st.expander("Plain template (no partnership filled in)"):
    dashboard.template_download()

who = st.text_input(
    "Your name", key="upload_who", help="Recorded with the upload, in the list of past uploads."
).strip()
wave = (
    st.text_input(
        "Wave of files without a wave column",
        placeholder="e.g. 2025-Q3",
        key="upload_wave",
        help="Files with a wave column (such as the template) use their own.",
    ).strip()
    or None
)

files = st.file_uploader(
    "Survey files",
    type=["xlsx", "xls", "csv"],
    accept_multiple_files=True,
    key=f"upload_files_{dashboard.upload_round()}",
)
dashboard.import_surveys(files, wave, partnership, who or None)

dashboard.upload_history()
dashboard.invited_section(partnership, who or None)
