"""Factor scores as managers read them: with factor names and score bands.

They are computed once, as plain rows (`factor_score_rows`: person weighting needs
neither pandas nor numpy, so the command line starts fast); `factor_scores` is the same
rows as a table.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING

from monitor import disclosure, frames
from monitor.instrument import Instrument, load_instrument
from monitor.store import Database, lookups, respondents, scoring

if TYPE_CHECKING:
    import pandas as pd

SCORE_COLUMNS = ["partnership", "wave", "factor", "n", "mean", "sd", "ci_low", "ci_high"]
MARKS = ("suppressed", "secondary")


def score_types(by: str | None = None, weighting: str = "person") -> dict[str, str]:
    """The columns of `factor_scores` and their pandas types."""
    types = scoring.group_score_types(by)
    columns = list(types.items())
    columns.insert(list(types).index("factor") + 1, ("factor_name", "str"))
    if weighting == "agency":
        columns.append(("respondents", "int64"))
    columns += [
        ("band", "str"),
        ("band_label", "str"),
        ("suppressed", "bool"),
        ("secondary", "bool"),
    ]
    return dict(columns)


def _labelled(row: dict, instrument: Instrument, names: dict[str, str]) -> dict:
    """`row` with the factor's name after its key and the band of its mean before the
    disclosure marks."""
    labelled = {}
    for column, value in row.items():
        if column not in MARKS:
            labelled[column] = value
        if column == "factor":
            labelled["factor_name"] = names.get(value)
    band = instrument.band(row["mean"])
    labelled["band"] = band.key if band else None
    labelled["band_label"] = band.label if band else None
    labelled.update({mark: row[mark] for mark in MARKS})
    return labelled


def factor_score_rows(
    db: Database,
    *,
    by: str | None = None,
    partnership: str | None = None,
    where: scoring.ScoreFilter | None = None,
    instrument: Instrument | None = None,
    weighting: str = "person",
    min_group_size: int | None = None,
) -> list[dict]:
    """`factor_scores` as plain rows: one dict per row, with the same columns and values
    (None where the table has a missing value, dates as `datetime.date`)."""
    instrument = instrument or load_instrument()
    where = where or scoring.ScoreFilter(partnership=partnership)
    minimum = disclosure.minimum(db, min_group_size)
    if by == "partner" and where.partners:  # partners are hidden as in the whole partnership
        whole = replace(where, partners=None)
        rows = _computed(db, instrument, by, whole, weighting)
        rows = disclosure.suppress_rows(rows, minimum, group=by)
        rows = [row for row in rows if row["partner"] in where.partners]
    else:
        rows = _computed(db, instrument, by, where, weighting)
        rows = _protect(db, rows, instrument, by, where, weighting, minimum)
    names = instrument.factor_names()
    return [_labelled(row, instrument, names) for row in rows]


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
    in time order, factors in instrument order. The table of `factor_score_rows`.
    """
    rows = factor_score_rows(
        db,
        by=by,
        partnership=partnership,
        where=where,
        instrument=instrument,
        weighting=weighting,
        min_group_size=min_group_size,
    )
    return frames.from_rows(rows, score_types(by, weighting))


def _computed(
    db: Database,
    instrument: Instrument,
    by: str | None,
    where: scoring.ScoreFilter,
    weighting: str,
) -> list[dict]:
    """Scores before the disclosure rule (see `factor_scores`)."""
    if weighting not in scoring.WEIGHTINGS:
        raise ValueError(f"weighting must be one of {scoring.WEIGHTINGS}")
    if weighting == "agency" and by in scoring.GROUPINGS:
        return _agency_weighted(db, instrument, by, where)
    return scoring.group_score_rows(db, instrument, by=by, where=where)


def _protect(
    db: Database,
    rows: list[dict],
    instrument: Instrument,
    by: str | None,
    where: scoring.ScoreFilter,
    weighting: str,
    minimum: int,
) -> list[dict]:
    """The disclosure rule on freshly computed scores (see `factor_scores`)."""
    whole = replace(where, partners=None)
    if by is None and where.partners:
        sizes = scoring.group_score_rows(db, instrument, by="partner", where=whole)
        return disclosure.suppress_selection_rows(rows, sizes, where.partners, minimum)
    if by is None:
        return disclosure.suppress_total_rows(rows, minimum)
    if where.partners:
        groups = _computed(db, instrument, by, whole, weighting)
        return disclosure.suppress_groups_of_selection_rows(rows, groups, by, minimum)
    return disclosure.suppress_rows(rows, minimum, group=by)


def _plain(value: object) -> object:
    """A table's value as in plain rows: None for missing, dates as dates."""
    if isinstance(value, float) and math.isnan(value):
        return None
    return value.date() if hasattr(value, "to_pydatetime") else value


def _agency_weighted(
    db: Database, instrument: Instrument, by: str | None, where: scoring.ScoreFilter
) -> list[dict]:
    """One agency, one vote from the per-agency summaries (see `factor_scores`); this
    weighting loads pandas."""
    import pandas as pd

    from monitor import statistics

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
    return [
        {column: _plain(value) for column, value in row.items()}
        for row in frame.to_dict(orient="records")
    ]


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
