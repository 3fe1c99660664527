"""The monitoring analytics on the dashboard: weighting, change since the first wave,
survey quality, power differential, the name-only warning, secondary suppression and the
settings page (each test has its own database, filled with the sample)."""

from __future__ import annotations

import io

import pandas as pd
import streamlit as st
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from monitor import name_only
from monitor.ingest import import_survey
from monitor.instrument import load_instrument
from monitor.store import close_all, config, lookups, open_database


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def joined(elements) -> str:
    return "\n".join(texts(elements))


def no_exception(at: AppTest) -> AppTest:
    assert not at.exception, texts(at.exception)
    return at


def chart_data(at: AppTest, index: int = 0) -> pd.DataFrame:
    chart = at.main.get("vega_lite_chart")[index].proto
    return convert_arrow_bytes_to_pandas_df(chart.datasets[0].data.data)


def table(at: AppTest, column: str) -> pd.DataFrame:
    """The first dataframe on the page that has `column`."""
    for frame in at.dataframe:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"no table with {column!r}")


def test_overview_shows_change_since_previous_and_first_wave(open_app):
    at = open_app()
    card = table(at, "Since first wave")
    assert len(card) == 10
    assert list(card.columns) == [
        "Factor", "Score", "Band", "Since last wave", "Since first wave", "Respondents",
    ]  # fmt: skip
    verdicts = " ".join(card["Since first wave"])
    assert any(v in verdicts for v in ("rose", "fell", "no clear change"))
    # Each change with its interval in the same cell: "+0.50 (+0.24 to +0.75), rose".
    assert all(" to " in cell for cell in card["Since last wave"])
    tested = table(at, "Method of change")
    assert len(tested) == 10


def test_weighting_switch_is_in_the_address(open_app):
    at = open_app()
    person = table(at, "Score")["Score"].tolist()
    radio = at.sidebar.radio(key="weighting")
    assert radio.value == "person"
    assert radio.proto.query_param_key == "weighting"
    no_exception(radio.set_value("agency").run())
    assert "one agency, one vote" in joined(at.caption)
    assert table(at, "Score")["Score"].tolist() != person


def test_shared_link_with_agency_weighting(open_app):
    open_app()
    # The address holds the option as shown, e.g. ?weighting=One+agency%2C+one+vote
    at = open_app("pages/trends.py", query_params={"weighting": "One agency, one vote"})
    assert at.sidebar.radio(key="weighting").value == "agency"


def test_trends_chart_the_power_differential(open_app):
    at = open_app("pages/trends.py")
    assert "Power differential between agencies" in texts(at.subheader)
    charts = at.main.get("vega_lite_chart")
    spread = chart_data(at, len(charts) - 1)
    assert {"tau", "icc", "p_value", "sd", "range", "partners"} <= set(spread.columns)
    assert set(spread["factor"]) == {"trust", "power", "capacity"}


def test_quality_page(open_app):
    at = open_app("pages/quality.py")
    assert texts(at.title) == ["Survey quality"]
    alpha = table(at, "Cronbach's alpha")
    assert set(alpha["Reliability"]) <= {"low", "possibly low", "acceptable", "too few to judge"}
    assert "95% interval" in alpha.columns
    items = table(at, "Missing")
    assert {"Item", "Respondents", "Answered"} <= set(items.columns)
    assert len(at.main.get("vega_lite_chart")) == 2
    statements = {item.statement for item in load_instrument().items}
    assert set(chart_data(at, 1)["statement"]) == statements  # not item ids
    # The sample's statements are rarely left unanswered.
    assert not [w for w in texts(at.warning) if "unanswered" in w]


def test_quality_page_lists_statements_often_left_unanswered(open_app, empty_store):
    ids = load_instrument().item_ids
    rows = [",".join(["respondent_id", "partner", "wave", *ids])]
    for n in range(10):  # trust_2 left blank by 4 of 10
        answers = ["" if item == "trust_2" and n < 4 else "4" for item in ids]
        rows.append(",".join([f"R{n}", "Police", "2025-Q1", *answers]))
    db = open_database(str(empty_store))
    import_survey(db, io.BytesIO("\n".join(rows).encode()), "skipped.csv", partnership="P")
    close_all()
    at = open_app("pages/quality.py")
    warnings = texts(at.warning)
    assert "Left unanswered by more than 20% of respondents in a wave:" in warnings
    flagged = table(at, "Statement")
    trust_2 = next(item.statement for item in load_instrument().items if item.id == "trust_2")
    assert flagged["Statement"].tolist() == [trust_2]
    assert flagged["Missing"].tolist() == ["40.0%"]
    bars = chart_data(at, 1).set_index("statement")
    assert bars.loc[trust_2, "level"] == "more than 20%"
    assert set(bars.drop(index=trust_2)["level"]) == {"20% or less"}


def test_partners_page_hides_the_next_smallest_partner(open_app, monkeypatch):
    monkeypatch.setenv("MONITOR_MIN_GROUP_SIZE", "3")
    at = open_app("pages/partners.py")
    # In 2025-Q3 Youth Service had 2 respondents: alone it could be recovered from the total.
    no_exception(at.sidebar.selectbox(key="wave").set_value("2025-Q3").run())
    notes = [n for n in texts(at.info) if n.startswith("Also not shown")]
    assert len(notes) == 1 and "Housing" in notes[0]
    heat = chart_data(at, 0)
    hidden = heat[heat["suppressed"]]
    assert set(hidden["partner"]) >= {"Youth Service", "Housing"}
    assert hidden["mean"].isna().all()


def test_partners_page_warns_of_partners_in_name_only(open_app):
    at = open_app("pages/partners.py")
    assert "Partnership in name only?" in texts(at.subheader)
    assert at.warning or name_only.NONE_FLAGGED in texts(at.success)


def test_settings_page_changes_every_page(open_app, db_path):
    at = open_app("pages/settings.py")
    assert texts(at.title) == ["Settings"]
    at.number_input[0].set_value(6)
    no_exception(at.button[0].click().run())
    assert config.stored_settings(open_database(str(db_path)))["min_group_size"] == "6"
    assert "Settings saved." in texts(at.success)
    at.switch_page("pages/partners.py").run()
    assert "fewer than 6 respondents" in joined(at.caption)


def test_partners_page_says_a_small_new_wave_cannot_be_checked(
    open_app, db_path, instrument, files
):
    open_app()  # the first run fills the store with the sample
    db = open_database(str(db_path))
    partnership = lookups.partnerships(db)[0]
    agencies = lookups.partners(db, partnership)
    header = ["respondent_id", "partner", "wave", *instrument.item_ids]
    rows = [[f"new{i}", agencies[i % len(agencies)], "2026-Q1", *[3] * len(instrument.item_ids)]
            for i in range(15)]  # fmt: skip
    import_survey(db, io.BytesIO(files.csv([header, *rows])), "new.csv", partnership=partnership)
    st.cache_data.clear()  # as after an upload on the Upload page
    at = open_app("pages/partners.py", query_params={"wave": "2026-Q1"})
    assert any("cannot be made for any agency in wave 2026-Q1" in n for n in texts(at.info))
    assert name_only.NONE_FLAGGED not in texts(at.success)
    assert any("Community Group" in w and "up to 2025-Q4" in w for w in texts(at.warning))
