"""Upload page: a survey platform export goes through the column mapping step."""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

from monitor.dashboard.uploads import NEW_PARTNERSHIP
from monitor.store import config, lookups, open_database, uploads

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from shown import shown  # noqa: E402
from test_mapping import _forms  # noqa: E402
from test_mapping_fields import JOB_TITLE, ROLE_QUESTION, two_role_questions  # noqa: E402
from test_platforms import ITEMS, PEOPLE, qualtrics  # noqa: E402


def _run(widget) -> AppTest:
    at = widget.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _upload_page(open_app) -> AppTest:
    """The Upload page with a new partnership chosen (the files have no partnership column)."""
    at = open_app("pages/upload.py")
    at = _run(at.selectbox(key="upload_partnership").set_value(NEW_PARTNERSHIP))
    return _run(at.text_input(key="upload_partnership_new").input("Northside"))


def test_platform_export_shows_its_mapping_and_imports(open_app, empty_store):
    at = _upload_page(open_app)
    at = _run(at.file_uploader[0].set_value(("qualtrics.csv", qualtrics(), "text/csv")))

    assert not at.error
    expanders = [shown(e.label) for e in at.expander]
    assert any("Qualtrics CSV (three header rows)" in label for label in expanders)
    assert any("Detected layout: Qualtrics CSV" in shown(c.value) for c in at.caption)
    assert shown(at.success[0].value).startswith(f"**qualtrics.csv**: {len(PEOPLE)} respondents")

    at.text_input(key=next(k for k in _keys(at) if k.startswith("mapping_name_"))).input(
        "Northside Qualtrics"
    )
    at = _run(at.button(key=next(k for k in _keys(at, "button") if "mapping_apply" in k)).click())
    assert "Column mapping saved as 'Northside Qualtrics'." in [s.value for s in at.success]

    at = _run(at.button(key="confirm_import").click())
    database = open_database(str(empty_store))
    assert config.mapping_names(database) == ["Northside Qualtrics"]
    assert uploads.list_uploads(database)["n_rows"].tolist() == [len(PEOPLE)]
    assert len(ITEMS) * len(PEOPLE) == lookups.count_answers(database)


def _keys(at: AppTest, kind: str = "text_input") -> list[str]:
    return [w.key for w in getattr(at, kind) if w.key]


def _mapping_table(at: AppTest):
    """The proposed mapping as the page shows it (the data editor's frame)."""
    tables = [d.value for d in at.dataframe if "Maps to" in d.value.columns]
    assert len(tables) == 1, [list(d.value.columns) for d in at.dataframe]
    return tables[0]


def _confirm(at: AppTest) -> AppTest:
    return _run(at.button(key=next(k for k in _keys(at, "button") if "mapping_apply" in k)).click())


def test_a_mapping_to_check_says_what_to_check_instead_of_an_error(open_app, empty_store):
    at = _upload_page(open_app)
    at = _run(at.file_uploader[0].set_value(("forms.csv", _forms(reworded=True), "text/csv")))

    assert not at.error, [e.value for e in at.error]
    note = shown(at.warning[0].value)
    assert note.startswith("The columns of **forms.csv** were matched by their question text.")
    assert "Check the 1 row marked ⚠ in the column mapping below" in note
    assert "press 'Confirm this mapping'" in note
    table = _mapping_table(at)
    marked = table[table["Check"] != ""]
    assert marked["Question text"].tolist() == [
        ITEMS[0].statement.replace("clear purpose", "clear aim").rstrip(".")
    ]
    assert marked["Check"].iloc[0].startswith("⚠ similar, not identical, question text")
    assert len(table) == 7 + len(ITEMS)  # every column, none cut

    at = _confirm(at)
    assert not at.error and not at.warning
    assert shown(at.success[0].value).startswith(f"**forms.csv**: {len(PEOPLE)} respondents")
    at = _run(at.button(key="confirm_import").click())
    assert uploads.list_uploads(open_database(str(empty_store)))["n_rows"].tolist() == [4]


def test_two_role_questions_are_both_shown_to_check(open_app, empty_store):
    at = _upload_page(open_app)
    at = _run(at.file_uploader[0].set_value(("roles.csv", two_role_questions(), "text/csv")))

    assert not at.error, [e.value for e in at.error]
    assert "Check the 2 rows marked ⚠" in shown(at.warning[0].value)
    table = _mapping_table(at).set_index("Question text")
    chosen, left_out = table.loc[ROLE_QUESTION], table.loc[JOB_TITLE]
    assert chosen["Maps to"] == "role" and left_out["Maps to"] == "ignore"
    assert chosen["Check"].startswith(f"⚠ chosen for role over '{JOB_TITLE}'")
    assert left_out["Check"].startswith("⚠ left out: could hold role")

    at = _confirm(at)
    at = _run(at.button(key="confirm_import").click())
    roles = open_database(str(empty_store)).query_rows("SELECT DISTINCT role FROM answers")
    assert {r for (r,) in roles} == {r for _, r in PEOPLE}


def test_a_plain_template_is_not_called_question_text(open_app, empty_store, files):
    rows = [["respondent_id", "agency name", "wave", "mission_1"], ["r1", "Police", "2025-Q1", 4]]
    at = _upload_page(open_app)
    at = _run(at.file_uploader[0].set_value(("t.csv", files.csv(rows), "text/csv")))

    captions = [shown(c.value) for c in at.caption]
    mapping = [c for c in captions if c.startswith("Each column was matched to the survey")]
    assert mapping and "by their names (item ids" in mapping[0]
    assert not any("question text" in c for c in captions)
    assert not any("question text" in shown(w.value) for w in at.warning)
