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


def test_an_uncertain_mapping_points_to_the_mapping_above(open_app, empty_store):
    at = _upload_page(open_app)
    forms = _forms(reworded=True)
    at = _run(at.file_uploader[0].set_value(("forms.csv", forms, "text/csv")))

    assert any(shown(e.label).startswith("Column mapping of forms.csv") for e in at.expander)
    message = shown(at.error[0].value)
    assert "Open the column mapping above, correct it where needed and apply it." in message
    assert "--mapping" not in message
