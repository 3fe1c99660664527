"""The dashboard pages under Streamlit's AppTest: each test has its own database file.

A new database is filled with the sample data (four waves of the Riverside partnership,
143 respondents) unless MONITOR_SAMPLE_ON_FIRST_RUN=0 (the `empty_store` fixture).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
from analytics_helpers import file_scores
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from shown import shown  # noqa: E402

from monitor.dashboard.uploads import NEW_PARTNERSHIP  # noqa: E402
from monitor.instrument import load_instrument  # noqa: E402
from monitor.sample import SAMPLE_DIR  # noqa: E402
from monitor.store import open_database, uploads  # noqa: E402

PAGES = {
    "pages/overview.py": "Partnership health",
    "pages/trends.py": "Trends",
    "pages/partners.py": "Partners and power",
    "pages/upload.py": "Upload survey data",
    "pages/data.py": "Data",
}
FILTERED_PAGES = [p for p in PAGES if p != "pages/upload.py"]
SAMPLE_WAVES = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
# The sample's files besides Riverside's four survey waves: a second partnership's three
# waves, two activity files and one outcomes file.
SAMPLE_OTHER_FILES = [
    "westbrook_2024-H2.csv",
    "westbrook_2025-H1.csv",
    "westbrook_2025-H2.csv",
    "riverside_activity_2025.csv",
    "westbrook_activity_2025.csv",
    "riverside_outcomes_2024-07_2025-12.csv",
]
SAMPLE_RESPONDENTS = {"2025-Q1": 37, "2025-Q2": 35, "2025-Q3": 36, "2025-Q4": 35}
EMPTY_INFO = "There is no survey data yet"


def texts(elements) -> list[str]:
    """What the reader sees of each element's text (without Markdown escapes)."""
    return [shown(e.value) for e in elements]


def joined(elements) -> str:
    return "\n".join(texts(elements))


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def chart_data(at: AppTest, index: int = 0) -> pd.DataFrame:
    """The data behind the `index`-th chart of the main area."""
    chart = at.main.get("vega_lite_chart")[index].proto
    return convert_arrow_bytes_to_pandas_df(chart.datasets[0].data.data)


def upload_buttons(at: AppTest) -> list:
    """The buttons that import or remove a file (not the one saving the people invited)."""
    return [b for b in at.button if not str(b.key).startswith("invited_save")]


def no_exception(at: AppTest) -> AppTest:
    assert not at.exception, texts(at.exception)
    return at


def stored_uploads(db_path) -> pd.DataFrame:
    return uploads.list_uploads(open_database(str(db_path)))


def sample_scores(file_name: str) -> pd.DataFrame:
    """Respondent factor scores of one Riverside sample file, read straight from it."""
    return file_scores(SAMPLE_DIR / file_name, load_instrument())


def factor_means(file_name: str) -> pd.Series:
    return sample_scores(file_name).groupby("factor")["score"].mean()


def too_small(file_name: str, minimum: int) -> list[str]:
    """Partners with fewer than `minimum` respondents scored on some factor."""
    return sorted(
        {partner for group in small_by_factor(file_name, minimum).values() for partner in group}
    )


def small_by_factor(file_name: str, minimum: int) -> dict[str, set[str]]:
    """Factor name -> the partners with fewer than `minimum` respondents scored on it."""
    counts = sample_scores(file_name).groupby(["factor", "partner"]).size()
    names = load_instrument().factor_names()
    small = counts[counts < minimum].reset_index()
    return {names[key]: set(small.loc[small["factor"] == key, "partner"]) for key in names}


# --- every page, on the sample data and on an empty store ---------------------------------


@pytest.mark.parametrize("page", list(PAGES))
def test_page_renders_on_the_sample_data(open_app, page):
    at = open_app(page)

    assert texts(at.title) == [PAGES[page]]
    assert not at.error
    assert EMPTY_INFO not in joined(at.info)
    if page != "pages/upload.py":
        wave = at.sidebar.selectbox(key="wave")
        assert wave.options == SAMPLE_WAVES
        assert wave.value == "2025-Q4"  # the latest wave by default
        assert at.main.get("vega_lite_chart") or at.dataframe
    # No download reruns the page when clicked: that rerun would replace the id of a
    # file built on click while the browser is fetching it.
    assert all(button.proto.ignore_rerun for button in at.get("download_button"))
    # A rerun with nothing changed draws the same page.
    no_exception(at.run())
    assert texts(at.title) == [PAGES[page]]


def test_new_database_is_filled_with_the_sample(open_app, db_path):
    at = open_app()

    means = factor_means("riverside_2025-Q4.csv")
    assert (means < 3.0).sum() == 1  # staff capacity, the sample's falling factor
    assert metrics(at) == {
        "Respondents": str(SAMPLE_RESPONDENTS["2025-Q4"]),
        "Factors in strength": f"{(means >= 4.0).sum()} of 10",
        "Factors of concern": "1",
    }
    assert "Riverside Community Safety Partnership · wave 2025-Q4 · all partners" in joined(
        at.caption
    )
    stored = stored_uploads(db_path)
    assert sorted(stored["file_name"]) == sorted(
        [
            "riverside_2025-Q1.xlsx",
            "riverside_2025-Q2.csv",
            "riverside_2025-Q3.xlsx",
            "riverside_2025-Q4.csv",
            *SAMPLE_OTHER_FILES,
        ]
    )
    assert set(stored["uploaded_by"]) == {"sample data"}


@pytest.mark.parametrize("page", FILTERED_PAGES)
def test_empty_store_offers_the_sample_data(open_app, empty_store, page):
    at = open_app(page)

    assert texts(at.title) == [PAGES[page]]
    assert EMPTY_INFO in joined(at.info)
    assert not at.metric and not at.sidebar.selectbox
    assert stored_uploads(empty_store).empty

    no_exception(at.button(key="load_sample").click().run())

    assert EMPTY_INFO not in joined(at.info)
    assert at.sidebar.selectbox(key="wave").options == SAMPLE_WAVES
    assert len(stored_uploads(empty_store)) == 4 + len(SAMPLE_OTHER_FILES)
    at.switch_page("pages/overview.py").run()
    no_exception(at)
    assert metrics(at)["Respondents"] == str(SAMPLE_RESPONDENTS["2025-Q4"])


def test_upload_page_on_an_empty_store(open_app, empty_store):
    at = open_app("pages/upload.py")

    assert "No uploads yet." in texts(at.info)
    assert len(at.file_uploader) == 1
    assert [b.label for b in at.get("download_button")] == ["Download the Excel template"]
    # only the partnership choice, with nothing to choose but a new one
    assert [s.key for s in at.selectbox] == ["upload_partnership"]
    assert at.selectbox[0].options == [NEW_PARTNERSHIP]


# --- filters ------------------------------------------------------------------------------


def overview_content(at: AppTest) -> tuple:
    return metrics(at), joined(at.markdown), joined(at.caption), at.dataframe[0].value


def test_overview_wave_filter_changes_what_is_shown(open_app):
    at = open_app()
    latest = overview_content(at)
    capacity = factor_means("riverside_2025-Q4.csv")["capacity"]
    assert f"- **Staff capacity**: scores {capacity:.2f}, in the concern band" in latest[1]

    no_exception(at.sidebar.selectbox(key="wave").set_value("2025-Q1").run())

    first = overview_content(at)
    assert first[0] != latest[0]
    assert first[0]["Respondents"] == str(SAMPLE_RESPONDENTS["2025-Q1"])
    assert "wave 2025-Q1" in first[2] and "wave 2025-Q4" not in first[2]
    assert "Staff capacity" not in first[1]  # not of concern in the first wave
    # The first wave has nothing to compare with.
    assert set(first[3]["Since last wave"]) == {"no earlier wave"}
    assert not first[3].equals(latest[3])

    # The browser writes a bound widget's value to the address; AppTest has no browser,
    # so check the binding, and that the address it writes opens the same view.
    assert at.sidebar.selectbox(key="wave").proto.query_param_key == "wave"
    shared = open_app(query_params={"wave": "2025-Q1"})
    assert shared.sidebar.selectbox(key="wave").value == "2025-Q1"
    assert shared.query_params["wave"] == "2025-Q1"
    shared_content = overview_content(shared)
    assert shared_content[:3] == first[:3]
    pd.testing.assert_frame_equal(shared_content[3], first[3])


@pytest.mark.parametrize("wave", ["2025-Q2", "2025-Q3"])
def test_wave_in_the_url_is_selected(open_app, wave):
    at = open_app(query_params={"wave": wave})

    assert at.sidebar.selectbox(key="wave").value == wave
    assert f"wave {wave}" in joined(at.caption)
    assert metrics(at)["Respondents"] == str(SAMPLE_RESPONDENTS[wave])
    assert at.query_params["wave"] == wave


def test_unknown_filter_values_in_the_url_do_not_break_pages(open_app):
    at = open_app(query_params={"wave": "1999-Q1", "partners": "Nobody", "from": "x"})
    assert at.sidebar.selectbox(key="wave").value == "2025-Q4"
    assert at.sidebar.multiselect(key="partners").value == []
    assert "wave" not in at.query_params and "partners" not in at.query_params

    for page in PAGES:
        no_exception(at.switch_page(page).run())
        assert texts(at.title) == [PAGES[page]]
        assert not at.error


def test_partners_in_the_url_are_selected(open_app):
    at = open_app(query_params={"partners": ["Police", "Health"]})

    assert at.sidebar.multiselect(key="partners").value == ["Police", "Health"]
    assert metrics(at)["Respondents"] == "10"


def test_factors_in_the_url_are_selected(open_app):
    open_app()  # an earlier visit filled the new database with the sample
    # The address holds the options as shown (factor names), not the factor keys.
    at = open_app("pages/trends.py", query_params={"factors": ["Clear mission", "Trust"]})

    assert at.multiselect(key="factors").value == ["mission", "trust"]
    assert set(chart_data(at, 0)["factor"]) == {"mission", "trust"}


def test_partners_filter_restricts_the_respondents(open_app):
    at = open_app()
    assert at.sidebar.multiselect(key="partners").value == []

    no_exception(at.sidebar.multiselect(key="partners").set_value(["Police"]).run())

    assert metrics(at)["Respondents"] == "4"
    assert "wave 2025-Q4 · Police" in joined(at.caption)
    assert at.sidebar.multiselect(key="partners").proto.query_param_key == "partners"

    no_exception(at.sidebar.multiselect(key="partners").set_value(["Police", "Health"]).run())

    assert metrics(at)["Respondents"] == "10"
    assert sorted(chart_data(at, 1)["partner"]) == ["Health", "Police"]  # responses by partner


def test_partners_filter_reaches_the_data_page(open_app):
    at = open_app("pages/data.py")
    everything = at.dataframe[0].value
    assert len(everything) == sum(SAMPLE_RESPONDENTS.values())

    no_exception(at.sidebar.multiselect(key="partners").set_value(["Police"]).run())

    police = at.dataframe[0].value
    assert 0 < len(police) < len(everything)
    assert set(police["partner"]) == {"Police"}


def test_trends_factor_multiselect(open_app):
    at = open_app("pages/trends.py")
    factors = at.multiselect(key="factors")
    assert factors.value == ["trust", "power", "capacity"]
    assert set(chart_data(at, 0)["factor"]) == {"trust", "power", "capacity"}
    # The small multiples: one chart per factor, each of one factor.
    panels = [chart_data(at, i) for i in range(1, 11)]
    assert [p["factor"].nunique() for p in panels] == [1] * 10
    assert len({p["factor"].iloc[0] for p in panels}) == len(factors.options) == 10

    no_exception(at.multiselect(key="factors").set_value(["mission"]).run())

    assert set(chart_data(at, 0)["factor"]) == {"mission"}
    assert set(chart_data(at, 0)["wave"]) == set(SAMPLE_WAVES)
    assert factors.proto.query_param_key == "factors"

    no_exception(at.multiselect(key="factors").set_value([]).run())

    assert "Choose one or more factors to compare them on one chart." in texts(at.info)
    assert len(at.main.get("vega_lite_chart")) == 10  # only the small multiples


def test_trends_wave_range(open_app):
    at = open_app("pages/trends.py")

    no_exception(at.sidebar.selectbox(key="from").set_value("2025-Q2").run())

    assert set(chart_data(at, 0)["wave"]) == {"2025-Q2", "2025-Q3", "2025-Q4"}


@pytest.mark.parametrize("min_group_size", ["5", "3"])
def test_partners_page_suppresses_small_groups(open_app, monkeypatch, min_group_size):
    # In 2025-Q3 Youth Service had 2 respondents, Housing 3 and Police 4; a partner is
    # also hidden when fewer of its people answered enough of one factor's statements.
    hidden = too_small("riverside_2025-Q3.xlsx", int(min_group_size))
    assert "Youth Service" in hidden
    monkeypatch.setenv("MONITOR_MIN_GROUP_SIZE", min_group_size)
    at = open_app("pages/partners.py")
    no_exception(at.sidebar.selectbox(key="wave").set_value("2025-Q3").run())
    assert "wave 2025-Q3" in joined(at.caption)

    notes = [n for n in texts(at.info) if n.startswith("Not shown")]
    assert notes == [f"Not shown (fewer than {min_group_size} respondents): {', '.join(hidden)}."]
    gaps = at.dataframe[0].value
    small = small_by_factor("riverside_2025-Q3.xlsx", int(min_group_size))
    columns = (gaps["Factor"], gaps["Lowest partner"], gaps["Highest partner"])
    for factor, lowest, highest in zip(*columns, strict=True):
        assert not {lowest, highest} & small[factor]


def test_partners_page_lists_no_one_when_all_groups_are_large_enough(open_app):
    at = open_app("pages/partners.py")  # 2025-Q4: every partner has 3 or more

    assert not [n for n in texts(at.info) if n.startswith("Not shown")]


def test_partners_page_opened_from_a_shared_link(open_app, monkeypatch):
    monkeypatch.setenv("MONITOR_MIN_GROUP_SIZE", "5")
    open_app()  # an earlier visit filled the new database with the sample
    at = open_app("pages/partners.py", query_params={"wave": "2025-Q3"})

    assert texts(at.title) == ["Partners and power"]
    assert "wave 2025-Q3" in joined(at.caption)
    hidden = ", ".join(too_small("riverside_2025-Q3.xlsx", 5))
    assert f"Not shown (fewer than 5 respondents): {hidden}." in texts(at.info)


def test_shared_link_as_the_first_visit_to_a_new_database(open_app):
    at = open_app("pages/partners.py", query_params={"wave": "2025-Q3"})

    assert EMPTY_INFO not in joined(at.info)
    assert "wave 2025-Q3" in joined(at.caption)


# --- upload -------------------------------------------------------------------------------


def upload(at: AppTest, name: str, data: bytes, mime: str = "text/csv") -> AppTest:
    return no_exception(at.file_uploader[0].set_value((name, data, mime)).run())


def choose_new_partnership(at: AppTest, name: str) -> AppTest:
    no_exception(at.selectbox(key="upload_partnership").set_value(NEW_PARTNERSHIP).run())
    return no_exception(at.text_input(key="upload_partnership_new").input(name).run())


def test_upload_check_import_and_refuse_a_second_copy(open_app, empty_store, sample_csv):
    name, data = sample_csv
    at = open_app("pages/upload.py")
    assert at.selectbox(key="upload_partnership").value is None  # nothing stored yet

    upload(at, name, data)

    assert not at.success and not upload_buttons(at)  # no partnership chosen: not checked
    assert "has no partnership column" in at.warning[0].value
    choose_new_partnership(at, "Riverside CSP")

    assert not at.error
    assert texts(at.success) == [
        f"**{name}**: 35 respondents, wave(s) 2025-Q2, partnership Riverside CSP."
    ]
    assert stored_uploads(empty_store).empty  # checked, not stored yet

    no_exception(at.button(key="confirm_import").click().run())

    flash = texts(at.success)
    assert len(flash) == 1 and flash[0].startswith(f"Imported {name} as upload #1: 35 ")
    assert not upload_buttons(at)  # the picker starts empty again, so nothing to confirm
    assert at.dataframe[0].value["File"].tolist() == [name]
    assert stored_uploads(empty_store)["file_name"].tolist() == [name]
    # The typed partnership is stored now: it is chosen as a stored one, not typed again.
    assert at.selectbox(key="upload_partnership").value == "Riverside CSP"
    assert "upload_partnership_new" not in [t.key for t in at.text_input]

    at.switch_page("pages/overview.py").run()
    no_exception(at)
    assert metrics(at)["Respondents"] == "35"
    assert "Riverside CSP · wave 2025-Q2" in joined(at.caption)

    at.switch_page("pages/upload.py").run()
    upload(at, name, data)

    assert len(at.error) == 1
    assert "already imported as upload #1" in shown(at.error[0].value)
    assert not upload_buttons(at)
    assert len(stored_uploads(empty_store)) == 1


def test_upload_asks_for_the_partnership_and_questions_a_close_new_name(
    open_app, db_path, sample_csv
):
    at = open_app("pages/upload.py")
    assert at.selectbox(key="upload_partnership").value is None  # two stored: no default
    assert not at.get("download_button")[1:]  # only the plain template until a choice
    name, data = sample_csv
    fresh = data.replace(b"POL-01,", b"POL-91,")  # not a copy of the stored file

    choose_new_partnership(at, "riverside community  safety partnership")
    upload(at, name, fresh)

    warning = joined(at.warning)
    assert "is very like the stored partnership" in warning
    assert "has no partnership column" in warning  # not checked until confirmed
    assert not at.success
    no_exception(at.checkbox(key="upload_partnership_new_confirmed").check().run())
    assert texts(at.success) == [
        f"**{name}**: 35 respondents, wave(s) 2025-Q2, "
        "partnership riverside community safety partnership."
    ]

    westbrook = "Westbrook Safer Neighbourhoods Partnership"
    no_exception(at.selectbox(key="upload_partnership").set_value(westbrook).run())
    assert [b.label for b in at.get("download_button")][0] == (
        "Download the Excel template for this partnership"
    )


def invalid_copy(data: bytes) -> bytes:
    """The sample file with a repeated respondent, an unknown answer and one out of range
    (respondent ids prefixed with "X", so none of them was stored before)."""
    header, *lines = data.decode("utf-8").splitlines()
    columns = header.split(",")
    rows = [("X" + line).split(",") for line in lines]
    rows[1][0] = rows[0][0]  # row 3 repeats the respondent of row 2
    rows[1][columns.index("mission_2")] = "maybe"
    rows[0][columns.index("mission_3")] = "7"
    return "\n".join([header, *(",".join(row) for row in rows)]).encode("utf-8") + b"\n"


def test_upload_of_an_invalid_file_shows_its_problems_and_stores_nothing(
    open_app, db_path, sample_csv
):
    at = open_app("pages/upload.py")
    before = at.dataframe[0].value
    assert len(before) == 4 + len(SAMPLE_OTHER_FILES)

    at.selectbox(key="upload_partnership").set_value("Riverside Community Safety Partnership")
    upload(at, "broken.csv", invalid_copy(sample_csv[1]))

    assert len(at.error) == 1
    assert shown(at.error[0].value).startswith("**broken.csv** cannot be imported: 4 problem(s).")
    assert "Nothing was stored" in shown(at.error[0].value)
    assert not at.success and not upload_buttons(at)
    problems = at.dataframe[0].value
    assert list(problems.columns) == ["Row", "Column", "Value", "Problem", "How to fix"]
    assert [b.label for b in at.get("download_button")][-2:] == [
        "Download the problem list (CSV)",
        "Download the file with the problems marked (xlsx)",
    ]
    found = {(int(r.Row), r.Column, str(r.Value)) for r in problems.itertuples()}
    respondent = "X" + sample_csv[1].decode().splitlines()[1].split(",")[0]
    assert found == {
        (2, "mission_3", "7"),
        (3, "mission_2", "maybe"),
        (2, "respondent_id", respondent),
        (3, "respondent_id", respondent),
    }
    assert problems["Problem"].str.contains("more than once").sum() == 2
    pd.testing.assert_frame_equal(at.dataframe[1].value, before)  # past uploads unchanged
    assert len(stored_uploads(db_path)) == 4 + len(SAMPLE_OTHER_FILES)


def test_upload_of_a_sample_file_already_stored_is_refused(open_app, db_path, sample_csv):
    at = open_app("pages/upload.py")

    upload(at, *sample_csv)

    assert len(at.error) == 1
    assert "was already imported as upload #2 (riverside_2025-Q2.csv" in shown(at.error[0].value)
    assert len(stored_uploads(db_path)) == 4 + len(SAMPLE_OTHER_FILES)


def test_remove_an_upload(open_app, db_path):
    at = open_app("pages/upload.py")
    everything = list(range(4 + len(SAMPLE_OTHER_FILES), 0, -1))
    assert at.dataframe[0].value["#"].tolist() == everything
    assert not at.button

    no_exception(at.selectbox(key="remove_choice").set_value(4).run())

    assert "Removing #4 riverside_2025-Q4.csv (2025-Q4, 35 respondents)" in shown(
        at.warning[0].value
    )

    no_exception(at.button(key="confirm_remove").click().run())

    assert texts(at.success) == ["Removed upload #4 (riverside_2025-Q4.csv)."]
    remaining = [n for n in everything if n != 4]
    assert at.dataframe[0].value["#"].tolist() == remaining
    assert at.selectbox(key="remove_choice").value is None
    assert not at.warning
    assert stored_uploads(db_path)["upload_id"].tolist() == remaining

    at.switch_page("pages/overview.py").run()
    no_exception(at)
    assert at.sidebar.selectbox(key="wave").options == SAMPLE_WAVES[:3]
    assert "wave 2025-Q3" in joined(at.caption)


# --- data ---------------------------------------------------------------------------------


def test_data_page_shows_the_table_and_two_downloads(open_app):
    at = open_app("pages/data.py")

    downloads = at.get("download_button")
    assert [b.label for b in downloads] == ["Download CSV", "Download Excel"]
    assert all(b.proto.ignore_rerun and b.proto.deferred_file_id for b in downloads)
    table = at.dataframe[0].value
    assert len(table) == sum(SAMPLE_RESPONDENTS.values())
    assert {"respondent_id", "partner", "wave", "trust_1", "power_3"} <= set(table.columns)
    assert f"{len(table)} responses" in joined(at.caption)


def test_excel_is_not_offered_for_more_rows_than_a_sheet_holds(open_app, monkeypatch):
    from monitor import export

    rows = sum(SAMPLE_RESPONDENTS.values())
    monkeypatch.setattr(export, "EXCEL_MAX_ROWS", rows)  # the header takes one row
    at = open_app("pages/data.py")
    csv_button, excel_button = at.get("download_button")
    assert not csv_button.proto.disabled and excel_button.proto.disabled
    assert excel_button.proto.help == (
        f"{rows:,} rows: more than an Excel sheet holds. Download the CSV instead."
    )


# --- the sidebar filters ------------------------------------------------------------------


def test_switching_partnership_opens_its_latest_wave(open_app, empty_store, sample_csv):
    """Both partnerships have a 2025-Q1; the second also a 2025-Q2. The first is shown on
    its latest wave, so the second opens on its own latest one, not the first's."""
    import io

    from monitor.ingest import import_survey
    from monitor.store import close_all

    _, q2 = sample_csv
    q1 = q2.replace(b"2025-Q2", b"2025-Q1")
    db = open_database(empty_store)
    import_survey(db, io.BytesIO(q1), "alpha.csv", partnership="Alpha")
    import_survey(db, io.BytesIO(q1 + b"\n"), "beta-q1.csv", partnership="Beta")
    import_survey(db, io.BytesIO(q2), "beta-q2.csv", partnership="Beta")
    close_all()

    at = open_app("pages/overview.py")
    assert at.selectbox(key="partnership").value == "Alpha"
    assert at.selectbox(key="wave").value == "2025-Q1"
    no_exception(at.selectbox(key="partnership").set_value("Beta").run())
    assert at.selectbox(key="wave").value == "2025-Q2"
    assert "Beta · wave 2025-Q2" in joined(at.caption)
