"""The Overview: each factor's score for one wave, its band, and change since the wave before."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from monitor import change, disclosure
from monitor.instrument import Instrument, load_instrument
from monitor.scores import factor_scores
from monitor.store import Database, lookups, respondents, responses, scoring


@dataclass(frozen=True)
class View:
    """What the dashboard is looking at: one partnership, a wave, maybe some partners."""

    partnership: str | None
    wave: str | None = None
    partners: tuple[str, ...] | None = None
    wave_from: str | None = None  # for ranges (trends); None = from the first wave
    weighting: str = "person"  # "person": one person, one vote; "agency": one agency, one vote

    def starts(self, db: Database) -> dict[str, object]:
        waves = lookups.waves(db, self.partnership)
        return dict(zip(waves["wave"], waves["wave_start"].dt.date, strict=True))

    def score_filter(self, db: Database) -> scoring.ScoreFilter:
        """The answers of this view: its partnership and partners, from `wave_from` (or
        the first wave) up to `wave` (or the latest)."""
        starts = self.starts(db)
        return scoring.ScoreFilter(
            self.partnership, self.partners, starts.get(self.wave_from), starts.get(self.wave)
        )


def wave_list(db: Database, partnership: str | None) -> list[str]:
    """Waves of a partnership, oldest first."""
    return lookups.waves(db, partnership)["wave"].tolist()


def _scores_of_day(
    db: Database, view: View, instrument: Instrument, min_group_size: int, day
) -> pd.DataFrame:
    """The factor scores of the wave starting on `day`, under the view's partners and
    weighting, with the disclosure rule applied."""
    return factor_scores(
        db,
        where=scoring.ScoreFilter(view.partnership, view.partners, wave_from=day, wave_to=day),
        instrument=instrument,
        weighting=view.weighting,
        min_group_size=min_group_size,
    )


def _scores_of_wave_and_previous(
    db: Database, view: View, instrument: Instrument, min_group_size: int
) -> pd.DataFrame:
    """Scores of `view.wave`, of the wave just before it and of the first wave (reads
    only those waves), with the disclosure rule applied to each."""
    starts = sorted(view.starts(db).items(), key=lambda item: item[1])
    labels = [label for label, _ in starts]
    if view.wave not in labels:
        return pd.DataFrame()
    position = labels.index(view.wave)
    chosen = {starts[0][1], starts[max(position - 1, 0)][1], starts[position][1]}
    frames = [_scores_of_day(db, view, instrument, min_group_size, d) for d in sorted(chosen)]
    return pd.concat(frames, ignore_index=True)


def wave_scores(
    db: Database,
    view: View,
    instrument: Instrument | None = None,
    min_group_size: int | None = None,
) -> pd.DataFrame:
    """The factor scores of `view.wave` alone, as the scorecard shows them (the same
    weighting and disclosure rule), without the changes since earlier waves: one row
    per factor; empty when the wave has no data."""
    day = view.starts(db).get(view.wave)
    if day is None:
        return pd.DataFrame()
    minimum = disclosure.minimum(db, min_group_size)
    return _scores_of_day(db, view, instrument or load_instrument(), minimum, day)


COMPARISONS = {"previous": ("previous_wave", "change"), "first": ("first_wave", "change_first")}


def _overlaps(
    db: Database, view: View, instrument: Instrument, earlier: list[str]
) -> dict[str, pd.DataFrame]:
    """Each earlier wave's respondent scores against `view.wave`'s, summarised for the
    change test (per agency under agency weighting), by earlier wave."""
    found = respondents.wave_overlap(
        db,
        instrument,
        sorted(set(earlier)),
        view.wave,
        partnership=view.partnership,
        partners=view.partners,
        by_agency=view.weighting == "agency",
    )
    return {wave: found[found["before"] == wave] for wave in earlier}


def scorecard(
    db: Database,
    view: View,
    instrument: Instrument | None = None,
    min_group_size: int | None = None,
) -> pd.DataFrame:
    """One row per factor for `view.wave` with mean, interval, n, band, the change
    since the previous wave (change, change_low, change_high, change_verdict,
    change_method, change_repeat_share, ...: see `change.compare`) and the change
    since the first wave (first_wave, change_first, change_first_low, ...), both
    measured on the repeat respondents under `view.weighting`.

    A verdict needs `min_group_size` (at least 2) respondents in each wave. The
    disclosure rule (`min_group_size`; None: the configured one) applies to every wave
    used: a score hidden in the wave shown hides its changes too, and one hidden in the
    previous or first wave hides that comparison (its verdict reads
    `disclosure.HIDDEN_TEXT`); `suppressed` marks factors hidden in the wave shown."""
    instrument = instrument or load_instrument()
    minimum = disclosure.minimum(db, min_group_size)
    scores = _scores_of_wave_and_previous(db, view, instrument, minimum)
    if scores.empty or view.wave not in set(scores["wave"]):
        return pd.DataFrame()
    waves = scores.drop_duplicates("wave").sort_values("wave_start")["wave"].tolist()
    current = scores[scores["wave"] == view.wave]
    position = waves.index(view.wave)
    previous = scores[scores["wave"] == waves[position - 1]] if position else scores.iloc[0:0]
    first = scores[scores["wave"] == waves[0]] if position else scores.iloc[0:0]
    options = {"weighting": view.weighting, "min_group_size": minimum}
    earlier = [waves[position - 1], waves[0]] if position else []
    since = _overlaps(db, view, instrument, earlier) if position else {}
    card = change.compare(current, previous, since.get(waves[position - 1]), **options)
    first_since = since.get(waves[0])
    card = change.compare(card, first, first_since, label="first", suffix="_first", **options)
    card = disclosure.protect_change(card, scores, COMPARISONS)
    order = {key: pos for pos, key in enumerate(instrument.factor_keys)}
    return card.sort_values("factor", key=lambda s: s.map(order)).reset_index(drop=True)


def needs_attention(card: pd.DataFrame) -> pd.DataFrame:
    """Factors in the concern band, and factors that clearly fell since the previous wave."""
    if card.empty:
        return pd.DataFrame(columns=["factor_name", "reason"])
    rows = []
    for r in card.itertuples():
        if pd.isna(r.mean):
            continue
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
    return responses.respondents_by_partner(db, view.partnership, view.wave, view.partners)


def change_note(card: pd.DataFrame) -> str:
    """One sentence on how change since the previous wave was measured: the method and
    the share of this wave's respondents who answered the previous wave too ('' when
    there is no previous wave)."""
    known = card.dropna(subset=["change_method"]) if "change_method" in card else card.iloc[0:0]
    if known.empty:
        return ""
    methods = sorted(set(known["change_method"]))
    repeat = int(known["change_repeat"].max())
    share = known["change_repeat_share"].max()
    text = (
        f"Change since {known['previous_wave'].iloc[0]} is measured with the "
        f"{' / '.join(methods)} (Derrick et al. 2017): {repeat} respondents "
        f"({share:.0%} of this wave's) answered both waves, and their answers are compared "
        "with their own earlier ones."
    )
    left_out = {name for names in known["change_left_out"] if names for name in names.split("; ")}
    if left_out:
        text += (
            f" {len(left_out)} agencies answered in only one of the two waves and are left "
            "out of the change (see the table)."
        )
    return text
