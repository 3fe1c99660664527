"""Response rates: the table on the Upload page where an evaluator records how many
people of each agency were invited to answer a wave, and the Overview's section that
shows the rate per agency (see monitor.response_rates)."""

from __future__ import annotations

import streamlit as st

from monitor import access, response_rates, tables
from monitor.dashboard.auth import current_actor
from monitor.dashboard.cached import agency_response_rates, invited_entry, waves
from monitor.dashboard.session import data_changed, db_path, flash, run_safely, settings, store_at
from monitor.dashboard.widgets import table
from monitor.scorecard import View
from monitor.untrusted import markdown_text as md
from monitor.waves import next_wave

INVITED = "Invited"


def _wave_choice(partnership: str) -> str | None:
    """A stored wave of the partnership (the latest first offered) or the next one."""
    stored = waves(partnership)
    following = next_wave(stored[-1]) if stored else None
    options = [*reversed(stored), *([following] if following and following not in stored else [])]
    if not options:
        st.caption("This partnership has no waves yet: upload its first survey file first.")
        return None
    return st.selectbox(
        "Wave",
        options,
        index=0,
        key=f"invited_wave_{partnership}",
        help="The survey round the counts belong to.",
    )


def _changes_text(changes: dict[str, dict[str, tuple[int | None, int | None]]]) -> str:
    parts = [
        f"{name} {'none' if was is None else was} → {'none' if now is None else now}"
        for changed in changes.values()
        for name, (was, now) in changed.items()
    ]
    return ", ".join(parts)


def invited_section(partnership: str | None, who: str | None) -> None:
    """The table of people invited per agency for a chosen wave of `partnership`, saved
    with a button: every problem is listed and nothing is stored until all are fixed."""
    st.header("People invited (response rates)")
    st.caption(
        "How many people of each agency were asked to answer the survey, so the Overview "
        "and the board report can show the share who answered. Leave a count blank when "
        "it is not known; a blank removes a count saved before."
    )
    if partnership is None:
        st.caption("Choose the partnership above to record its counts.")
        return
    wave = _wave_choice(partnership)
    if wave is None:
        return
    entry = tables.invited_entry(invited_entry(partnership, wave))
    edited = st.data_editor(
        entry,
        hide_index=True,
        disabled=["Agency", "Respondents"],
        column_config={
            INVITED: st.column_config.NumberColumn(
                INVITED, min_value=0, step=1, format="%d", help="People invited to answer"
            ),
            "Respondents": st.column_config.NumberColumn(
                "Respondents", help="People of the agency who answered in this wave"
            ),
        },
        key=f"invited_{partnership}_{wave}",
        width="stretch",
    )
    if st.button("Save the invited counts", key=f"invited_save_{partnership}_{wave}"):
        counts = dict(zip(edited["Agency"], edited[INVITED], strict=True))
        _save(partnership, wave, counts, who)


def _save(partnership: str, wave: str, counts: dict, who: str | None) -> None:
    actor = current_actor()
    changes = run_safely(
        lambda: access.save_invited(actor, store_at(db_path()), partnership, {wave: counts}, who)
    )
    if changes is None:
        return
    data_changed()
    if changes:
        flash(f"Invited counts of {md(wave)} saved: {md(_changes_text(changes))}.")
    else:
        flash(f"The invited counts of {md(wave)} were already saved as they are.")
    st.rerun()


def response_rate_section(view: View) -> None:
    """The Overview's response rate per agency, low ones marked in words."""
    st.subheader("Response rates")
    rates = agency_response_rates(view)
    min_rate = settings().min_response_rate
    if rates.empty:
        st.caption(
            "Not recorded for this wave: an evaluator can enter how many people each agency "
            "invited on the Upload page."
        )
        return
    st.text(response_rates.summary_sentence(rates, min_rate))
    table(tables.response_rates(rates), wrap=False)
    st.caption(
        f"Response rate: respondents ÷ people invited. Agencies below {min_rate:g}% are "
        "marked low (setting on the Settings page): their scores may speak for only a few "
        "of their staff."
    )
