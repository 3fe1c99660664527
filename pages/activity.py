"""Activity and cost: continuity of representation, staff capacity and the cost of running
the partnership, from the activity records (and survey respondent retention)."""

import streamlit as st

from monitor import charts, dashboard, tables

partnership = dashboard.partnership_page("activity")

st.header("Continuity")
continuity = dashboard.continuity(partnership)
if continuity.empty:
    st.info(
        f"No activity records for {dashboard.md(partnership)} yet. Upload meeting and activity "
        "records on the **Upload records** page (the template is there)."
    )
else:
    st.caption(
        "Share of meetings and activities each partner attended, and how often its "
        "representative changed between the meetings it attended."
    )
    dashboard.chart(charts.attendance_chart, continuity)
    for row in dashboard.representative_changes(partnership).itertuples():
        st.warning(
            f"**{dashboard.md(row.partner)}** changed its representative "
            f"{dashboard.plural(row.changes, 'time')}: "
            f"{dashboard.plural(row.representatives, 'different person', 'different people')} "
            "attended for it."
        )
    minutes = dashboard.minutes_rate(partnership)
    cols = st.columns(len(minutes)) if len(minutes) else []
    for col, row in zip(cols, minutes.itertuples(), strict=True):
        col.metric(
            f"Minutes recorded, {dashboard.md(row.period)}", f"{row.with_minutes} of {row.meetings}"
        )
    with st.expander("Attendance per partner and quarter"):
        attendance = dashboard.attendance_by_period(partnership)
        dashboard.table(tables.attendance(attendance), all_rows=False)

st.subheader("Survey respondents retained from the previous wave")
retention = dashboard.retention(partnership)
if retention.empty:
    st.info("No survey waves for this partnership yet.")
else:
    st.caption(
        "Respondents of a wave who answered again in the next one (same respondent ids). "
        "Low retention makes changes between waves harder to read."
    )
    dashboard.table(tables.retention(retention))

if continuity.empty:
    st.stop()

st.header("Capacity")
currency = dashboard.settings().currency
capacity = dashboard.capacity(partnership)
measure = st.segmented_control(
    "Show",
    ["staff_hours", "resources", "info_shared"],
    format_func={
        "staff_hours": "Staff hours",
        "resources": "Resources",
        "info_shared": "Information sharing",
    }.get,
    default="staff_hours",
    key="capacity_measure",
)
dashboard.chart_grid(
    charts.capacity_panels, capacity, measure or "staff_hours", currency, columns=4
)

st.header("Cost of running the partnership")
rate = st.number_input(
    f"Cost of one staff hour ({currency})",
    min_value=0.0,
    value=dashboard.DEFAULT_HOURLY_COST,
    step=5.0,
    key="hourly_cost",
    help="Staff time is priced at this rate; resources are added as given.",
)
cost = dashboard.cost(partnership, float(rate))
dashboard.chart(charts.cost_chart, cost, currency)
st.caption("Total cost per quarter = staff hours × cost of one staff hour + resources.")
with st.expander("Numbers behind the charts"):
    dashboard.table(tables.cost(cost, currency))
    dashboard.table(tables.capacity(capacity, currency), all_rows=False)
