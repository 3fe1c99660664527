"""Survey quality: how reliable each factor's scale is, and which items go unanswered."""

import streamlit as st

from monitor import charts, dashboard, tables

view = dashboard.page("quality", wave_range=True)

alpha_low = dashboard.settings().alpha_low
alpha = dashboard.reliability(view)
items = dashboard.item_quality(view)
if alpha.empty:
    st.warning("No answers for this selection. Widen the wave range or include more partners.")
    st.stop()

st.subheader("Scale reliability (Cronbach's alpha)")
st.caption(
    "Whether a factor's statements measure one thing: alpha near 1 means respondents answer "
    f"them consistently. Below {alpha_low:.2f} the factor score is less trustworthy: read it "
    "with care and consider rewording the statements. Only respondents who answered every "
    "statement of the factor count. Alpha from a few people is imprecise, so it is flagged "
    f"**low** only when its whole 95% interval (Feldt) is below {alpha_low:.2f}; with fewer "
    f"than {dashboard.ALPHA_MIN_N} complete answers it is too few to judge."
)
low = dashboard.low_reliability(view)
if low.empty:
    st.success("No factor's scale is clearly unreliable in the waves shown.")
else:
    st.warning(f"{len(low)} of {len(alpha)} factor-wave scores have low reliability.")
dashboard.chart(charts.reliability_chart, alpha, alpha_low)
with st.expander("Reliability table"):
    dashboard.table(tables.reliability(alpha), all_rows=False)

st.subheader("Responses and missing answers per item")
st.caption(
    "“Don't know”, “N/A” and blanks are missing: they never count as an answer. An item "
    f"missing in more than {dashboard.MISSING_HIGH:.0%} of responses may be unclear or not "
    "apply to some partners. Bars show the share missing over the waves shown; the dashed line "
    "marks that limit and bars beyond it are coloured."
)
often_missing = dashboard.often_missing(view)
if not often_missing.empty:
    st.warning(
        f"Left unanswered by more than {dashboard.MISSING_HIGH:.0%} of respondents in a wave:"
    )
    dashboard.table(tables.items(often_missing))
dashboard.chart(charts.missing_chart, items, dashboard.MISSING_HIGH)
with st.expander("Item table"):
    dashboard.table(tables.items(items), all_rows=False)
