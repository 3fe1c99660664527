"""Chart builders: the conditional encodings and shared data of the Vega-Lite specs."""

import pandas as pd
import pytest

from monitor import charts

MATRIX = pd.DataFrame(
    {
        "partner": ["Police", "Housing"],
        "factor_name": ["Trust", "Trust"],
        "mean": [4.1, None],
        "n": [5, 2],
        "band_label": ["Strength", None],
        "suppressed": [False, True],
        "secondary": [False, False],
    }
)
VOICE = pd.DataFrame(
    {
        "partner": ["Police", "Housing"],
        "factor_name": ["Trust", "Trust"],
        "mean": [4.1, 3.0],
        "overall": [3.6, 3.6],
        "difference": [0.5, -0.6],
        "n": [5, 4],
    }
)
GAPS = pd.DataFrame(
    {
        "factor_name": ["Trust"],
        "low": [3.0],
        "low_partner": ["Housing"],
        "high": [4.1],
        "high_partner": ["Police"],
        "gap": [1.1],
    }
)
LATEST = pd.DataFrame(
    {
        "partnership": ["North", "South"],
        "wave": ["2025-Q1", "2025-H1"],
        "factor_name": ["Trust", "Trust"],
        "mean": [3.5, 3.9],
        "n": [20, 12],
    }
)


def _at(spec: dict, path: tuple) -> object:
    for step in path:
        spec = spec[step]
    return spec


@pytest.mark.parametrize(
    "build, path, expected",
    [
        (
            lambda: charts.partner_heatmap(MATRIX),
            ("layer", 0, "encoding", "color", "condition"),
            {"test": "datum.suppressed", "value": charts.SUPPRESSED_COLOUR},
        ),
        (
            lambda: charts.voice_panels(VOICE)[0],
            ("encoding", "color"),
            {
                "condition": {
                    "test": "datum.difference < 0",
                    "value": charts.BAND_COLOURS["concern"],
                },
                "value": charts.BAND_COLOURS["strength"],
            },
        ),
        (
            lambda: charts.comparison_chart(LATEST, "North"),
            ("layer", 1, "encoding", "size"),
            {"condition": {"test": "datum.chosen", "value": 220}, "value": 90},
        ),
        (
            lambda: charts.gap_chart(GAPS),
            ("layer", 0, "encoding", "x2"),
            {"field": "high"},
        ),
    ],
)
def test_encodings(build, path, expected):
    assert _at(build().to_dict(), path) == expected


@pytest.mark.parametrize(
    "build, layers",
    [
        (lambda: charts.partner_heatmap(MATRIX), 2),
        (lambda: charts.gap_chart(GAPS), 2),
        (lambda: charts.comparison_chart(LATEST, "North"), 2),
    ],
)
def test_layers_share_one_dataset(build, layers):
    spec = build().to_dict()
    assert len(spec["layer"]) == layers
    assert "data" in spec and not any("data" in layer for layer in spec["layer"])
    assert len(spec["datasets"]) == 1


def test_charts_are_drawn_without_the_schema_check_only_when_asked(monkeypatch):
    import altair as alt

    from monitor.dashboard import specs

    wrong = alt.Chart(pd.DataFrame({"x": [1]})).mark_bar().encode(x="x:Q")
    wrong["width"] = "wide"  # not a width the Vega-Lite schema allows
    assert specs.spec_of(wrong)["width"] == "wide"
    monkeypatch.setattr(specs, "CHECK_SPECS", True)
    with pytest.raises(alt.utils.schemapi.SchemaValidationError):
        specs.spec_of(wrong)
