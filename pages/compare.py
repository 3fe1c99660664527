"""Compare partnerships: each partnership's factor scores side by side, and where the chosen
partnership stands among all of them."""

import streamlit as st

from monitor import charts, compare, tables, ui

partnership = ui.partnership_page("Compare partnerships")
latest = ui.latest_scores(ui.db_path())
if latest.empty:
    ui.empty_state()
    st.stop()

count = latest["partnership"].nunique()
st.caption(
    f"{count} partnership(s), each at its own latest survey wave. Different instruments, "
    "members and timing limit how far scores can be compared: read the differences as "
    "questions to discuss, not a league table."
)
ui.chart(charts.comparison_chart(latest, partnership))

st.subheader("Side by side")
ui.table(compare.side_by_side(latest))

st.subheader(f"Where {partnership} stands")
place = compare.placement(latest, partnership)
if place.empty:
    st.info(f"{partnership} has no survey scores yet.")
else:
    ui.table(tables.placement(place))
