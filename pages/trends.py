"""Trends: factor scores across waves with their 95% intervals."""

import streamlit as st

from monitor import charts, scores, ui

ui.inside_app()
st.title("Trends")
view = ui.filters(wave_range=True)
ui.share_hint()
if view is None:
    ui.empty_state()
    st.stop()

trend = ui.trend_scores(ui.db_path(), view)
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
    ui.chart(charts.trend_chart(trend[trend["factor"].isin(chosen)]))
else:
    st.info("Choose one or more factors to compare them on one chart.")

st.subheader("All ten factors")
ui.chart(charts.trend_small_multiples(trend), stretch=False)

with st.expander("Numbers behind the charts"):
    ui.table(scores.display_table(trend), all_rows=False)
