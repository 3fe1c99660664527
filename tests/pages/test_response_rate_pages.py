"""Response rates on the dashboard: the table of people invited on the Upload page, the
rates on the Overview and the minimum rate on the Settings page (each test has its own
database, filled with the sample)."""

from __future__ import annotations

import streamlit as st
from streamlit.testing.v1 import AppTest

from monitor import access
from monitor.store import config, invited, open_database, uploads

RIVERSIDE = "Riverside Community Safety Partnership"
EDITOR = f"invited_{RIVERSIDE}_2025-Q4"
SAVE = f"invited_save_{RIVERSIDE}_2025-Q4"


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def no_exception(at: AppTest) -> AppTest:
    assert not at.exception, texts(at.exception)
    return at


def plain(text: str) -> str:
    """Markdown as read: without its backslash escapes."""
    return text.replace("\\", "")


def upload_page_for_riverside(open_app) -> AppTest:
    at = open_app("pages/upload.py")
    no_exception(at.selectbox(key="upload_partnership").set_value(RIVERSIDE).run())
    return at


def edit(at: AppTest, rows: dict[int, object]) -> AppTest:
    """Type counts into the table (row position -> Invited), as a user does."""
    at.session_state[EDITOR] = {
        "edited_rows": {i: {"Invited": v} for i, v in rows.items()},
        "added_rows": [],
        "deleted_rows": [],
    }
    return no_exception(at.run())


def test_the_upload_page_offers_a_table_of_every_agency(open_app):
    at = upload_page_for_riverside(open_app)
    assert "People invited (response rates)" in texts(at.header)
    assert at.selectbox(key=f"invited_wave_{RIVERSIDE}").value == "2025-Q4"
    assert at.selectbox(key=f"invited_wave_{RIVERSIDE}").options[:2] == ["2025-Q4", "2025-Q3"]
    table = at.dataframe[-1].value
    assert list(table.columns) == ["Agency", "Respondents", "Invited"]
    assert len(table) == 8 and table["Invited"].isna().all()
    assert table["Respondents"].sum() == 35  # the sample's 2025-Q4 respondents


def test_bad_counts_are_listed_together_and_nothing_is_stored(open_app, db_path):
    at = upload_page_for_riverside(open_app)
    police = at.dataframe[-1].value["Agency"].tolist().index("Police")
    edit(at, {0: 2.5, police: 1})
    no_exception(at.button(key=SAVE).click().run())
    assert len(at.error) == 1
    message = plain(at.error[0].value)
    assert "were not saved: 2 problems" in message
    assert "Business Association: 2.5 is not a whole number of people" in message
    assert "Police: 1 invited, but 4 answered in 2025-Q4. Enter at least 4" in message
    assert "Nothing was stored" in message
    assert invited.invited_counts(open_database(str(db_path))).empty


def test_saved_counts_show_on_the_overview_with_low_rates_in_words(open_app, db_path):
    at = upload_page_for_riverside(open_app)
    agencies = at.dataframe[-1].value["Agency"].tolist()
    police, health = agencies.index("Police"), agencies.index("Health")
    edit(at, {police: 5, health: 20})
    no_exception(at.button(key=SAVE).click().run())
    assert [plain(s) for s in texts(at.success)] == [
        "Invited counts of 2025-Q4 saved: Health none → 20, Police none → 5."
    ]
    db = open_database(str(db_path))
    stored = invited.invited_counts(db, RIVERSIDE, "2025-Q4")
    assert dict(zip(stored["partner"], stored["invited"], strict=True)) == {
        "Health": 20,
        "Police": 5,
    }
    assert uploads.audit_list(db)["action"].iloc[0] == "invited"

    no_exception(at.switch_page("pages/overview.py").run())
    assert "Response rates" in texts(at.subheader)
    assert (
        "10 of 25 people invited answered (40%); 6 agencies without a recorded count left "
        "out. Below 50%: Health (30%)." in texts(at.text)
    )
    rates = at.dataframe[-1].value.set_index("Agency")
    assert rates.loc["Health", ["Response rate", "Note"]].tolist() == ["30%", "low: below 50%"]
    assert rates.loc["Police", ["Response rate", "Note"]].tolist() == ["80%", ""]
    assert rates.loc["Council", "Note"] == "invited not recorded"


def test_the_overview_says_when_rates_are_not_recorded(open_app):
    at = open_app()
    assert "Response rates" in texts(at.subheader)
    assert any("Not recorded for this wave" in c for c in texts(at.caption))


def test_the_minimum_rate_is_set_on_the_settings_page(open_app, db_path):
    open_app()
    db = open_database(str(db_path))
    access.save_invited(access.LOCAL_ACTOR, db, RIVERSIDE, {"2025-Q4": {"Police": 5}})
    st.cache_data.clear()
    at = open_app("pages/settings.py")
    field = next(n for n in at.number_input if n.label.startswith("Low response rate"))
    assert field.value == 50.0
    field.set_value(85.0)
    no_exception(at.button[0].click().run())
    assert config.stored_settings(db)["min_response_rate"] == "85.0"
    no_exception(at.switch_page("pages/overview.py").run())
    rates = at.dataframe[-1].value.set_index("Agency")
    assert rates.loc["Police", "Note"] == "low: below 85%"
