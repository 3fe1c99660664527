"""Factor scores as managers read them: with factor names and score bands."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from monitor import disclosure, statistics
from monitor.instrument import Instrument, load_instrument
from monitor.store import Database, lookups, respondents, scoring

SCORE_COLUMNS = ["partnership", "wave", "factor", "n", "mean", "sd", "ci_low", "ci_high"]


def _label(frame: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    frame = frame.copy()
    frame.insert(
        frame.columns.get_loc("factor") + 1,
        "factor_name",
        frame["factor"].map(instrument.factor_names()),
    )
    bands = frame["mean"].map(instrument.band)
    frame["band"] = bands.map(lambda b: b.key if b else None)
    frame["band_label"] = bands.map(lambda b: b.label if b else None)
    marks = [c for c in ("suppressed", "secondary") if c in frame.columns]
    return frame[[c for c in frame.columns if c not in marks] + marks]


def factor_scores(
    db: Database,
    *,
    by: str | None = None,
    partnership: str | None = None,
    where: scoring.ScoreFilter | None = None,
    instrument: Instrument | None = None,
    weighting: str = "person",
    min_group_size: int | None = None,
) -> pd.DataFrame:
    """Group factor scores by partnership and wave (and `by`: 'partner' or 'role'),
    with the disclosure rule applied (see monitor.disclosure).

    `where` narrows the answers (partners, wave range); `partnership` is a shortcut.
    `weighting`: 'person' (one person, one vote: the mean of respondents' scores, with
    a t-interval) or 'agency' (one agency, one vote: the mean of the partners' means,
    with the interval of `statistics.agency_mean`; `n` then counts partners, `sd` is
    the spread of the partner means, and an extra column `respondents` counts people).

    `min_group_size`: scores of fewer respondents are hidden (mean, sd, interval and
    band emptied, `suppressed` True), and so are those that would give a hidden one away
    (`secondary` True); None uses the configured minimum, `disclosure.NO_MINIMUM`
    shows every group.

    Columns: partnership, wave, wave_start, [partner|role], factor, factor_name, n, mean,
    sd, ci_low, ci_high, [respondents], band, band_label, suppressed, secondary; waves
    in time order, factors in instrument order.
    """
    instrument = instrument or load_instrument()
    where = where or scoring.ScoreFilter(partnership=partnership)
    minimum = disclosure.minimum(db, min_group_size)
    whole = replace(where, partners=None)
    if by == "partner" and where.partners:  # partners are hidden as in the whole partnership
        frame = _computed(db, instrument, by, whole, weighting)
        frame = disclosure.suppress(frame, minimum, group=by)
        frame = frame[frame["partner"].isin(where.partners)].reset_index(drop=True)
        return _label(frame, instrument)
    frame = _computed(db, instrument, by, where, weighting)
    return _label(_protect(db, frame, instrument, by, where, weighting, minimum), instrument)


def _computed(
    db: Database,
    instrument: Instrument,
    by: str | None,
    where: scoring.ScoreFilter,
    weighting: str,
) -> pd.DataFrame:
    """Scores before the disclosure rule (see `factor_scores`)."""
    if weighting == "agency" and by in scoring.GROUPINGS:
        return _agency_weighted(db, instrument, by, where)
    return scoring.weighted_group_scores(db, instrument, by=by, where=where, weighting=weighting)


def _protect(
    db: Database,
    frame: pd.DataFrame,
    instrument: Instrument,
    by: str | None,
    where: scoring.ScoreFilter,
    weighting: str,
    minimum: int,
) -> pd.DataFrame:
    """The disclosure rule on freshly computed scores (see `factor_scores`)."""
    whole = replace(where, partners=None)
    if by is None and where.partners:
        sizes = scoring.group_scores(db, instrument, by="partner", where=whole)
        return disclosure.suppress_selection(frame, sizes, where.partners, minimum)
    if by is None:
        return disclosure.suppress_totals(frame, minimum)
    if where.partners:
        groups = _computed(db, instrument, by, whole, weighting)
        return disclosure.suppress_groups_of_selection(frame, groups, by, minimum)
    return disclosure.suppress(frame, minimum, group=by)


def _agency_weighted(
    db: Database, instrument: Instrument, by: str | None, where: scoring.ScoreFilter
) -> pd.DataFrame:
    """One agency, one vote from the per-agency summaries (see `factor_scores`)."""
    parts = respondents.agency_summaries(db, instrument, where, by="role" if by == "role" else None)
    keys = ["partnership", "wave", "wave_start", *([by] if by else []), "factor"]
    rows = []
    for key, agencies in parts.groupby(keys, sort=False):
        estimate = statistics.agency_mean(agencies["mean"], agencies["sd"], agencies["n"])
        spread = agencies["mean"].std(ddof=1)
        rows.append(
            (*key, agencies["factor_pos"].iloc[0], len(agencies), estimate.estimate, spread,
             estimate.low, estimate.high, int(agencies["n"].sum()))
        )  # fmt: skip
    columns = [*keys, "factor_pos", "n", "mean", "sd", "ci_low", "ci_high", "respondents"]
    frame = pd.DataFrame(rows, columns=columns)
    order = ["partnership", "wave_start", "wave", *([by] if by else []), "factor_pos"]
    frame = frame.sort_values(order, kind="stable").drop(columns="factor_pos")
    return frame.reset_index(drop=True)


def latest_wave(db: Database, partnership: str | None = None) -> str | None:
    """The most recent wave with data (for one partnership, or any)."""
    waves = lookups.waves(db, partnership)
    return None if waves.empty else waves.sort_values("wave_start")["wave"].iloc[-1]


def respondent_scores(
    db: Database, *, partnership: str | None = None, instrument: Instrument | None = None
) -> pd.DataFrame:
    """Each respondent's factor scores (reverse items flipped, half-answered rule applied)."""
    return scoring.respondent_scores(
        db, instrument or load_instrument(), scoring.ScoreFilter(partnership=partnership)
    )
