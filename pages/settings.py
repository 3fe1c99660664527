"""Settings (for administrators): the disclosure rule, score bands and warning thresholds."""

import streamlit as st

from monitor import dashboard

dashboard.plain_page("settings")
st.caption(
    "These values apply to every page and every user. They override the defaults, "
    "monitor.toml and MONITOR_* environment variables. Reset a value to fall back to those."
)
current = dashboard.settings()
stored = dashboard.stored_settings()
bands = dashboard.bands()

with st.form("settings"):
    st.subheader("Protecting respondents")
    min_group = st.number_input(
        "Minimum group size",
        min_value=1,
        max_value=50,
        value=current.min_group_size,
        help="No partner or role score from fewer respondents is shown (survey platforms "
        "commonly use 5, never fewer than 3).",
    )
    st.subheader("Score bands")
    strength = st.number_input(
        "Strength from",
        min_value=1.0,
        max_value=5.0,
        step=0.1,
        value=float(bands.get("strength", 4.0)),
    )
    borderline = st.number_input(
        "Borderline from (below it: concern)",
        min_value=1.0,
        max_value=5.0,
        step=0.1,
        value=float(bands.get("borderline", 3.0)),
    )
    st.subheader("Warnings")
    name_only = dashboard.name_only_settings(current)
    alpha_low = st.number_input(
        "Low reliability: Cronbach's alpha below",
        min_value=0.0,
        max_value=1.0,
        step=0.05,
        value=float(current.alpha_low),
    )
    min_rate = st.number_input(
        "Low response rate: below (%)",
        min_value=0.0,
        max_value=100.0,
        step=5.0,
        value=float(current.min_response_rate),
        help="An agency where fewer of the people invited answered is marked low on the "
        "Overview and in the board report.",
    )
    st.subheader("Money")
    currency = st.text_input(
        "Currency",
        value=current.currency,
        max_chars=5,
        help="Written before costs and resources on the pages and in the board report "
        "(for example £, € or EUR).",
    )
    saved = st.form_submit_button("Save settings", type="primary")

if saved:
    values = {
        "min_group_size": int(min_group),
        "band_strength": float(strength),
        "band_borderline": float(borderline),
        **name_only,
        "alpha_low": float(alpha_low),
        "min_response_rate": float(min_rate),
        "currency": currency.strip(),
    }
    if dashboard.save_settings(values):
        dashboard.flash("Settings saved.")
        st.rerun()

if stored:
    st.subheader("Saved here")
    st.dataframe({"Setting": list(stored), "Value": list(stored.values())}, hide_index=True)
    if st.button("Reset to the defaults and monitor.toml"):
        dashboard.save_settings(dict.fromkeys(dashboard.EDITABLE_SETTINGS))
        dashboard.flash("Saved settings removed.")
        st.rerun()
