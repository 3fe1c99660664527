"""Compare partnerships: each partnership's factor scores side by side, and where the chosen
partnership stands among all of them."""

import streamlit as st

from monitor import charts, dashboard, tables

partnership = dashboard.partnership_page("compare")
latest = dashboard.latest_scores()
if latest.empty:
    dashboard.empty_state()
    st.stop()

waves = dashboard.waves_compared()
st.caption(
    f"{dashboard.plural(len(waves), 'partnership')}, each at its own latest survey wave. "
    "Different instruments, members and timing limit how far scores can be compared: read "
    "the differences as questions to discuss, not a league table."
)
st.caption(
    "Scores from: "
    + "; ".join(f"{dashboard.md(name)}, wave {dashboard.md(wave)}" for name, wave in waves.items())
)
dashboard.chart(charts.comparison_chart, latest, partnership)

st.subheader("Side by side")
dashboard.table(dashboard.side_by_side(), wrap=True)

st.subheader(f"Where {dashboard.md(partnership)} stands")
place = dashboard.placement(partnership)
if place.empty:
    st.info(f"{dashboard.md(partnership)} has no survey scores yet.")
else:
    dashboard.table(tables.placement(place))
