"""Survey quality: how reliable each factor's scale is, and which items go unanswered."""

import streamlit as st

from monitor import charts, quality, tables, ui

view = ui.page("Survey quality", wave_range=True)

path = ui.db_path()
alpha_low = ui.settings().alpha_low
alpha = ui.reliability(path, view, alpha_low)
items = ui.item_quality(path, view)
if alpha.empty:
    st.warning("No answers for this selection. Widen the wave range or include more partners.")
    st.stop()

st.subheader("Scale reliability (Cronbach's alpha)")
st.caption(
    "Whether a factor's statements measure one thing: alpha near 1 means respondents answer "
    f"them consistently. Below {alpha_low:.2f} the factor score is less trustworthy: read it "
    "with care and consider rewording the statements. Only respondents who answered every "
    "statement of the factor count."
)
low = alpha[alpha["low"]]
if low.empty:
    st.success("Every factor's scale is reliable in every wave shown.")
else:
    st.warning(f"{len(low)} of {len(alpha)} factor-wave scores have low or unknown reliability.")
ui.chart(charts.reliability_chart(alpha, alpha_low), stretch=False)
with st.expander("Reliability table"):
    ui.table(tables.reliability(alpha), all_rows=False)

st.subheader("Responses and missing answers per item")
st.caption(
    "“Don't know”, “N/A” and blanks are missing: they never count as an answer. An item "
    f"missing in more than {quality.MISSING_HIGH:.0%} of responses may be unclear or not "
    "apply to some partners."
)
high = items[items["high_missing"]]
if not high.empty:
    st.warning("Often left unanswered: " + ", ".join(sorted(high["item_id"].unique())) + ".")
ui.chart(charts.missing_chart(items))
with st.expander("Item table"):
    ui.table(tables.items(items), all_rows=False)
