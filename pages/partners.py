"""Partners and power: where agencies disagree, and who feels less heard."""

import streamlit as st

from monitor import charts, partners, ui

ui.inside_app()
st.title("Partners and power")
view = ui.filters()
ui.share_hint()
if view is None:
    ui.empty_state()
    st.stop()

path = ui.db_path()
min_n = ui.settings().min_group_size
matrix = ui.partner_matrix(path, view, min_n)
if matrix.empty:
    st.warning("No partner scores for this selection.")
    st.stop()

st.caption(
    f"{view.partnership} · wave {view.wave}. Scores of partners with fewer than {min_n} "
    "respondents are not shown, so that no one can be identified."
)
hidden = sorted(matrix.loc[matrix["suppressed"], "partner"].unique())
if hidden:
    st.info(f"Not shown (fewer than {min_n} respondents): {', '.join(hidden)}.")

st.subheader("Scores by partner")
ui.chart(charts.partner_heatmap(matrix))

st.subheader("Where partners disagree")
st.caption(
    "For each factor, the lowest- and highest-scoring partner. Long lines mean the "
    "agencies experience the partnership very differently."
)
gaps = partners.partner_gaps(matrix)
if gaps.empty:
    st.info("Too few partners with enough respondents to compare.")
else:
    ui.chart(charts.gap_chart(gaps))
    ui.table(partners.gaps_display(gaps))

st.subheader("Who feels less heard?")
st.caption(
    "Each partner's score on power and information sharing, and on trust, against the "
    "partnership's score. Agencies well below it may be partners in name only."
)
overall = ui.scorecard_table(path, view)
heard = partners.voice(matrix, overall)
if heard.empty:
    st.info("Too few partners with enough respondents to compare.")
else:
    ui.chart(charts.voice_chart(heard), stretch=False)
    ui.table(partners.voice_display(heard))
