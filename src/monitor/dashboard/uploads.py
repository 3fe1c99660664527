"""Uploads: each file is checked once per session, shown with its problems or a preview,
and stored only when the user confirms; survey exports named by question text get the
column-mapping step first. Also the list of past uploads, their removal and the audit list.
Surveys and records go through the same check-confirm loop (`_check_and_import`)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from monitor import access, tables
from monitor.dashboard.auth import current_actor, visible
from monitor.dashboard.cached import audit, partnerships, uploads
from monitor.dashboard.session import (
    data_changed,
    db_path,
    explain,
    flash,
    hint,
    instrument,
    run_safely,
    settings,
    show_error,
    store_at,
)
from monitor.dashboard.widgets import EXCEL, WRAPPING_ROW_HEIGHT, download, table
from monitor.errors import (
    MonitorError,
    PartnershipNeededError,
    UnconfirmedMappingError,
    ValidationError,
)
from monitor.ingest import ImportResult, PreparedImport, prepare_survey, records
from monitor.ingest import mapping as column_mapping
from monitor.ingest.marked import marked_file
from monitor.ingest.survey import adds_note
from monitor.names import close_name
from monitor.store import config
from monitor.template import template_bytes, template_preset
from monitor.untrusted import file_stem
from monitor.untrusted import markdown_text as md
from monitor.wording import plural

PREPARED = "prepared"  # first part of the session keys of checked files
MAPPING = "mapping"  # session key ("mapping", file): the mapping chosen for a file
UPLOAD_ROUND = "upload_round"  # session: changes after each import (empties the pickers)


def _file_key(uploaded) -> str:
    return getattr(uploaded, "file_id", uploaded.name)


def _max_bytes() -> int:
    return settings().max_upload_mb * 1_000_000


def _checked_once(key: tuple, check: Callable[[], object]) -> object:
    """`check()` run once per session for `key`: the prepared file, or the MonitorError."""
    if key not in st.session_state:
        try:
            st.session_state[key] = check()
        except MonitorError as exc:
            st.session_state[key] = exc
    return st.session_state[key]


# --- checking a file -----------------------------------------------------------------------


def prepare_upload(
    uploaded, wave: str | None, partnership: str | None
) -> PreparedImport | MonitorError:
    """Validate an uploaded survey file once per session: the prepared import or the error."""
    actor = current_actor()
    if actor is None or not actor.can(access.UPLOAD):
        try:
            access.require(actor, access.UPLOAD)
        except MonitorError as exc:
            return exc

    def check() -> PreparedImport:
        uploaded.seek(0)
        return prepare_survey(
            store_at(db_path()),
            uploaded,
            uploaded.name,
            wave=wave,
            partnership=partnership,
            max_bytes=_max_bytes(),
            require_partnership=True,
        )

    return _checked_once((PREPARED, _file_key(uploaded), wave, partnership), check)


def prepare_mapped_upload(uploaded, wave: str | None, partnership: str | None, mapping, tag: str):
    """Like `prepare_upload`, with a column mapping the evaluator confirmed or chose.

    `tag` names the mapping (a saved name or the edits), so each choice is checked once
    per session."""
    first = prepare_upload(uploaded, wave, partnership)
    if mapping is None or getattr(first, "proposal", None) is None:
        return first

    def check() -> PreparedImport:
        uploaded.seek(0)
        return prepare_survey(
            store_at(db_path()),
            uploaded,
            uploaded.name,
            wave=wave,
            partnership=partnership,
            max_bytes=_max_bytes(),
            mapping=mapping,
            confirmed=True,
            require_partnership=True,
        )

    return _checked_once((PREPARED, _file_key(uploaded), wave, partnership, tag), check)


def prepare_records_upload(uploaded, kind: str, partnership: str | None):
    """Validate an activity or outcomes file once per session: the prepared file or the error."""

    def check():
        uploaded.seek(0)
        return records.prepare_records(
            store_at(db_path()),
            uploaded,
            uploaded.name,
            kind,
            partnership=partnership,
            max_bytes=_max_bytes(),
        )

    return _checked_once((PREPARED, kind, _file_key(uploaded), partnership), check)


def _problem_table(frame: pd.DataFrame) -> None:
    """The problems, every row shown; rows tall enough that long advice wraps."""
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        height="content",
        row_height=64,
        column_config={
            "Row": st.column_config.TextColumn(width="small"),
            "Value": st.column_config.TextColumn(width="small"),
            "Problem": st.column_config.TextColumn(width="medium"),
            "How to fix": st.column_config.TextColumn(width="large"),
        },
    )


def _problem_downloads(uploaded, error: ValidationError) -> None:
    """The problem list (CSV) and the file with its bad cells marked (xlsx)."""
    stem = uploaded.name.rsplit(".", 1)[0]
    left, right = st.columns(2)
    download(
        left,
        "Download the problem list (CSV)",
        tables.problems(error).to_csv(index=False).encode("utf-8-sig"),
        file_name=f"{stem}-problems.csv",
        mime="text/csv",
        key=f"problems_csv_{_file_key(uploaded)}",
    )
    data, name, problems = uploaded.getvalue(), uploaded.name, error.problems
    download(
        right,
        "Download the file with the problems marked (xlsx)",
        lambda: marked_file(data, name, problems),  # on click: a large sheet takes long
        file_name=f"{stem}-marked.xlsx",
        mime=EXCEL,
        key=f"problems_xlsx_{_file_key(uploaded)}",
        help="The bad cells are filled red, each with a comment saying what to fix.",
    )


def show_rejection(file_name: str, error: Exception, uploaded=None) -> None:
    """Why a file cannot be imported: every problem in a table (with downloads of the list
    and of the file marked, when the file is given), or the one message."""
    if isinstance(error, PartnershipNeededError):
        st.warning(f"{md(explain(error), None)} Choose it under 'Partnership' above.", icon="👆")
    elif isinstance(error, ValidationError):
        st.error(
            f"**{md(file_name)}** cannot be imported: {error.total} problem(s). "
            f"Fix them in the file and upload it again. Nothing was stored. {hint(error)}".rstrip()
        )
        _problem_table(tables.problems(error))
        if uploaded is not None:
            _problem_downloads(uploaded, error)
    else:
        if isinstance(error, MonitorError):
            show_error(error)
        else:
            st.error(md(str(error), None, lines=True))


# --- storing and removing ------------------------------------------------------------------


def commit_upload(prepared: PreparedImport, who: str | None = None) -> ImportResult | None:
    """Store a checked survey file, if the user may upload (recorded in the audit list)."""
    actor = current_actor()
    result = run_safely(lambda: access.commit_survey(actor, store_at(db_path()), prepared, who))
    data_changed()
    return result


def commit_records_upload(prepared, who: str | None = None):
    """Store a checked activity or outcomes file, if the user may upload."""
    actor = current_actor()
    result = run_safely(lambda: access.commit_records(actor, store_at(db_path()), prepared, who))
    data_changed()
    return result


def remove_upload(upload_id: int) -> dict | None:
    """Remove an upload, if the user may (recorded in the audit list)."""
    actor = current_actor()
    removed = run_safely(lambda: access.remove_upload(actor, store_at(db_path()), upload_id))
    data_changed()
    return removed


def upload_round() -> int:
    """Changes after each import, so the file picker starts empty again."""
    return st.session_state.setdefault(UPLOAD_ROUND, 0)


def finish_import() -> None:
    """After a complete import: empty the file picker, forget the checked files, rerun."""
    st.session_state[UPLOAD_ROUND] = upload_round() + 1
    for key in [k for k in st.session_state if isinstance(k, tuple) and k[0] == PREPARED]:
        del st.session_state[key]
    st.rerun()


# --- the check-confirm loop ----------------------------------------------------------------


def _check_and_import(
    files,
    check: Callable[[object], object],
    describe: Callable[[object], str],
    commit: Callable[[object], object],
    key: str,
    review: Callable[[object, object], None] | None = None,
) -> None:
    """Check each file (`check` gives the prepared file or the error) and show the result,
    after `review` (the column mapping) where given; then one button imports every checked
    file (`commit`), keeping each summary to show."""
    ready = []
    for uploaded in files or []:
        checked = check(uploaded)
        with st.container(border=True):
            if review is not None:
                review(uploaded, checked)
            if isinstance(checked, UnconfirmedMappingError):
                others = checked.others()  # the mapping waits: only other problems are red
                if others is not None:
                    show_rejection(uploaded.name, others, uploaded)
                continue
            if isinstance(checked, Exception):
                show_rejection(uploaded.name, checked, uploaded)
                continue
            ready.append(checked)
            st.success(f"**{md(uploaded.name)}**: {md(describe(checked), None)}.")
            for note in checked.warnings:
                st.caption(md(note, None))
            st.dataframe(checked.preview(10), hide_index=True, width="stretch")
    if not ready or not st.button(f"Import {len(ready)} checked file(s)", type="primary", key=key):
        return
    bar = st.progress(0.0, text="Importing...")
    imported = 0
    for done, prepared in enumerate(ready, start=1):
        result = commit(prepared)
        if result:
            imported += 1
            flash(md(result.summary(), None))
        bar.progress(done / len(ready), text=f"Imported {done} of {len(ready)}")
    if imported == len(ready):
        finish_import()


def _survey_summary(checked: PreparedImport) -> str:
    text = (
        f"{checked.rows} respondents, wave(s) {', '.join(checked.waves)}, "
        f"partnership {', '.join(checked.partnerships)}"
    )
    late = adds_note(checked.adds_to)
    return f"{text}.{late.rstrip('.')}" if late else text


def import_surveys(files, wave: str | None, partnership: str | None, who: str | None) -> None:
    """Check survey files (with the column-mapping step where needed) and import them."""

    def check(uploaded):
        with st.spinner(f"Checking {md(uploaded.name)}..."):
            checked = prepare_upload(uploaded, wave, partnership)
        chosen = st.session_state.get((MAPPING, _file_key(uploaded)))
        if chosen is not None:
            with st.spinner(f"Checking {md(uploaded.name)} with the chosen column mapping..."):
                checked = prepare_mapped_upload(uploaded, wave, partnership, *chosen)
        return checked

    def review(uploaded, checked) -> None:
        if getattr(checked, "proposal", None) is not None:
            _mapping_step(uploaded, checked, who)

    _check_and_import(
        files,
        check,
        _survey_summary,
        lambda p: commit_upload(p, who),
        "confirm_import",
        review,
    )


def import_records(files, kind: str, partnership: str | None, who: str | None) -> None:
    """Check activity or outcome files (`kind`) and import them."""

    def check(uploaded):
        with st.spinner(f"Checking {md(uploaded.name)}..."):
            return prepare_records_upload(uploaded, kind, partnership)

    _check_and_import(
        files,
        check,
        lambda checked: checked.describe(),
        lambda p: commit_records_upload(p, who),
        "records_go",
    )


# --- the column mapping of survey platform exports -----------------------------------------


TO_CHECK_COLOUR = "background-color: #fff3cd"  # the rows to check, in a pale amber


def _marked_rows(frame: pd.DataFrame):
    """`frame` with the rows to check highlighted (Streamlit colours the fixed columns)."""
    checked = frame["Check"] != ""
    return frame.style.apply(
        lambda row: [TO_CHECK_COLOUR if checked[row.name] else ""] * len(row), axis=1
    )


def mapping_editor(proposal, key: str) -> pd.DataFrame:
    """The proposed mapping as an editable table, every row shown with its whole question
    text, the rows to check marked and highlighted; the evaluator corrects 'Maps to'.
    Returns the chosen targets (column, maps_to)."""
    options = column_mapping.target_options(instrument())
    frame = tables.mapping(proposal.table)
    shown = list(frame.columns)
    if (frame["Question text"] == frame["Column in the file"]).all():
        shown.remove("Column in the file")  # the file's own names are its question texts
    if (frame["Check"] == "").all():
        shown.remove("Check")
    edited = st.data_editor(
        _marked_rows(frame),
        key=key,
        hide_index=True,
        width="stretch",
        height="content",
        row_height=WRAPPING_ROW_HEIGHT,
        column_order=shown,
        disabled=[c for c in frame.columns if c != "Maps to"],
        column_config={
            "Check": st.column_config.TextColumn(
                width=170, help="Why the row must be checked before the import."
            ),
            "Column in the file": st.column_config.TextColumn(width=110),
            "Question text": st.column_config.TextColumn(width=250),
            "Maps to": st.column_config.SelectboxColumn(
                width=120,
                options=options,
                required=True,
                help="A field (respondent_id, partner, role, wave...), an item id, 'date' "
                "(completion date: gives the wave's quarter), 'comment' (free text, kept) "
                "or 'ignore'.",
            ),
            "How it was matched": st.column_config.TextColumn(width=160),
            "Example value": st.column_config.TextColumn(width=90),
        },
    )
    return tables.mapping_choices(edited)


def _save_mapping(name: str, mapping, who: str | None) -> bool:
    """Save a confirmed mapping under `name`, if the user may upload (the library checks);
    shows the error and returns False if it fails."""
    actor = current_actor()
    done = run_safely(
        lambda: access.save_mapping(actor, store_at(db_path()), name, mapping, who) or True
    )
    return bool(done)


def _use_saved_mapping(file_key: str) -> None:
    names = config.mapping_names(store_at(db_path()))
    if not names:
        return
    saved_name = st.selectbox(
        "Use a saved mapping",
        names,
        index=None,
        placeholder="Choose a saved mapping",
        key=f"mapping_saved_{file_key}",
    )
    if saved_name and st.button("Use it", key=f"mapping_use_{file_key}"):
        saved = column_mapping.load_mapping(store_at(db_path()), saved_name)
        st.session_state[(MAPPING, file_key)] = (saved, f"saved:{saved_name}")
        st.rerun()


def _matched_by(proposal) -> str:
    if proposal.by_question_text:
        return "their question text"
    return "their names (item ids such as mission_1, field names such as partner)"


def _waiting_note(file_name: str, proposal) -> None:
    """What to check before the mapping of `file_name` can be confirmed, in plain words."""
    rows = plural(len(proposal.uncertain), "row")
    st.warning(
        f"The columns of **{md(file_name)}** were matched by {_matched_by(proposal)}. "
        f"Check the {rows} marked ⚠ in the column mapping below (highlighted), correct "
        "'Maps to' where needed, then press 'Confirm this mapping'. Nothing is stored "
        "until you import the file.",
        icon=":material/fact_check:",
    )


def _mapping_step(uploaded, checked, who: str | None) -> None:
    """The proposed column mapping of a file: choose a saved one, or correct and confirm
    (and optionally save) this one; the file is then checked again with it."""
    file_key, proposal = _file_key(uploaded), checked.proposal
    layout = getattr(checked, "layout", "")
    waiting = isinstance(checked, UnconfirmedMappingError)
    if waiting:
        _waiting_note(uploaded.name, proposal)
    title = f"Column mapping of {md(uploaded.name)}: {md(layout)}"
    with st.expander(title, expanded=isinstance(checked, Exception)):
        st.caption(
            f"Each column was matched to the survey by {_matched_by(proposal)}. Check the "
            "'Maps to' column, correct it where needed, then confirm the mapping. Save it "
            "under a name to map the next wave's export automatically."
        )
        _use_saved_mapping(file_key)
        chosen = mapping_editor(proposal, key=f"mapping_table_{file_key}")
        if proposal.mapping.scale_note:
            st.info(md(proposal.mapping.scale_note, None))
        save_as = st.text_input(
            "Save this mapping as (optional)",
            placeholder="e.g. Northside partnership survey (Qualtrics)",
            key=f"mapping_name_{file_key}",
        ).strip()
        confirm = st.button(
            "Confirm this mapping",
            type="primary" if waiting else "secondary",
            key=f"mapping_apply_{file_key}",
        )
        if confirm:
            _confirm_mapping(file_key, proposal, chosen, save_as, who)


def _confirm_mapping(file_key: str, proposal, chosen: pd.DataFrame, save_as: str, who) -> None:
    """Check the file again with the mapping as reviewed (and save it under `save_as`)."""
    mapping = run_safely(lambda: column_mapping.edited_mapping(proposal.mapping, chosen))
    if mapping is None or save_as and not _save_mapping(save_as, mapping, who):
        return
    st.session_state[(MAPPING, file_key)] = (mapping, "edited:" + mapping.to_json())
    if save_as:
        flash(f"Column mapping saved as '{md(save_as)}'.")
    st.rerun()


# --- the inputs of the upload pages --------------------------------------------------------

NEW_PARTNERSHIP = "A new partnership (type its name)"


def _new_partnership(key: str, stored: list[str]) -> str | None:
    """A typed new partnership name; one close to a stored name must be confirmed as new."""
    typed = " ".join(
        st.text_input(
            "Name of the new partnership",
            placeholder="e.g. Northside Community Safety Partnership",
            key=f"{key}_new",
        ).split()
    )
    if not typed or typed in stored:
        return typed or None
    close = close_name(typed, stored)
    if close is None:
        return typed
    st.warning(
        f"'{md(typed)}' is very like the stored partnership '{md(close)}'. Choose "
        "that one above if it is meant; a different spelling starts a separate partnership."
    )
    confirmed = st.checkbox(
        "It is a new partnership, not the stored one", key=f"{key}_new_confirmed"
    )
    return typed if confirmed else None


def partnership_choice(key: str) -> str | None:
    """The partnership the page works for: a stored one (preselected only when it is the
    only one) or an explicitly typed new one; None until the choice is made."""
    stored = visible(partnerships())
    typed = " ".join(str(st.session_state.get(f"{key}_new") or "").split())
    if st.session_state.get(key) == NEW_PARTNERSHIP and typed in stored:
        st.session_state[key] = typed  # imported: the new partnership is a stored one now
    choice = st.selectbox(
        "Partnership",
        [*stored, NEW_PARTNERSHIP],
        index=0 if len(stored) == 1 else None,
        placeholder="Choose the partnership",
        key=key,
        help="The template is made for it, and files without a partnership column are "
        "stored under it.",
    )
    if choice == NEW_PARTNERSHIP:
        return _new_partnership(key, stored)
    return choice


@st.cache_data(show_spinner=False, max_entries=16)
def _partnership_template(path: str, partnership: str) -> bytes:
    return template_bytes(instrument(), template_preset(store_at(path), partnership))


def partnership_template_download(partnership: str | None) -> None:
    """The survey template, made for `partnership` once one is chosen."""
    if partnership is None:
        st.caption("Choose the partnership to download a template made for it.")
        return
    preset = template_preset(store_at(db_path()), partnership)
    details = (
        [f"its {len(preset.partners)} agencies in the partner drop-down"] * bool(preset.partners)
        + [f"wave {md(preset.wave or '')} filled in"] * bool(preset.wave)
        + ["an Invited sheet for the people each agency invited"] * bool(preset.partners)
    )
    download(
        st,
        "Download the Excel template for this partnership",
        _partnership_template(db_path(), partnership),
        file_name=f"survey-template-{file_stem(partnership)}.xlsx",
        mime=EXCEL,
        key="partnership_template",
        help="The partnership's name on every row"
        + "".join(f", {d}" for d in details)
        + ". Fill one row per respondent.",
    )


def default_partnership() -> str:
    """The partnership new files belong to by default: the only one stored, if just one."""
    existing = visible(partnerships())
    return existing[0] if len(existing) == 1 else ""


def partnership_input(key: str) -> str | None:
    """The partnership for files without a partnership column (default: the only one)."""
    value = st.text_input(
        "Partnership",
        value=default_partnership(),
        placeholder="e.g. Riverside Community Safety Partnership",
        key=key,
        help="Used for files without a partnership column.",
    )
    return value.strip() or None


# --- past uploads --------------------------------------------------------------------------


def _removal(history: pd.DataFrame) -> None:
    choice = st.selectbox(
        "Remove an upload",
        history["upload_id"].tolist(),
        format_func=lambda i: tables.upload_label(history, i),
        index=None,
        placeholder="Choose an upload to remove",
        key="remove_choice",
    )
    if choice is None:
        return
    st.warning(
        f"Removing {md(tables.upload_label(history, choice), None)} deletes all its answers "
        "from every chart. This cannot be undone (you can upload the file again)."
    )
    if st.button("Yes, remove it", type="primary", key="confirm_remove"):
        removed = remove_upload(int(choice))
        if removed:
            flash(f"Removed upload #{removed['upload_id']} ({md(removed['file_name'])}).")
            del st.session_state["remove_choice"]
            st.rerun()


def upload_history() -> None:
    """Past uploads, the removal of one, and the audit list of uploads and removals."""
    st.header("Past uploads")
    history = uploads()
    if history.empty:
        st.info("No uploads yet.")
        st.stop()
    table(
        tables.uploads(history),
        all_rows=False,
        wrap=True,
        widths={"#": 40, "File": 170, "Partnership": 170, "Waves or months": 130},
    )
    _removal(history)
    st.subheader("Audit list")
    st.caption(
        "Every upload, removal, saved column mapping and settings change, newest first: "
        "when, who and what."
    )
    table(tables.audit(audit()), all_rows=False)
