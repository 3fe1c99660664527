"""Outcomes: crime and disorder in the partnership's area over time, next to its health."""

import streamlit as st

from monitor import charts, outcomes, tables, ui

partnership = ui.partnership_page("Outcomes")
path = ui.db_path()

totals = ui.outcome_totals(path, partnership)
if totals.empty:
    st.info(
        f"No outcome counts for {partnership} yet. Upload crime and disorder counts (for "
        "example police open data) on the **Upload records** page."
    )
    st.stop()

st.warning(outcomes.CAUTION, icon=":material/info:")
names = ui.instrument().factor_names()
factor = st.selectbox(
    "Partnership health measure",
    [None, *names],
    format_func=lambda key: "All factors (mean)" if key is None else names[key],
    key="health_factor",
    bind="query-params",
)
health = ui.health(path, partnership, factor)
ui.chart(charts.outcomes_chart(totals, health))
if health.empty:
    st.caption("No survey scores for this partnership yet, so only the outcomes are shown.")

st.subheader("By category")
ui.chart(charts.outcome_categories_chart(ui.outcome_monthly(path, partnership)), stretch=False)
changes = ui.outcome_changes(path, partnership)
st.caption("First twelve months of the data against the last twelve.")
ui.table(tables.outcome_changes(changes))
