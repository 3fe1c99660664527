"""Partners and power: where agencies disagree, and who feels less heard."""

import streamlit as st

from monitor import charts, partners, power, tables, ui

view = ui.page("Partners and power")

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
hidden = sorted(matrix.loc[matrix["suppressed"] & ~matrix["secondary"], "partner"].unique())
protecting = sorted(set(matrix.loc[matrix["secondary"], "partner"]) - set(hidden))
if hidden:
    st.info(f"Not shown (fewer than {min_n} respondents): {', '.join(hidden)}.")
if protecting:
    st.info(
        f"Also not shown for some factors: {', '.join(protecting)}, because with the "
        "partnership's total the hidden partners' scores could otherwise be worked out."
    )

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
    ui.table(tables.gaps(gaps))

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
    ui.table(tables.voice(heard))

st.subheader("Partnership in name only?")
gap = ui.settings().name_only_gap
runs = ui.settings().name_only_waves
flags = power.name_only(ui.partner_history(path, view, min_n), gap, runs)
st.caption(
    f"Agencies scoring at least {gap:.2f} below the partnership on power and information "
    f"sharing, trust or communication in {runs} or more waves in a row, up to the wave "
    "shown. Such agencies may be partners in name only."
)
if flags.empty:
    st.success("No agency sits far below the partnership wave after wave.")
else:
    for partner_name, rows in flags.groupby("partner", sort=False):
        factors = ", ".join(
            f"{r.factor_name.lower()} ({r.latest_difference:+.2f}, {r.waves} waves)"
            for r in rows.itertuples()
        )
        st.warning(f"**{partner_name}** may be a partner in name only: {factors}.")
    ui.table(tables.name_only(flags))
