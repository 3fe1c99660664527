"""Overview: the scorecard of the ten factors for one wave, and what needs attention."""

import streamlit as st

from monitor import charts, scorecard, tables, ui

view = ui.page("Partnership health", weighting=True)

path = ui.db_path()
min_n = ui.settings().min_group_size
card = ui.scorecard_table(path, view)
if card.empty:
    st.warning("No scores for this selection. Choose another wave or include more partners.")
    st.stop()

st.caption(
    f"{view.partnership} · wave {view.wave} · "
    + (", ".join(view.partners) if view.partners else "all partners")
    + " · "
    + ui.WEIGHTING_LABELS[view.weighting].lower()
)
if "suppressed" in card and card["suppressed"].any():
    st.info(
        f"Some scores of this partner selection are hidden: the selection, or the partners "
        f"it leaves out, has fewer than {min_n} respondents, so comparing it with the whole "
        "partnership could reveal a small group. Choose more partners."
    )
counts = ui.responses_by_partner(path, view)
strong = int((card["band"] == "strength").sum())
concern = int((card["band"] == "concern").sum())
left, middle, right = st.columns(3)
left.metric("Respondents", int(counts["respondents"].sum()))
middle.metric("Factors in strength", f"{strong} of {len(card)}")
right.metric("Factors of concern", concern)

st.subheader("Needs attention")
attention = scorecard.needs_attention(card)
if attention.empty:
    st.success("No factor is in the concern band, and none fell clearly since the last wave.")
else:
    for row in attention.itertuples():
        st.markdown(f"- **{row.factor_name}**: {row.reason}")

st.subheader("Scorecard")
shown = card.dropna(subset=["mean"])[
    ["factor_name", "wave", "mean", "ci_low", "ci_high", "n", "band_label"]
]  # only what the chart draws
ui.chart(charts.scorecard_chart(shown, ui.instrument()))
st.caption(
    "Change is shown with its 95% interval. **rose** or **fell** only when the whole "
    "interval is above or below zero; otherwise **no clear change** (the difference could "
    "be noise). **too few to tell** when a wave has fewer than two answers."
    + (
        " With one agency, one vote, the interval is over the partners' means, so it is wider."
        if view.weighting == "agency"
        else ""
    )
)
ui.table(tables.scorecard(card))

st.subheader("Responses by partner")
ui.chart(charts.responses_chart(counts))
