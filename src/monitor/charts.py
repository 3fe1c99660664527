"""Chart builders: pure functions, a DataFrame of aggregates in, an `alt.Chart` out.

All charts share one theme (registered as "partnership_monitor"). Colours come
from the Okabe-Ito palette, which stays distinguishable with colour-vision
deficiency; bands are always named in text too, never by colour alone.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from monitor.instrument import Instrument, load_instrument

THEME = "partnership_monitor"
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
BAND_COLOURS = {"strength": "#0072B2", "borderline": "#E69F00", "concern": "#D55E00"}
SUPPRESSED_COLOUR = "#d9d9d9"


@alt.theme.register(THEME, enable=True)
def _theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": "Source Sans Pro, Helvetica, Arial, sans-serif",
            "axis": {"labelFontSize": 12, "titleFontSize": 13, "labelLimit": 260},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 260},
            "header": {"labelFontSize": 12, "titleFontSize": 13},
            "title": {"fontSize": 15, "anchor": "start"},
            "range": {"category": OKABE_ITO},
            "view": {"stroke": None},
        }
    }


def _band_scale(instrument: Instrument) -> alt.Scale:
    return alt.Scale(
        domain=[b.label for b in instrument.bands],
        range=[BAND_COLOURS.get(b.key, "#999999") for b in instrument.bands],
    )


def _score_axis(instrument: Instrument) -> alt.Scale:
    return alt.Scale(domain=[instrument.scale_min, instrument.scale_max], nice=False, zero=False)


def _ticks(instrument: Instrument) -> list[float]:
    """Whole and half points of the answer scale."""
    steps = 2 * (instrument.scale_max - instrument.scale_min)
    return [instrument.scale_min + k / 2 for k in range(steps + 1)]


def _factor_order(instrument: Instrument) -> list[str]:
    return [f.name for f in instrument.factors]


def _wave_order(frame: pd.DataFrame) -> list[str]:
    return frame.sort_values("wave_start")["wave"].drop_duplicates().tolist()


SCORE_TOOLTIP = [
    alt.Tooltip("factor_name:N", title="Factor"),
    alt.Tooltip("wave:N", title="Wave"),
    alt.Tooltip("mean:Q", title="Score", format=".2f"),
    alt.Tooltip("ci_low:Q", title="95% low", format=".2f"),
    alt.Tooltip("ci_high:Q", title="95% high", format=".2f"),
    alt.Tooltip("n:Q", title="Respondents"),
]


def scorecard_chart(card: pd.DataFrame, instrument: Instrument | None = None) -> alt.Chart:
    """Each factor's score with its 95% interval, coloured and labelled by band."""
    instrument = instrument or load_instrument()
    y = alt.Y("factor_name:N", sort=_factor_order(instrument), title=None)
    x_scale = _score_axis(instrument)
    base = alt.Chart(card).encode(y=y)
    interval = base.mark_rule(strokeWidth=2, color="#555").encode(
        x=alt.X(
            "ci_low:Q",
            scale=x_scale,
            title="Score (95% interval)",
            axis=alt.Axis(values=_ticks(instrument)),
        ),
        x2="ci_high:Q",
    )
    points = base.mark_point(filled=True, size=140).encode(
        x=alt.X("mean:Q", scale=x_scale),
        color=alt.Color("band_label:N", scale=_band_scale(instrument), title="Band"),
        shape=alt.Shape(
            "band_label:N",
            scale=alt.Scale(domain=[b.label for b in instrument.bands]),
            title="Band",
        ),
        tooltip=[*SCORE_TOOLTIP, alt.Tooltip("band_label:N", title="Band")],
    )
    labels = base.mark_text(align="center", dy=-13, fontSize=11).encode(
        x=alt.X("mean:Q", scale=x_scale), text=alt.Text("mean:Q", format=".2f")
    )
    thresholds = pd.DataFrame({"min": [b.min for b in instrument.bands[:-1]]})
    rules = (
        alt.Chart(thresholds)
        .mark_rule(strokeDash=[4, 4], color="#999")
        .encode(x=alt.X("min:Q", scale=x_scale))
    )
    return (rules + interval + points + labels).properties(height=alt.Step(36))


def trend_chart(scores: pd.DataFrame, instrument: Instrument | None = None) -> alt.Chart:
    """Factor scores across waves: a line per factor with its 95% interval as a band."""
    instrument = instrument or load_instrument()
    x = alt.X("wave:N", sort=_wave_order(scores), title="Wave", axis=alt.Axis(labelAngle=0))
    y_scale = _score_axis(instrument)
    order = [name for name in _factor_order(instrument) if name in set(scores["factor_name"])]
    colour = alt.Color("factor_name:N", sort=order, scale=alt.Scale(domain=order), title="Factor")
    base = alt.Chart(scores).encode(x=x, color=colour)
    band = base.mark_area(opacity=0.15).encode(
        y=alt.Y("ci_low:Q", scale=y_scale, title="Score"),
        y2="ci_high:Q",
        color=alt.Color("factor_name:N", scale=alt.Scale(domain=order), legend=None),
    )
    line = base.mark_line(point=True).encode(
        y=alt.Y("mean:Q", scale=y_scale), tooltip=SCORE_TOOLTIP
    )
    return (band + line).resolve_legend(color="independent").properties(height=380)


def trend_small_multiples(scores: pd.DataFrame, instrument: Instrument | None = None) -> alt.Chart:
    """One small trend panel per factor (same scales), bands marked by threshold lines."""
    instrument = instrument or load_instrument()
    x = alt.X("wave:N", sort=_wave_order(scores), title=None, axis=alt.Axis(labelAngle=-45))
    y_scale = _score_axis(instrument)
    base = alt.Chart().encode(x=x)
    band = base.mark_area(opacity=0.2, color=OKABE_ITO[0]).encode(
        y=alt.Y("ci_low:Q", scale=y_scale, title="Score"), y2="ci_high:Q"
    )
    line = base.mark_line(point=True, color=OKABE_ITO[0]).encode(
        y=alt.Y("mean:Q", scale=y_scale), tooltip=SCORE_TOOLTIP
    )
    layered = alt.layer(band, line, data=scores).properties(width=140, height=110)
    return layered.facet(
        facet=alt.Facet(
            "factor_name:N",
            sort=_factor_order(instrument),
            title=None,
            header=alt.Header(labelLimit=150, labelFontSize=11),
        ),
        columns=5,
        spacing=14,
    )


def partner_heatmap(matrix: pd.DataFrame, instrument: Instrument | None = None) -> alt.Chart:
    """Partner x factor scores; suppressed cells are grey and say why."""
    instrument = instrument or load_instrument()
    data = matrix.assign(
        label=matrix.apply(
            lambda r: (
                ("hidden" if r.get("secondary", False) else f"n<{int(r.n) + 1}")
                if r.suppressed
                else f"{r['mean']:.1f}"
            ),
            axis=1,
        )
        if len(matrix)
        else []
    )
    x = alt.X(
        "factor_name:N",
        sort=_factor_order(instrument),
        title=None,
        axis=alt.Axis(labelAngle=-35, labelOverlap=False),
    )
    y = alt.Y("partner:N", title=None, axis=alt.Axis(labelOverlap=False))
    base = alt.Chart(data).encode(x=x, y=y)
    cells = base.mark_rect(stroke="white").encode(
        color=alt.condition(
            "datum.suppressed",
            alt.value(SUPPRESSED_COLOUR),
            alt.Color(
                "mean:Q",
                scale=alt.Scale(
                    scheme="blueorange",
                    reverse=True,
                    domain=[instrument.scale_min, instrument.scale_max],
                    domainMid=(instrument.scale_min + instrument.scale_max) / 2,
                ),
                title="Score",
            ),
        ),
        tooltip=[
            alt.Tooltip("partner:N", title="Partner"),
            alt.Tooltip("factor_name:N", title="Factor"),
            alt.Tooltip("mean:Q", title="Score", format=".2f"),
            alt.Tooltip("n:Q", title="Respondents"),
            alt.Tooltip("band_label:N", title="Band"),
        ],
    )
    text = base.mark_text(fontSize=11).encode(text="label:N")
    return (cells + text).properties(height=alt.Step(30))


def gap_chart(gaps: pd.DataFrame, instrument: Instrument | None = None) -> alt.Chart:
    """For each factor, the lowest and highest partner score joined by a line."""
    instrument = instrument or load_instrument()
    y = alt.Y("factor_name:N", sort=alt.EncodingSortField("gap", order="descending"), title=None)
    x_scale = _score_axis(instrument)
    base = alt.Chart(gaps).encode(y=y)
    rule = base.mark_rule(strokeWidth=3, color="#999").encode(
        x=alt.X("low:Q", scale=x_scale, title="Lowest and highest partner score"), x2="high:Q"
    )
    tip = [
        alt.Tooltip("factor_name:N", title="Factor"),
        alt.Tooltip("low_partner:N", title="Lowest"),
        alt.Tooltip("low:Q", format=".2f"),
        alt.Tooltip("high_partner:N", title="Highest"),
        alt.Tooltip("high:Q", format=".2f"),
        alt.Tooltip("gap:Q", title="Gap", format=".2f"),
    ]
    low = base.mark_point(filled=True, size=110, color=BAND_COLOURS["concern"]).encode(
        x="low:Q", tooltip=tip
    )
    high = base.mark_point(filled=True, size=110, color=BAND_COLOURS["strength"]).encode(
        x="high:Q", tooltip=tip
    )
    return (rule + low + high).properties(height=alt.Step(32))


def voice_chart(voice: pd.DataFrame) -> alt.Chart:
    """Each partner's distance from the partnership's score on power and trust."""
    y = alt.Y("partner:N", sort=alt.EncodingSortField("difference", op="min"), title=None)
    bars = (
        alt.Chart(voice)
        .mark_bar()
        .encode(
            y=y,
            x=alt.X("difference:Q", title="Difference from the partnership's score"),
            color=alt.condition(
                "datum.difference < 0",
                alt.value(BAND_COLOURS["concern"]),
                alt.value(BAND_COLOURS["strength"]),
            ),
            tooltip=[
                alt.Tooltip("partner:N", title="Partner"),
                alt.Tooltip("factor_name:N", title="Factor"),
                alt.Tooltip("mean:Q", title="Partner score", format=".2f"),
                alt.Tooltip("overall:Q", title="Partnership score", format=".2f"),
                alt.Tooltip("difference:Q", format="+.2f"),
                alt.Tooltip("n:Q", title="Respondents"),
            ],
        )
        .properties(width=300, height=alt.Step(28))
    )
    return bars.facet(column=alt.Column("factor_name:N", title=None))


def responses_chart(counts: pd.DataFrame) -> alt.Chart:
    """Respondents per partner."""
    return (
        alt.Chart(counts)
        .mark_bar(color=OKABE_ITO[0])
        .encode(
            y=alt.Y("partner:N", title=None, sort="-x"),
            x=alt.X("respondents:Q", title="Respondents", axis=alt.Axis(tickMinStep=1)),
            tooltip=["partner:N", "respondents:Q"],
        )
        .properties(height=alt.Step(26))
    )


def power_index_chart(index: pd.DataFrame) -> alt.Chart:
    """Power differential over time: the standard deviation of partner means per factor
    and wave (colour and point shape per factor, hover for range and Gini)."""
    order = [n for n in index.drop_duplicates("factor")["factor_name"]]
    x = alt.X("wave:N", sort=_wave_order(index), title="Wave", axis=alt.Axis(labelAngle=0))
    return (
        alt.Chart(index)
        .mark_line(point=alt.OverlayMarkDef(size=70, filled=True))
        .encode(
            x=x,
            y=alt.Y("sd:Q", title="Spread of partner means (SD)", scale=alt.Scale(zero=True)),
            color=alt.Color(
                "factor_name:N", sort=order, scale=alt.Scale(domain=order), title="Factor"
            ),
            shape=alt.Shape(
                "factor_name:N", sort=order, scale=alt.Scale(domain=order), title="Factor"
            ),
            tooltip=[
                alt.Tooltip("factor_name:N", title="Factor"),
                alt.Tooltip("wave:N", title="Wave"),
                alt.Tooltip("partners:Q", title="Partners compared"),
                alt.Tooltip("sd:Q", title="SD of partner means", format=".2f"),
                alt.Tooltip("range:Q", title="Range", format=".2f"),
                alt.Tooltip("gini:Q", title="Gini", format=".3f"),
            ],
        )
        .properties(height=320)
    )


def reliability_chart(alpha: pd.DataFrame, low: float) -> alt.Chart:
    """Cronbach's alpha per factor (rows) and wave (columns); low values marked "low"."""
    data = alpha.assign(
        label=[
            "–" if pd.isna(a) else (f"{a:.2f} low" if a < low else f"{a:.2f}")
            for a in alpha["alpha"]
        ],
        status=["low" if flag else "acceptable" for flag in alpha["low"]],
    )
    x = alt.X("wave:N", sort=_wave_order(alpha), title="Wave", axis=alt.Axis(labelAngle=0))
    y = alt.Y("factor_name:N", sort=None, title=None, axis=alt.Axis(labelOverlap=False))
    base = alt.Chart(data).encode(x=x, y=y)
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color(
            "status:N",
            scale=alt.Scale(domain=["acceptable", "low"], range=["#56B4E9", "#E69F00"]),
            title=f"Reliability (low: alpha < {low:.2f})",
        ),
        tooltip=[
            alt.Tooltip("factor_name:N", title="Factor"),
            alt.Tooltip("wave:N", title="Wave"),
            alt.Tooltip("alpha:Q", title="Cronbach's alpha", format=".2f"),
            alt.Tooltip("n_complete:Q", title="Complete answers"),
        ],
    )
    text = base.mark_text(fontSize=11, color="black").encode(text="label:N")
    return (cells + text).properties(height=alt.Step(28), width=alt.Step(90))


def missing_chart(items: pd.DataFrame) -> alt.Chart:
    """Share of missing answers per item (averaged over the waves shown)."""
    data = (
        items.groupby(["item_id", "factor"], sort=False)
        .agg(missing_rate=("missing_rate", "mean"), respondents=("respondents", "sum"))
        .reset_index()
    )
    return (
        alt.Chart(data)
        .mark_bar(color=OKABE_ITO[3])
        .encode(
            y=alt.Y("item_id:N", sort=None, title=None),
            x=alt.X("missing_rate:Q", title="Missing answers", axis=alt.Axis(format="%")),
            tooltip=[
                alt.Tooltip("item_id:N", title="Item"),
                alt.Tooltip("missing_rate:Q", title="Missing", format=".1%"),
                alt.Tooltip("respondents:Q", title="Responses"),
            ],
        )
        .properties(height=alt.Step(14))
    )


# --- activity records, outcomes and several partnerships ---------------------------------
