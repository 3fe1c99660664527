"""Settings (for administrators): the disclosure rule, score bands and warning thresholds."""

import streamlit as st

from monitor import settings as config
from monitor import ui

ui.inside_app()
st.title("Settings")
st.caption(
    "These values apply to every page and every user. They override the defaults, "
    "monitor.toml and MONITOR_* environment variables. Reset a value to fall back to those."
)
current = ui.settings()
stored = ui.stored_settings()
bands = config.band_minimums(ui.instrument())
ui.show_flash()

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
    gap = st.number_input(
        "Partnership in name only: points below the partnership",
        min_value=0.1,
        max_value=4.0,
        step=0.05,
        value=float(current.name_only_gap),
    )
    runs = st.number_input(
        "Partnership in name only: waves in a row",
        min_value=1,
        max_value=12,
        value=current.name_only_waves,
    )
    alpha_low = st.number_input(
        "Low reliability: Cronbach's alpha below",
        min_value=0.0,
        max_value=1.0,
        step=0.05,
        value=float(current.alpha_low),
    )
    saved = st.form_submit_button("Save settings", type="primary")

if saved:
    values = {
        "min_group_size": int(min_group),
        "band_strength": float(strength),
        "band_borderline": float(borderline),
        "name_only_gap": float(gap),
        "name_only_waves": int(runs),
        "alpha_low": float(alpha_low),
    }
    if ui.save_settings(values):
        ui.flash("Settings saved.")
        st.rerun()

if stored:
    st.subheader("Saved here")
    st.dataframe({"Setting": list(stored), "Value": list(stored.values())}, hide_index=True)
    if st.button("Reset to the defaults and monitor.toml"):
        ui.save_settings(dict.fromkeys(config.EDITABLE))
        ui.flash("Saved settings removed.")
        st.rerun()
