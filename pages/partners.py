"""Partners and power: where agencies disagree, and who feels less heard."""

import streamlit as st

from monitor import charts, dashboard, tables

view = dashboard.page("partners")

min_n = dashboard.settings().min_group_size
matrix = dashboard.partner_matrix(view)
if matrix.empty:
    st.warning("No partner scores for this selection.")
    st.stop()

st.caption(
    f"{dashboard.md(view.partnership)} · wave {dashboard.md(view.wave)}. Scores of partners "
    f"with fewer than {min_n} "
    "respondents are not shown, so that no one can be identified."
)
hidden, protecting = dashboard.hidden_partners(view)
if hidden:
    st.info(f"Not shown (fewer than {min_n} respondents): {dashboard.md(', '.join(hidden), None)}.")
if protecting:
    st.info(
        f"Also not shown for some factors: {dashboard.md(', '.join(protecting), None)}, because "
        "with the partnership's total the hidden partners' scores could otherwise be worked out."
    )

st.subheader("Scores by partner")
dashboard.chart(charts.partner_heatmap, matrix)

st.subheader("Where partners disagree")
st.caption(
    "For each factor, the lowest- and highest-scoring partner. Long lines mean the "
    "agencies experience the partnership very differently."
)
gaps = dashboard.partner_gaps(view)
if gaps.empty:
    st.info("Too few partners with enough respondents to compare.")
else:
    dashboard.chart(charts.gap_chart, gaps)
    dashboard.table(tables.gaps(gaps))

st.subheader("Who feels less heard?")
st.caption(
    "Each partner's score on power and information sharing, and on trust, against the "
    "partnership's score. Agencies well below it may be partners in name only."
)
heard = dashboard.voice(view)
if heard.empty:
    st.info("Too few partners with enough respondents to compare.")
else:
    dashboard.chart_grid(charts.voice_panels, heard, columns=2)
    dashboard.table(tables.voice(heard))

dashboard.name_only_section(view)
