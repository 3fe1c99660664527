"""Chart specs made once and shared: the same spec and data Streamlit's own conversion of
the Altair chart sends, made once per builder and content."""

import json

import pandas as pd
import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

from monitor import charts
from monitor.dashboard import specs
from tests.test_charts import GAPS, LATEST, MATRIX, VOICE

BUILDS = {
    "heatmap": lambda: charts.partner_heatmap(MATRIX),
    "gaps": lambda: charts.gap_chart(GAPS),
    "comparison": lambda: charts.comparison_chart(LATEST, "North"),
    "voice panel": lambda: charts.voice_panels(VOICE)[0],
}


def _named_apart(spec: dict) -> tuple[str, list[bytes]]:
    """The spec's text with its dataset names replaced by their order of first use,
    and its datasets in that order."""
    spec = dict(spec)
    datasets = spec.pop("datasets")
    text = json.dumps(spec, sort_keys=True)
    names = sorted(datasets, key=text.index)
    for number, name in enumerate(names):
        text = text.replace(name, f"dataset-{number}")
    return text, [datasets[name] for name in names]


@pytest.mark.parametrize("build", BUILDS.values(), ids=BUILDS.keys())
def test_spec_and_data_are_the_ones_streamlit_sends(build):
    ours, theirs = specs.spec_of(build()), _convert_altair_to_vega_lite_spec(build())
    assert _named_apart(ours) == _named_apart(theirs)


def test_data_are_arrow_bytes_named_by_their_content():
    spec = specs.spec_of(charts.gap_chart(GAPS))
    [(name, data)] = spec["datasets"].items()
    pd.testing.assert_frame_equal(convert_arrow_bytes_to_pandas_df(data), GAPS)
    assert specs.spec_of(charts.gap_chart(GAPS.copy()))["datasets"] == {name: data}
    other = GAPS.assign(gap=[1.2])
    assert name not in specs.spec_of(charts.gap_chart(other))["datasets"]


def test_a_builder_is_called_once_per_content():
    calls = []

    def counted(frame: pd.DataFrame, title: str):
        calls.append(title)
        return charts.gap_chart(frame).properties(title=title)

    first = specs.specs(counted, GAPS, "one")
    assert specs.specs(counted, GAPS.copy(), "one") == first
    assert calls == ["one"]
    assert specs.specs(counted, GAPS, title="two") != first
    assert specs.specs(counted, GAPS.assign(gap=[1.2]), "one") != first
    assert calls == ["one", "two", "one"]


def test_a_builder_of_small_charts_gives_one_spec_each():
    panels = specs.specs(charts.voice_panels, VOICE)
    assert len(panels) == len(charts.voice_panels(VOICE))
    assert panels[0] == specs.spec_of(charts.voice_panels(VOICE)[0])


def test_checked_and_unchecked_specs_are_kept_apart(monkeypatch):
    unchecked = specs.specs(charts.gap_chart, GAPS)
    monkeypatch.setattr(specs, "CHECK_SPECS", True)
    calls = []
    monkeypatch.setattr(specs, "spec_of", lambda figure: calls.append(figure) or {})
    specs.specs(charts.gap_chart, GAPS)
    assert len(calls) == 1 and unchecked


def test_specs_and_report_images_are_made_holding_altair_s_settings(monkeypatch):
    """The dashboard switches Altair's data transformer (a setting of every thread) while
    it makes a spec; the board report's images read the default one. Both hold one lock,
    so a report made while a page draws never gets the dashboard's setting."""
    from monitor import report

    held = []
    chart = charts.gap_chart(GAPS)

    class Probe:
        def to_dict(self, **options):
            held.append(charts.ALTAIR_SETTINGS.locked())
            return chart.to_dict(**options)

    assert report.chart_png(Probe())[:8] == b"\x89PNG\r\n\x1a\n"
    specs.spec_of(Probe())
    assert held == [True, True]
    assert not charts.ALTAIR_SETTINGS.locked()
