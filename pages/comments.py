"""Comments: what respondents wrote in free-text questions, for groups large enough."""

import streamlit as st

from monitor import dashboard

view = dashboard.page("comments")

min_n = dashboard.settings().comment_min_group_size
by = st.segmented_control(
    "Group comments by",
    ["partner", "role"],
    default="partner",
    format_func=str.capitalize,
    key="comments_by",
    bind="query-params",
)
comments = dashboard.comments(view, by or "partner")
st.caption(
    f"{dashboard.md(view.partnership)} · wave {dashboard.md(view.wave)}. Comments are shown "
    f"only for groups in which at least {min_n} respondents wrote a comment, so that no one "
    "can be recognised by their words."
)
if comments.empty:
    st.info(
        "No comments to show for this wave. Free-text answers of survey platform exports are "
        "kept when they are imported; groups with too few commenters are left out."
    )
    st.stop()
for (group, question), rows in comments.groupby(["group", "question"], sort=False):
    heading = dashboard.md(group) if group else "No role given"
    with st.expander(f"{heading} · {dashboard.md(question)} ({len(rows)})"):
        for text in rows["text"]:
            st.text(text)  # what a respondent wrote: shown as written, never as Markdown
