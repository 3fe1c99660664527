"""Pages of activity records, outcomes and several partnerships, under AppTest on the sample."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from shown import shown  # noqa: E402

from monitor.sample import SAMPLE_DIR  # noqa: E402

RIVERSIDE = "Riverside Community Safety Partnership"
WESTBROOK = "Westbrook Safer Neighbourhoods Partnership"


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def joined(elements) -> str:
    return "\n".join(shown(str(e.value)) for e in elements)


def test_activity_page_on_the_sample(open_app):
    at = open_app("pages/activity.py")
    assert [t.value for t in at.title] == ["Activity and cost"]
    warnings = joined(at.warning)
    assert "**Housing** changed its representative 1 time: 2 different people" in warnings
    assert "(s)" not in warnings
    assert "Police" not in warnings
    labels = [shown(m.label) for m in at.metric]
    assert "Minutes recorded, 2025-Q3" in labels
    assert [m.value for m in at.metric if shown(m.label) == "Minutes recorded, 2025-Q3"] == [
        "1 of 2"
    ]
    retention = next(d.value for d in at.dataframe if "Retained" in d.value.columns)
    assert retention["Retained"].tolist() == ["—", "30", "28", "27"]
    # Attendance, one capacity chart per partner (8), cost.
    assert len(at.main.get("vega_lite_chart")) == 1 + 8 + 1


def test_activity_page_follows_the_partnership_choice(open_app):
    at = open_app("pages/activity.py", query_params={"partnership": WESTBROOK})
    assert at.sidebar.selectbox(key="partnership").value == WESTBROOK
    assert "**Probation** changed its representative 1 time:" in joined(at.warning)


def test_hourly_cost_changes_the_total(open_app):
    at = open_app("pages/activity.py")
    at.number_input(key="hourly_cost").set_value(0.0).run()
    assert not at.exception
    cost = next(d.value for d in at.dataframe if "Total cost" in d.value.columns)
    assert (cost["Total cost"] == cost["Resources"]).all()


def test_outcomes_page_shows_the_caution(open_app):
    at = open_app("pages/outcomes.py")
    assert "association, not a cause" in joined(at.warning)
    changes = next(d.value for d in at.dataframe if "Category" in d.value.columns)
    assert "Anti-social behaviour" in set(changes["Category"])
    assert not at.exception


def test_outcomes_page_without_counts(open_app):
    at = open_app("pages/outcomes.py", query_params={"partnership": WESTBROOK})
    assert "No outcome counts for " + WESTBROOK in joined(at.info)


def test_compare_page_places_each_partnership(open_app):
    at = open_app("pages/compare.py")
    side = next(d.value for d in at.dataframe if "Factor" in d.value.columns)
    # Each column says which wave its scores come from.
    assert {f"{RIVERSIDE} (2025-Q4)", f"{WESTBROOK} (2025-H2)"} <= set(side.columns)
    scores_from = next(c.value for c in at.caption if c.value.startswith("Scores from: "))
    assert "Westbrook" in scores_from and "H2" in scores_from  # (escaped Markdown)
    place = next(d.value for d in at.dataframe if "Place" in d.value.columns)
    assert set(place["Place"]) <= {"1 of 2", "2 of 2"}
    assert len(place) == 10


def test_upload_an_activity_file(open_app, empty_store):
    at = open_app("pages/records.py")
    data = (SAMPLE_DIR / "westbrook_activity_2025.csv").read_bytes()
    at.text_input(key="records_partnership").set_value("Hilltop").run()
    at.file_uploader[0].set_value(("activity.csv", data, "text/csv")).run()
    assert "24 activity rows" in joined(at.success)
    at.button(key="records_go").click().run()
    assert not at.exception
    assert "Imported activity.csv as upload #1" in joined(at.success)
