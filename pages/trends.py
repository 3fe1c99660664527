"""Trends: factor scores across waves with their 95% intervals, and the spread between
partner agencies over time."""

import streamlit as st

from monitor import charts, dashboard, tables

view = dashboard.page("trends", wave_range=True, weighting=True)

trend = dashboard.trend_scores(view)
if trend.empty:
    st.warning("No scores for this selection. Widen the wave range or include more partners.")
    st.stop()

instrument = dashboard.instrument()
names = instrument.factor_names()
chosen = st.multiselect(
    "Factors",
    list(names),
    default=["trust", "power", "capacity"],
    format_func=names.get,
    key="factors",
    bind="query-params",
)
st.caption("Lines show the mean score; the shaded band is its 95% interval. Hover for n.")
if chosen:
    dashboard.chart(charts.trend_chart, dashboard.trend_scores(view, chosen), instrument)
else:
    st.info("Choose one or more factors to compare them on one chart.")

st.subheader("All ten factors")
dashboard.chart_grid(charts.trend_panels, trend, instrument, columns=5)

with st.expander("Numbers behind the charts"):
    dashboard.table(tables.scores(trend), all_rows=False)

st.subheader("Power differential between agencies")
min_n = dashboard.settings().min_group_size
index = dashboard.power_index(view)
st.caption(
    "How far apart the partner agencies' average scores are, wave by wave, net of "
    "sampling noise: tau, the spread between agencies that remains after allowing for "
    "the spread of their few respondents (0 = no more than chance). A rising line means "
    "the agencies experience the partnership more and more differently. Only partners "
    f"with at least {min_n} respondents are compared."
)
if index.empty:
    st.info("Too few partners with enough respondents to compare.")
elif not chosen:
    st.caption("Choose factors above to chart their power differential.")
else:
    dashboard.chart(charts.power_index_chart, dashboard.power_index(view, chosen))
with st.expander("Range and SD of partner means, tau, ICC and F-test"):
    dashboard.table(tables.power_index(index), all_rows=False)
