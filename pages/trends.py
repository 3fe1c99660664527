"""Trends: factor scores across waves with their 95% intervals, and the spread between
partner agencies over time."""

import streamlit as st

from monitor import charts, tables, ui

view = ui.page("Trends", wave_range=True, weighting=True)

path = ui.db_path()
trend = ui.trend_scores(path, view)
if trend.empty:
    st.warning("No scores for this selection. Widen the wave range or include more partners.")
    st.stop()

names = ui.instrument().factor_names()
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
    ui.chart(charts.trend_chart(trend[trend["factor"].isin(chosen)], ui.instrument()))
else:
    st.info("Choose one or more factors to compare them on one chart.")

st.subheader("All ten factors")
ui.chart(charts.trend_small_multiples(trend, ui.instrument()), stretch=False)

with st.expander("Numbers behind the charts"):
    ui.table(tables.scores(trend), all_rows=False)

st.subheader("Power differential between agencies")
min_n = ui.settings().min_group_size
index = ui.power_index(path, view, min_n)
st.caption(
    "How far apart the partner agencies' average scores are, wave by wave: the standard "
    "deviation of the partner means (0 = every agency scores the same). A rising line "
    f"means the agencies experience the partnership more and more differently. Only "
    f"partners with at least {min_n} respondents are compared."
)
if index.empty:
    st.info("Too few partners with enough respondents to compare.")
elif not chosen:
    st.caption("Choose factors above to chart their power differential.")
else:
    shown = index[index["factor"].isin(chosen)]
    ui.chart(charts.power_index_chart(shown))
with st.expander("Range, standard deviation and Gini of partner means"):
    ui.table(tables.power_index(index), all_rows=False)
