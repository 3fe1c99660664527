"""Activity and cost: continuity of representation, staff capacity and the cost of running
the partnership, from the activity records (and survey respondent retention)."""

import streamlit as st

from monitor import activity, charts, tables, ui

partnership = ui.partnership_page("Activity and cost")
path = ui.db_path()

st.header("Continuity")
continuity = ui.continuity(path, partnership)
if continuity.empty:
    st.info(
        f"No activity records for {partnership} yet. Upload meeting and activity records on "
        "the **Upload records** page (the template is there)."
    )
else:
    st.caption(
        "Share of meetings and activities each partner attended, and how often its "
        "representative changed between the meetings it attended."
    )
    ui.chart(charts.attendance_chart(continuity))
    changed = continuity[continuity["changes"] > 0]
    for row in changed.itertuples():
        st.warning(
            f"**{row.partner}** changed its representative {row.changes} time(s): "
            f"{row.representatives} different people attended for it."
        )
    minutes = ui.minutes_rate(path, partnership)
    cols = st.columns(len(minutes)) if len(minutes) else []
    for col, row in zip(cols, minutes.itertuples(), strict=True):
        col.metric(f"Minutes recorded, {row.period}", f"{row.with_minutes} of {row.meetings}")
    with st.expander("Attendance per partner and quarter"):
        ui.table(tables.attendance(ui.attendance_by_period(path, partnership)), all_rows=False)

st.subheader("Survey respondents retained from the previous wave")
retention = ui.retention(path, partnership)
if retention.empty:
    st.info("No survey waves for this partnership yet.")
else:
    st.caption(
        "Respondents of a wave who answered again in the next one (same respondent ids). "
        "Low retention makes changes between waves harder to read."
    )
    ui.table(tables.retention(retention))

if continuity.empty:
    st.stop()

st.header("Capacity")
capacity = ui.capacity(path, partnership)
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
ui.chart(charts.capacity_chart(capacity, measure or "staff_hours"), stretch=False)

st.header("Cost of running the partnership")
rate = st.number_input(
    "Cost of one staff hour",
    min_value=0.0,
    value=activity.DEFAULT_HOURLY_COST,
    step=5.0,
    key="hourly_cost",
    help="Staff time is priced at this rate; resources are added as given.",
)
cost = ui.cost(path, partnership, float(rate))
ui.chart(charts.cost_chart(cost), stretch=False)
st.caption("Total cost per quarter = staff hours × cost of one staff hour + resources.")
with st.expander("Numbers behind the charts"):
    ui.table(tables.cost(cost))
    ui.table(tables.capacity(capacity), all_rows=False)
