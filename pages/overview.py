"""Overview: the scorecard of the ten factors for one wave, and what needs attention."""

import streamlit as st

from monitor import charts, dashboard, tables

view = dashboard.page("overview", weighting=True)

min_n = dashboard.settings().min_group_size
card = dashboard.scorecard_table(view)
if card.empty:
    st.warning("No scores for this selection. Choose another wave or include more partners.")
    st.stop()

st.caption(
    f"{dashboard.md(view.partnership)} · wave {dashboard.md(view.wave)} · "
    + (", ".join(view.partners) if view.partners else "all partners")
    + " · "
    + dashboard.WEIGHTING_LABELS[view.weighting].lower()
)
if "suppressed" in card and card["suppressed"].any():
    st.info(
        f"Some scores of this partner selection are hidden: the selection, or the partners "
        f"it leaves out, has fewer than {min_n} respondents, so comparing it with the whole "
        "partnership could reveal a small group. Choose more partners."
    )
bands = dashboard.band_counts(view)
left, middle, right = st.columns(3)
left.metric("Respondents", dashboard.respondents(view))
middle.metric("Factors in strength", f"{bands.get('strength', 0)} of {len(card)}")
right.metric("Factors of concern", bands.get("concern", 0))

st.subheader("Needs attention")
attention = dashboard.needs_attention(view)
if attention.empty:
    st.success("No factor is in the concern band, and none fell clearly since the last wave.")
else:
    for row in attention.itertuples():
        st.markdown(f"- **{row.factor_name}**: {row.reason}")

st.subheader("Scorecard")
dashboard.chart(charts.scorecard_chart, card, dashboard.instrument())
st.caption(
    "Change is shown with its 95% interval. **rose** or **fell** only when the whole "
    "interval is above or below zero; otherwise **no clear change** (the difference could "
    f"be noise). **too few to tell** when a wave has fewer than {max(min_n, 2)} answers or "
    "no spread. " + dashboard.change_note(card)
)
dashboard.table(
    tables.scorecard_brief(card),
    wrap=True,
    widths={
        "Factor": 135,
        "Score": 125,
        "Band": 95,
        "Since last wave": 185,
        "Since first wave": 185,
        "Respondents": 85,
    },  # fmt: skip
)
with st.expander("How each change was tested"):
    dashboard.table(tables.change_tests(card), wrap=True)

st.subheader("Responses by partner")
dashboard.chart(charts.responses_chart, dashboard.responses_by_partner(view))
dashboard.response_rate_section(view)
