"""Outcomes: crime and disorder in the partnership's area over time, next to its health."""

import streamlit as st

from monitor import charts, dashboard, tables

partnership = dashboard.partnership_page("outcomes")

totals = dashboard.outcome_totals(partnership)
if totals.empty:
    st.info(
        f"No outcome counts for {dashboard.md(partnership)} yet. Upload crime and disorder "
        "counts (for example police open data) on the **Upload records** page."
    )
    st.stop()

st.warning(dashboard.OUTCOMES_CAUTION, icon=":material/info:")
names = dashboard.instrument().factor_names()
factor = st.selectbox(
    "Partnership health measure",
    [None, *names],
    format_func=lambda key: "All factors (mean)" if key is None else names[key],
    key="health_factor",
    bind="query-params",
)
health = dashboard.health(partnership, factor)
dashboard.chart(charts.outcomes_chart, totals, health)
if health.empty:
    st.caption("No survey scores for this partnership yet, so only the outcomes are shown.")

st.subheader("By category")
dashboard.chart_grid(
    charts.outcome_category_panels, dashboard.outcome_monthly(partnership), columns=3
)
comparison = dashboard.outcome_changes(partnership)
st.caption(f"Incidents per category in two periods of equal length. {comparison.note}")
if not comparison.table.empty:
    dashboard.table(tables.outcome_changes(comparison))
