"""Upload: evaluators add each wave's survey export, check it, and confirm the import."""

import streamlit as st

from monitor import tables, ui

ui.inside_app()
st.title("Upload survey data")
ui.show_flash()

st.markdown(
    "Upload the survey export of a wave as Excel (.xlsx, .xls) or CSV. Each file is checked "
    "first; nothing is stored until you confirm, and a file with problems is not stored at all."
)
st.download_button(
    "Download the Excel template",
    ui.template(),
    file_name="partnership-survey-template.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
)

who = st.text_input(
    "Your name", key="upload_who", help="Recorded with the upload, in the list of past uploads."
).strip()
with st.expander("Files without a wave or partnership column"):
    wave = st.text_input("Wave", placeholder="e.g. 2025-Q3", key="upload_wave").strip() or None
    partnership = ui.partnership_input("upload_partnership")

files = st.file_uploader(
    "Survey files",
    type=["xlsx", "xls", "csv"],
    accept_multiple_files=True,
    key=f"upload_files_{ui.upload_round()}",
)

ready = []
for uploaded in files or []:
    with st.spinner(f"Checking {uploaded.name}..."):
        checked = ui.prepare_upload(uploaded, wave, partnership)
    file_key = getattr(uploaded, "file_id", uploaded.name)
    chosen = st.session_state.get(("mapping", file_key))
    if chosen is not None:
        with st.spinner(f"Checking {uploaded.name} with the chosen column mapping..."):
            checked = ui.prepare_mapped_upload(uploaded, wave, partnership, *chosen)
    proposal = getattr(checked, "proposal", None)
    if proposal is not None:
        layout = getattr(checked, "layout", "")
        needs_check = isinstance(checked, Exception) or proposal.needs_confirmation
        with st.expander(f"Column mapping of {uploaded.name}: {layout}", expanded=needs_check):
            st.caption(
                "The file's columns are named by question text, so each column was matched to "
                "the survey. Check the 'Maps to' column, correct it where needed, then apply "
                "the mapping. Save it under a name to map the next wave's export automatically."
            )
            names = ui.saved_mapping_names()
            if names:
                saved_name = st.selectbox(
                    "Use a saved mapping",
                    names,
                    index=None,
                    placeholder="Choose a saved mapping",
                    key=f"mapping_saved_{file_key}",
                )
                if saved_name and st.button("Use it", key=f"mapping_use_{file_key}"):
                    saved = ui.load_column_mapping(saved_name)
                    st.session_state[("mapping", file_key)] = (saved, f"saved:{saved_name}")
                    st.rerun()
            edited = ui.mapping_editor(proposal, key=f"mapping_table_{file_key}")
            if proposal.mapping.scale_note:
                st.info(proposal.mapping.scale_note)
            save_as = st.text_input(
                "Save this mapping as (optional)",
                placeholder="e.g. Northside partnership survey (Qualtrics)",
                key=f"mapping_name_{file_key}",
            ).strip()
            if st.button("Apply this mapping", key=f"mapping_apply_{file_key}"):
                from monitor.ingest.mapping import edited_mapping

                mapping = edited_mapping(proposal.mapping, edited)
                if not save_as or ui.save_column_mapping(save_as, mapping, who or None):
                    tag = "edited:" + mapping.to_json()
                    st.session_state[("mapping", file_key)] = (mapping, tag)
                    if save_as:
                        ui.flash(f"Column mapping saved as '{save_as}'.")
                    st.rerun()
    with st.container(border=True):
        if isinstance(checked, Exception):
            ui.show_rejection(uploaded.name, checked)
        else:
            ready.append(checked)
            st.success(
                f"**{uploaded.name}**: {checked.rows} respondents, wave(s) "
                f"{', '.join(checked.waves)}, partnership {', '.join(checked.partnerships)}."
            )
            for note in checked.warnings:
                st.caption(note)
            st.dataframe(checked.preview(10), hide_index=True, width="stretch")

if ready:
    label = f"Import {len(ready)} checked file(s)"
    if st.button(label, type="primary", key="confirm_import"):
        bar = st.progress(0.0, text="Importing...")
        imported = 0
        for done, prepared in enumerate(ready, start=1):
            result = ui.commit_upload(prepared, who or None)
            if result:
                imported += 1
                ui.flash(result.summary())
            bar.progress(done / len(ready), text=f"Imported {done} of {len(ready)}")
        if imported == len(ready):
            ui.finish_import()

st.header("Past uploads")
history = ui.uploads(ui.db_path())
if history.empty:
    st.info("No uploads yet.")
    st.stop()
ui.table(tables.uploads(history), all_rows=False)

choice = st.selectbox(
    "Remove an upload",
    history["upload_id"].tolist(),
    format_func=lambda i: tables.upload_label(history, i),
    index=None,
    placeholder="Choose an upload to remove",
    key="remove_choice",
)
if choice is not None:
    st.warning(
        f"Removing {tables.upload_label(history, choice)} deletes all its answers from every "
        "chart. This cannot be undone (you can upload the file again)."
    )
    if st.button("Yes, remove it", type="primary", key="confirm_remove"):
        removed = ui.remove_upload(int(choice))
        if removed:
            ui.flash(f"Removed upload #{removed['upload_id']} ({removed['file_name']}).")
            del st.session_state["remove_choice"]
            st.rerun()

st.subheader("Audit list")
st.caption("Every upload and removal, newest first: when, who and what.")
ui.table(ui.audit(ui.db_path()), all_rows=False)
