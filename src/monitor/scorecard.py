"""The Overview: each factor's score for one wave, its band, and change since the wave before."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from monitor import change
from monitor.instrument import Instrument, load_instrument
from monitor.scores import factor_scores
from monitor.store import Database
from monitor.store import queries as q


@dataclass(frozen=True)
class View:
    """What the dashboard is looking at: one partnership, a wave, maybe some partners."""

    partnership: str | None
    wave: str | None = None
    partners: tuple[str, ...] | None = None
    wave_from: str | None = None  # for ranges (trends); None = from the first wave

    def starts(self, db: Database) -> dict[str, object]:
        waves = q.waves(db, self.partnership)
        return dict(zip(waves["wave"], waves["wave_start"].dt.date, strict=True))


def wave_list(db: Database, partnership: str | None) -> list[str]:
    """Waves of a partnership, oldest first."""
    return q.waves(db, partnership)["wave"].tolist()


def _scores_of_wave_and_previous(db: Database, view: View, instrument: Instrument):
    """Scores of `view.wave` and of the wave just before it (reads only those two waves)."""
    starts = sorted(view.starts(db).items(), key=lambda item: item[1])
    labels = [label for label, _ in starts]
    if view.wave not in labels:
        return pd.DataFrame()
    position = labels.index(view.wave)
    first = starts[max(position - 1, 0)][1]
    where = q.ScoreFilter(
        view.partnership, view.partners, wave_from=first, wave_to=starts[position][1]
    )
    return factor_scores(db, where=where, instrument=instrument)


def scorecard(db: Database, view: View, instrument: Instrument | None = None) -> pd.DataFrame:
    """One row per factor for `view.wave` with mean, interval, n, band and the change
    since the previous wave (change, change_low, change_high, change_verdict)."""
    instrument = instrument or load_instrument()
    scores = _scores_of_wave_and_previous(db, view, instrument)
    if scores.empty or view.wave not in set(scores["wave"]):
        return pd.DataFrame()
    waves = scores.drop_duplicates("wave").sort_values("wave_start")["wave"].tolist()
    current = scores[scores["wave"] == view.wave]
    position = waves.index(view.wave)
    previous = scores[scores["wave"] == waves[position - 1]] if position else scores.iloc[0:0]
    card = change.compare(current, previous)
    order = {key: pos for pos, key in enumerate(instrument.factor_keys)}
    return card.sort_values("factor", key=lambda s: s.map(order)).reset_index(drop=True)


def needs_attention(card: pd.DataFrame) -> pd.DataFrame:
    """Factors in the concern band, and factors that clearly fell since the previous wave."""
    if card.empty:
        return pd.DataFrame(columns=["factor_name", "reason"])
    rows = []
    for r in card.itertuples():
        if r.band == "concern":
            rows.append((r.factor_name, f"scores {r.mean:.2f}, in the concern band"))
        if r.change_verdict == change.FELL:
            rows.append(
                (
                    r.factor_name,
                    f"fell by {abs(r.change):.2f} since {r.previous_wave} (a clear fall)",
                )
            )
    return pd.DataFrame(rows, columns=["factor_name", "reason"])


def responses_by_partner(db: Database, view: View) -> pd.DataFrame:
    """Respondents per partner in the wave (partner, respondents)."""
    return q.respondents_by_partner(db, view.partnership, view.wave, view.partners)


def _change_text(row) -> str:
    if row.change_verdict is None or pd.isna(row.change):
        return "no earlier wave"
    return f"{row.change:+.2f} ({row.change_verdict})"


def display_table(card: pd.DataFrame) -> pd.DataFrame:
    """The scorecard as people read it: factor, score, band in words, interval, change, n."""
    if card.empty:
        return pd.DataFrame()
    return pd.DataFrame(
        {
            "Factor": card["factor_name"],
            "Score": card["mean"].round(2),
            "Band": card["band_label"],
            "95% interval": [
                f"{lo:.2f} – {hi:.2f}" if pd.notna(lo) else "n too small"
                for lo, hi in zip(card["ci_low"], card["ci_high"], strict=True)
            ],
            "Change since last wave": [_change_text(r) for r in card.itertuples()],
            "Respondents": card["n"],
        }
    )
