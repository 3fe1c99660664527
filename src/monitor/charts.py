"""Chart builders: pure functions, a DataFrame of aggregates in, an `alt.Chart` out.

All charts share one theme (registered as "partnership_monitor"). Colours come
from the Okabe-Ito palette, which stays distinguishable with colour-vision
deficiency; bands are always named in text too, never by colour alone.
"""

from __future__ import annotations

import json
import textwrap
import threading
from collections.abc import Iterable

import altair as alt
import pandas as pd

from monitor.instrument import Instrument, load_instrument
from monitor.wording import money, plural

THEME = "partnership_monitor"
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
BAND_COLOURS = {"strength": "#0072B2", "borderline": "#E69F00", "concern": "#D55E00"}
SUPPRESSED_COLOUR = "#d9d9d9"
# Altair keeps its data transformer in a setting shared by every thread. The dashboard
# switches it for a moment to make its specs (monitor.dashboard.specs); whoever turns a
# chart into its spec holds this lock, so no thread sees another's setting.
ALTAIR_SETTINGS = threading.Lock()


@alt.theme.register(THEME, enable=True)
def _theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": "Source Sans Pro, Helvetica, Arial, sans-serif",
            "axis": {"labelFontSize": 12, "titleFontSize": 13, "labelLimit": 260},
            # Legends below the plot, one entry a line: the plot keeps the full width
            # of a phone's screen.
            "legend": {
                "labelFontSize": 12,
                "titleFontSize": 12,
                "labelLimit": 260,
                "orient": "bottom",
                "columns": 1,
            },
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


def _when(test: str, value: object) -> dict:
    """The `condition` of an encoding: `value` where the Vega expression `test` holds.

    Written out instead of `alt.condition(...)`, whose result Altair converts back into
    an encoding object through a slow schema lookup each time a chart is built."""
    return {"test": test, "value": value}


NAME_WIDTH = 20  # characters a line of a long name gets on an axis or in a legend
# Height of a chart in a grid of small charts. A chart as wide as its column is fitted
# into its height with its title and axis labels, so this leaves the plot about 120 px.
PANEL_HEIGHT = 220


def wrapped(values: Iterable[object], width: int = NAME_WIDTH) -> str:
    """A Vega `labelExpr` writing each long name of `values` on several lines of at
    most `width` characters (so names are never cut: "Communication and
    accountability" becomes two lines). Other labels are shown as they are."""
    lines = {
        str(v): textwrap.wrap(str(v), width) for v in dict.fromkeys(values) if len(str(v)) > width
    }
    if not lines:
        return "datum.label"
    return f"({json.dumps(lines)})[datum.label] || datum.label"


def _names_axis(values: Iterable[object], width: int = NAME_WIDTH, **options) -> alt.Axis:
    """An axis of names (factors, partners, statements), long ones wrapped."""
    return alt.Axis(labelExpr=wrapped(values, width), labelOverlap=False, **options)


def _title(text: str, width: int = 26) -> alt.TitleParams:
    """A panel's title, on several lines when long."""
    return alt.TitleParams(textwrap.wrap(text, width) or [text], fontSize=12, anchor="middle")


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


SCORECARD_COLUMNS = ["factor_name", "wave", "mean", "ci_low", "ci_high", "n", "band_label"]


def scorecard_chart(card: pd.DataFrame, instrument: Instrument | None = None) -> alt.Chart:
    """Each factor's score with its 95% interval, coloured and labelled by band."""
    instrument = instrument or load_instrument()
    card = card.dropna(subset=["mean"])[SCORECARD_COLUMNS]  # only what the chart draws
    order = _factor_order(instrument)
    y = alt.Y("factor_name:N", sort=order, title=None, axis=_names_axis(order))
    x_scale = _score_axis(instrument)
    base = alt.Chart(card).encode(y=y)
    interval = base.mark_rule(strokeWidth=2, color="#555").encode(
        x=alt.X(
            "ci_low:Q",
            scale=x_scale,
            title="Score (95% interval)",
            axis=alt.Axis(values=_ticks(instrument)),
        ),
        x2=alt.X2("ci_high:Q"),
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
    return alt.layer(rules, interval, points, labels).properties(height=alt.Step(40))


def trend_chart(scores: pd.DataFrame, instrument: Instrument | None = None) -> alt.Chart:
    """Factor scores across waves: a line per factor with its 95% interval as a band."""
    instrument = instrument or load_instrument()
    x = alt.X("wave:N", sort=_wave_order(scores), title="Wave", axis=alt.Axis(labelAngle=0))
    y_scale = _score_axis(instrument)
    order = [name for name in _factor_order(instrument) if name in set(scores["factor_name"])]
    colour = alt.Color(
        "factor_name:N",
        sort=order,
        scale=alt.Scale(domain=order),
        title="Factor",
        legend=alt.Legend(labelExpr=wrapped(order, 40)),
    )
    base = alt.Chart().encode(x=x, color=colour)
    band = base.mark_area(opacity=0.15).encode(
        y=alt.Y("ci_low:Q", scale=y_scale, title="Score"),
        y2=alt.Y2("ci_high:Q"),
        color=alt.Color("factor_name:N", scale=alt.Scale(domain=order), legend=None),
    )
    line = base.mark_line(point=True).encode(
        y=alt.Y("mean:Q", scale=y_scale), tooltip=SCORE_TOOLTIP
    )
    layered = alt.layer(band, line, data=scores)
    return layered.resolve_legend(color="independent").properties(height=380)


def trend_small_multiples(scores: pd.DataFrame, instrument: Instrument | None = None) -> alt.Chart:
    """One small trend panel per factor (same scales), bands marked by threshold lines."""
    instrument = instrument or load_instrument()
    x = alt.X("wave:N", sort=_wave_order(scores), title=None, axis=alt.Axis(labelAngle=-45))
    y_scale = _score_axis(instrument)
    base = alt.Chart().encode(x=x)
    band = base.mark_area(opacity=0.2, color=OKABE_ITO[0]).encode(
        y=alt.Y("ci_low:Q", scale=y_scale, title="Score"), y2=alt.Y2("ci_high:Q")
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
            header=alt.Header(labelExpr=wrapped(_factor_order(instrument), 24), labelFontSize=11),
        ),
        columns=5,
        spacing=14,
    )


def trend_panels(scores: pd.DataFrame, instrument: Instrument | None = None) -> list[alt.Chart]:
    """The small multiples of `trend_small_multiples` as one chart per factor (in the
    instrument's order), for a page to lay out in a grid that stacks on a phone."""
    instrument = instrument or load_instrument()
    x = alt.X("wave:N", sort=_wave_order(scores), title=None, axis=alt.Axis(labelAngle=-45))
    y_scale = _score_axis(instrument)
    panels = []
    for name in _factor_order(instrument):
        part = scores[scores["factor_name"] == name]
        if part.empty:
            continue
        base = alt.Chart().encode(x=x)
        band = base.mark_area(opacity=0.2, color=OKABE_ITO[0]).encode(
            y=alt.Y("ci_low:Q", scale=y_scale, title=None), y2=alt.Y2("ci_high:Q")
        )
        line = base.mark_line(point=True, color=OKABE_ITO[0]).encode(
            y=alt.Y("mean:Q", scale=y_scale), tooltip=SCORE_TOOLTIP
        )
        panel = alt.layer(band, line, data=part)
        panels.append(panel.properties(height=PANEL_HEIGHT, title=_title(name, 16)))
    return panels


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
    order = _factor_order(instrument)
    y = alt.Y("factor_name:N", sort=order, title=None, axis=_names_axis(order))
    partners = sorted(matrix["partner"].unique()) if len(matrix) else []
    x = alt.X(
        "partner:N",
        title=None,
        axis=_names_axis(partners, 40, labelAngle=-45, orient="top"),
    )
    base = alt.Chart().encode(x=x, y=y)
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color(
            "mean:Q",
            scale=alt.Scale(
                scheme="blueorange",
                reverse=True,
                domain=[instrument.scale_min, instrument.scale_max],
                domainMid=(instrument.scale_min + instrument.scale_max) / 2,
            ),
            title="Score",
            condition=_when("datum.suppressed", SUPPRESSED_COLOUR),
        ),
        tooltip=[
            alt.Tooltip("partner:N", title="Partner"),
            alt.Tooltip("factor_name:N", title="Factor"),
            alt.Tooltip("mean:Q", title="Score", format=".2f"),
            alt.Tooltip("n:Q", title="Respondents"),
            alt.Tooltip("band_label:N", title="Band"),
        ],
    )
    text = base.mark_text(fontSize=10).encode(text=alt.Text("label:N"))
    return alt.layer(cells, text, data=data).properties(height=alt.Step(34))


GAP_ENDS = {"low": "Lowest-scoring partner", "high": "Highest-scoring partner"}


def gap_chart(gaps: pd.DataFrame, instrument: Instrument | None = None) -> alt.Chart:
    """For each factor, the lowest and highest partner score joined by a line; the
    legend says which end is which."""
    instrument = instrument or load_instrument()
    names = gaps["factor_name"].tolist()
    y = alt.Y(
        "factor_name:N",
        sort=alt.EncodingSortField("gap", order="descending"),
        title=None,
        axis=_names_axis(names),
    )
    x_scale = _score_axis(instrument)
    rule = (
        alt.Chart()
        .mark_rule(strokeWidth=3, color="#999")
        .encode(
            y=y,
            x=alt.X("low:Q", scale=x_scale, title="Lowest and highest partner score"),
            x2=alt.X2("high:Q"),
        )
    )
    low, high = GAP_ENDS["low"], GAP_ENDS["high"]
    points = (
        alt.Chart()
        .transform_fold(["low", "high"], as_=["end_key", "score"])
        .transform_calculate(
            end=f"datum.end_key == 'low' ? {json.dumps(low)} : {json.dumps(high)}",
            partner="datum.end_key == 'low' ? datum.low_partner : datum.high_partner",
        )
        .mark_point(filled=True, size=110, opacity=1)
        .encode(
            y=y,
            x=alt.X("score:Q", scale=x_scale),
            color=alt.Color(
                "end:N",
                title=None,
                scale=alt.Scale(
                    domain=[low, high],
                    range=[BAND_COLOURS["concern"], BAND_COLOURS["strength"]],
                ),
            ),
            shape=alt.Shape(
                "end:N",
                title=None,
                scale=alt.Scale(domain=[low, high], range=["diamond", "circle"]),
            ),
            tooltip=[
                alt.Tooltip("factor_name:N", title="Factor"),
                alt.Tooltip("end:N", title="End"),
                alt.Tooltip("partner:N", title="Partner"),
                alt.Tooltip("score:Q", title="Score", format=".2f"),
                alt.Tooltip("gap:Q", title="Gap", format=".2f"),
            ],
        )
    )
    return alt.layer(rule, points, data=gaps).properties(height=alt.Step(40))


def voice_panels(voice: pd.DataFrame) -> list[alt.Chart]:
    """Per voice factor, each partner's distance from the partnership's score (one chart
    per factor, for a grid that stacks on a phone)."""
    panels = []
    for name, part in voice.groupby("factor_name", sort=False):
        y = alt.Y(
            "partner:N",
            sort=alt.EncodingSortField("difference", order="ascending"),
            title=None,
            axis=_names_axis(part["partner"], 16),
        )
        bars = (
            alt.Chart(part)
            .mark_bar()
            .encode(
                y=y,
                x=alt.X("difference:Q", title="Difference from the partnership's score"),
                color=alt.ColorValue(
                    BAND_COLOURS["strength"],
                    condition=_when("datum.difference < 0", BAND_COLOURS["concern"]),
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
            .properties(height=alt.Step(28), title=_title(str(name), 40))
        )
        panels.append(bars)
    return panels


def responses_chart(counts: pd.DataFrame) -> alt.Chart:
    """Respondents per partner."""
    return (
        alt.Chart(counts)
        .mark_bar(color=OKABE_ITO[0])
        .encode(
            y=alt.Y("partner:N", title=None, sort="-x", axis=_names_axis(counts["partner"])),
            x=alt.X("respondents:Q", title="Respondents", axis=alt.Axis(tickMinStep=1)),
            tooltip=[alt.Tooltip("partner:N"), alt.Tooltip("respondents:Q")],
        )
        .properties(height=alt.Step(26))
    )


def power_index_chart(index: pd.DataFrame) -> alt.Chart:
    """Power differential over time: tau, the between-agency sd net of sampling noise,
    per factor and wave (colour and point shape per factor; hover for ICC, p, raw sd
    and range)."""
    order = [n for n in index.drop_duplicates("factor")["factor_name"]]
    x = alt.X("wave:N", sort=_wave_order(index), title="Wave", axis=alt.Axis(labelAngle=0))
    return (
        alt.Chart(index)
        .mark_line(point=alt.OverlayMarkDef(size=70, filled=True))
        .encode(
            x=x,
            y=alt.Y(
                "tau:Q",
                title=["Spread between agencies", "net of noise (tau)"],
                scale=alt.Scale(zero=True),
            ),
            color=alt.Color(
                "factor_name:N",
                sort=order,
                scale=alt.Scale(domain=order),
                title="Factor",
                legend=alt.Legend(labelExpr=wrapped(order, 40)),
            ),
            shape=alt.Shape(
                "factor_name:N",
                sort=order,
                scale=alt.Scale(domain=order),
                title="Factor",
                legend=alt.Legend(labelExpr=wrapped(order, 40)),
            ),
            tooltip=[
                alt.Tooltip("factor_name:N", title="Factor"),
                alt.Tooltip("wave:N", title="Wave"),
                alt.Tooltip("partners:Q", title="Partners compared"),
                alt.Tooltip("tau:Q", title="Spread net of noise (tau)", format=".2f"),
                alt.Tooltip("icc:Q", title="ICC", format=".2f"),
                alt.Tooltip("p_value:Q", title="p (agencies differ)", format=".3f"),
                alt.Tooltip("sd:Q", title="SD of partner means", format=".2f"),
                alt.Tooltip("range:Q", title="Range", format=".2f"),
            ],
        )
        .properties(height=320)
    )


def reliability_chart(alpha: pd.DataFrame, low: float) -> alt.Chart:
    """Cronbach's alpha per factor (rows) and wave (columns), coloured by the verdict
    of its 95% interval (`reliability` column; "low" only when all of it is below)."""
    data = alpha.assign(
        label=[
            "–" if pd.isna(a) else (f"{a:.2f} low" if status == "low" else f"{a:.2f}")
            for a, status in zip(alpha["alpha"], alpha["reliability"], strict=True)
        ],
        status=alpha["reliability"],
    )
    x = alt.X("wave:N", sort=_wave_order(alpha), title="Wave", axis=alt.Axis(labelAngle=0))
    y = alt.Y("factor_name:N", sort=None, title=None, axis=_names_axis(alpha["factor_name"]))
    base = alt.Chart().encode(x=x, y=y)
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color(
            "status:N",
            scale=alt.Scale(
                domain=["acceptable", "possibly low", "low", "too few to judge"],
                range=["#56B4E9", "#F0E442", "#E69F00", "#BBBBBB"],
            ),
            title=["Reliability", f"(low: 95% interval below {low:.2f})"],
        ),
        tooltip=[
            alt.Tooltip("factor_name:N", title="Factor"),
            alt.Tooltip("wave:N", title="Wave"),
            alt.Tooltip("alpha:Q", title="Cronbach's alpha", format=".2f"),
            alt.Tooltip("alpha_ci_low:Q", title="95% interval from", format=".2f"),
            alt.Tooltip("alpha_ci_high:Q", title="95% interval to", format=".2f"),
            alt.Tooltip("n_complete:Q", title="Complete answers"),
        ],
    )
    text = base.mark_text(fontSize=11, color="black").encode(text=alt.Text("label:N"))
    layered = alt.layer(cells, text, data=data)
    return layered.properties(height=alt.Step(36))


def missing_chart(items: pd.DataFrame, high: float) -> alt.Chart:
    """Share of missing answers per statement (averaged over the waves shown); bars above
    `high` are coloured, the rest grey, and a dashed line marks `high`. Items whose
    counts are hidden (small groups) are left out."""
    data = (
        items.dropna(subset=["missing_rate"])
        .groupby(["item_id", "statement"], sort=False)
        .agg(
            missing_rate=("missing_rate", "mean"),
            worst=("missing_rate", "max"),
            respondents=("respondents", "sum"),
        )
        .reset_index()
    )
    above, below = f"more than {high:.0%}", f"{high:.0%} or less"
    data["level"] = [above if rate > high else below for rate in data["missing_rate"]]
    data["high"] = high
    base = alt.Chart(data)
    bars = base.mark_bar().encode(
        y=alt.Y("statement:N", sort=None, title=None, axis=_names_axis(data["statement"], 38)),
        x=alt.X("missing_rate:Q", title="Missing answers", axis=alt.Axis(format="%")),
        color=alt.Color(
            "level:N",
            scale=alt.Scale(domain=[below, above], range=["#BBBBBB", OKABE_ITO[1]]),
            title="Missing answers",
        ),
        tooltip=[
            alt.Tooltip("statement:N", title="Statement"),
            alt.Tooltip("item_id:N", title="Item"),
            alt.Tooltip("missing_rate:Q", title="Missing", format=".1%"),
            alt.Tooltip("worst:Q", title="Highest in one wave", format=".1%"),
            alt.Tooltip("respondents:Q", title="Responses"),
        ],
    )
    rule = base.mark_rule(strokeDash=[4, 3], color="black").encode(x="mean(high):Q")
    return (bars + rule).properties(height=alt.Step(30))


# --- activity records, outcomes and several partnerships ---------------------------------


def attendance_chart(continuity: pd.DataFrame) -> alt.Chart:
    """Each partner's attendance rate, labelled with the rate and representative changes."""
    frame = continuity.assign(
        label=[
            f"{rate:.0%} · {plural(changes, 'change')}"
            for rate, changes in zip(
                continuity["attendance_rate"], continuity["changes"], strict=True
            )
        ]
    )
    base = alt.Chart().encode(
        y=alt.Y(
            "partner:N",
            sort=alt.EncodingSortField("attendance_rate", order="ascending"),
            title=None,
            axis=_names_axis(continuity["partner"], 16),
        )
    )
    tip = [
        alt.Tooltip("partner:N", title="Partner"),
        alt.Tooltip("meetings:Q", title="Meetings"),
        alt.Tooltip("attended:Q", title="Attended"),
        alt.Tooltip("attendance_rate:Q", title="Attendance", format=".0%"),
        alt.Tooltip("representatives:Q", title="Representatives"),
        alt.Tooltip("changes:Q", title="Changes of representative"),
    ]
    bars = base.mark_bar(color=OKABE_ITO[0]).encode(
        x=alt.X(
            "attendance_rate:Q",
            title="Share of meetings attended",
            scale=alt.Scale(domain=[0, 1.4]),
            axis=alt.Axis(format="%", values=[0, 0.25, 0.5, 0.75, 1]),
        ),
        tooltip=tip,
    )
    text = base.mark_text(align="left", dx=4, fontSize=11).encode(
        x=alt.X("attendance_rate:Q"), text=alt.Text("label:N")
    )
    return alt.layer(bars, text, data=frame).properties(height=alt.Step(30))


CAPACITY_TITLES = {"staff_hours": "Staff hours", "resources": "Resources", "info_shared": "Actions"}


def capacity_panels(
    capacity: pd.DataFrame, value: str = "staff_hours", currency: str = ""
) -> list[alt.Chart]:
    """One chart per partner, one bar per quarter (staff hours, resources or
    information-sharing actions), on one y scale, for a grid that stacks on a phone."""
    title = CAPACITY_TITLES.get(value, value)
    if value == "resources" and currency:
        title = f"{title} ({currency})"
    top = float(capacity[value].max()) if len(capacity) else 0.0
    panels = []
    for partner, part in capacity.groupby("partner", sort=True):
        chart = (
            alt.Chart(part)
            .mark_bar(color=OKABE_ITO[0])
            .encode(
                x=alt.X("period:O", title=None, axis=alt.Axis(labelAngle=-45)),
                y=alt.Y(f"{value}:Q", title=title, scale=alt.Scale(domain=[0, top or 1])),
                tooltip=[
                    alt.Tooltip("partner:N", title="Partner"),
                    alt.Tooltip("period:N", title="Quarter"),
                    alt.Tooltip("staff_hours:Q", title="Staff hours", format=",.1f"),
                    alt.Tooltip(
                        "resources:Q", title=f"Resources {currency}".strip(), format=",.0f"
                    ),
                    alt.Tooltip("info_shared:Q", title="Information-sharing actions"),
                ],
            )
            .properties(height=PANEL_HEIGHT, title=_title(str(partner), 18))
        )
        panels.append(chart)
    return panels


def cost_chart(cost: pd.DataFrame, currency: str) -> alt.Chart:
    """Total cost per quarter as stacked parts (staff time, resources), the totals
    written above the bars; amounts with the `currency`."""
    parts = cost.melt(
        id_vars=["period", "total_cost"],
        value_vars=["staff_cost", "resources"],
        var_name="part",
        value_name="amount",
    )
    parts["part"] = parts["part"].map({"staff_cost": "Staff time", "resources": "Resources"})
    base = alt.Chart(parts).encode(x=alt.X("period:O", title=None))
    money_axis = alt.Axis(labelExpr=f"{json.dumps(currency)} + format(datum.value, ',.0f')")
    bars = base.mark_bar().encode(
        y=alt.Y("amount:Q", title=f"Cost ({currency})", stack="zero", axis=money_axis),
        color=alt.Color(
            "part:N",
            title="Part",
            scale=alt.Scale(domain=["Staff time", "Resources"], range=OKABE_ITO[:2]),
        ),
        order=alt.Order("part:N", sort="descending"),
        tooltip=[
            alt.Tooltip("period:N", title="Quarter"),
            alt.Tooltip("part:N", title="Part"),
            alt.Tooltip("amount:Q", title=f"Amount ({currency})", format=",.0f"),
            alt.Tooltip("total_cost:Q", title=f"Total ({currency})", format=",.0f"),
        ],
    )
    labelled = cost.assign(total_text=[money(v, currency) for v in cost["total_cost"]])
    totals = (
        alt.Chart(labelled)
        .mark_text(dy=-8, fontSize=12)
        .encode(
            x=alt.X("period:O"),
            y=alt.Y("total_cost:Q"),
            text=alt.Text("total_text:N"),
        )
    )
    return alt.layer(bars, totals).properties(height=260)


def outcomes_chart(totals: pd.DataFrame, health: pd.DataFrame) -> alt.Chart:
    """Incidents per month above partnership health per wave, on one time axis."""
    start = min(totals["month"].min(), health["wave_start"].min()) if len(health) else None
    end = totals["month"].max()
    domain = [start.isoformat(), end.isoformat()] if start is not None else None
    x_scale = alt.Scale(domain=domain) if domain else alt.Undefined
    counts = (
        alt.Chart(totals)
        .mark_line(point=alt.OverlayMarkDef(color=OKABE_ITO[3]), color=OKABE_ITO[3])
        .encode(
            x=alt.X("month:T", title=None, scale=x_scale, axis=MONTH_AXIS),
            y=alt.Y("count:Q", title="Incidents per month", scale=alt.Scale(zero=True)),
            tooltip=[
                alt.Tooltip("month:T", title="Month", format="%B %Y"),
                alt.Tooltip("count:Q", title="Incidents"),
            ],
        )
        .properties(height=200, title="Crime and disorder recorded in the area")
    )
    score = (
        alt.Chart(health)
        .mark_line(point=alt.OverlayMarkDef(shape="square", size=70), color=OKABE_ITO[0])
        .encode(
            x=alt.X("wave_start:T", title=None, scale=x_scale, axis=MONTH_AXIS),
            y=alt.Y("score:Q", title="Health score (1-5)", scale=alt.Scale(domain=[1, 5])),
            tooltip=[
                alt.Tooltip("wave:N", title="Wave"),
                alt.Tooltip("factor_name:N", title="Measure"),
                alt.Tooltip("score:Q", title="Score", format=".2f"),
            ],
        )
        .properties(height=160, title="Partnership health (survey waves)")
    )
    return alt.vconcat(counts, score).resolve_scale(x="shared")


MONTH_AXIS = alt.Axis(
    format="%b %Y",
    labelAngle=-40,
    labelOverlap="greedy",
    labelSeparation=6,
    tickCount={"interval": "month", "step": 3},
)


def outcome_category_panels(monthly: pd.DataFrame) -> list[alt.Chart]:
    """Incidents per month, one chart per category (each its own y scale), for a grid
    that stacks on a phone. Month labels every quarter, slanted, never on top of
    each other."""
    panels = []
    for category, part in monthly.groupby("category", sort=True):
        chart = (
            alt.Chart(part)
            .mark_line(point=alt.OverlayMarkDef(color=OKABE_ITO[3]), color=OKABE_ITO[3])
            .encode(
                x=alt.X("month:T", title=None, axis=MONTH_AXIS),
                y=alt.Y("count:Q", title="Incidents", scale=alt.Scale(zero=True)),
                tooltip=[
                    alt.Tooltip("category:N", title="Category"),
                    alt.Tooltip("month:T", title="Month", format="%B %Y"),
                    alt.Tooltip("count:Q", title="Incidents"),
                ],
            )
            .properties(height=PANEL_HEIGHT, title=_title(str(category), 24))
        )
        panels.append(chart)
    return panels


SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "star"]


def comparison_chart(
    latest: pd.DataFrame, highlight: str | None = None, instrument: Instrument | None = None
) -> alt.Chart:
    """Every partnership's latest score on each factor: one mark per partnership, told
    apart by shape and colour; the highlighted partnership is drawn larger."""
    instrument = instrument or load_instrument()
    names = sorted(latest["partnership"].unique())
    frame = latest.assign(chosen=latest["partnership"] == highlight)
    factors = _factor_order(instrument)
    y = alt.Y("factor_name:N", sort=factors, title=None, axis=_names_axis(factors))
    rule = (
        alt.Chart()
        .mark_rule(color="#bbb")
        .encode(
            y=y,
            x=alt.X("min(mean):Q", scale=_score_axis(instrument)),
            x2=alt.X2("max(mean):Q"),
        )
    )
    points = (
        alt.Chart()
        .mark_point(filled=True, opacity=0.9)
        .encode(
            y=y,
            x=alt.X(
                "mean:Q",
                scale=_score_axis(instrument),
                axis=alt.Axis(values=_ticks(instrument)),
                title="Score at each partnership's latest wave",
            ),
            color=alt.Color(
                "partnership:N",
                title="Partnership",
                scale=alt.Scale(domain=names, range=OKABE_ITO[: len(names)] or OKABE_ITO),
                legend=alt.Legend(labelExpr=wrapped(names, 36)),
            ),
            shape=alt.Shape(
                "partnership:N",
                title="Partnership",
                scale=alt.Scale(domain=names, range=SHAPES[: len(names)]),
                legend=alt.Legend(labelExpr=wrapped(names, 36)),
            ),
            size=alt.SizeValue(90, condition=_when("datum.chosen", 220)),
            tooltip=[
                alt.Tooltip("partnership:N", title="Partnership"),
                alt.Tooltip("wave:N", title="Wave"),
                alt.Tooltip("factor_name:N", title="Factor"),
                alt.Tooltip("mean:Q", title="Score", format=".2f"),
                alt.Tooltip("n:Q", title="Respondents"),
            ],
        )
    )
    return alt.layer(rule, points, data=frame).properties(height=alt.Step(32))
