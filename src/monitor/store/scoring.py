"""Factor scores and the statistics computed from them in SQL: group scores in two
weightings, respondent scores, reliability, item quality and the power index."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import TYPE_CHECKING

from monitor import distributions, frames
from monitor.instrument import Instrument
from monitor.store import kept_scores
from monitor.store.database import Database, sql_text

if TYPE_CHECKING:
    import pandas as pd

GROUPINGS = {None: None, "partner": "partner", "role": "role"}


WEIGHTINGS = ("person", "agency")
# Intervals of larger groups use the critical value of this many degrees of freedom.
MAX_DF = 10_000
# Group scores: the columns (with `by`'s after wave_start) and their pandas types.
GROUP_SCORE_TYPES = {
    "partnership": "str",
    "wave": "str",
    "wave_start": "datetime64[us]",
    "factor": "str",
    "n": "int64",
    "mean": "float64",
    "sd": "float64",
    "ci_low": "float64",
    "ci_high": "float64",
}


@dataclass(frozen=True)
class ScoreFilter:
    """Which answers to score; None means no restriction."""

    partnership: str | None = None
    partners: tuple[str, ...] | None = None
    wave_from: date | None = None
    wave_to: date | None = None

    def params_without_scale(self) -> dict:
        return {
            "partnership": self.partnership,
            "partners": list(self.partners) if self.partners else None,
            "wave_from": self.wave_from,
            "wave_to": self.wave_to,
        }

    def params(self, instrument: Instrument) -> dict:
        scale_sum = instrument.scale_min + instrument.scale_max
        return {"scale_sum": scale_sum, **self.params_without_scale()}


@cache
def critical_t(df: int) -> float:
    """The two-sided 95% critical value of Student's t with `df` (at least 1) degrees of
    freedom; that of MAX_DF above it."""
    return distributions.t_ppf(0.975, min(df, MAX_DF))


@cache
def t_critical(max_df: int = MAX_DF) -> pd.DataFrame:
    """Two-sided 95% critical values of Student's t for df = 1..max_df, as a table."""
    import pandas as pd

    df = range(1, max_df + 1)
    return pd.DataFrame({"df": list(df), "t": [critical_t(d) for d in df]})


def with_interval(row: dict) -> dict:
    """A group score (`n`, `mean`, `sd` of its respondents' scores) with its 95%
    t-interval `ci_low`, `ci_high` (None for fewer than two respondents)."""
    n, mean, sd = row["n"], row["mean"], row["sd"]
    if n < 2 or mean is None or sd is None:
        return {**row, "ci_low": None, "ci_high": None}
    half = critical_t(n - 1) * sd / math.sqrt(n)
    return {**row, "ci_low": mean - half, "ci_high": mean + half}


def respondent_params(instrument: Instrument, where: ScoreFilter | None = None) -> dict:
    """The parameters of the `respondent_scores` prelude: the filter's and the
    instrument's factors (key, position, number of items)."""
    items = Counter(item.factor for item in instrument.items)
    factors = [(pos, key) for pos, key in enumerate(instrument.factor_keys) if items[key]]
    return {
        **(where or ScoreFilter()).params_without_scale(),
        "factors": [key for _, key in factors],
        "factor_positions": [pos for pos, _ in factors],
        "factor_items": [items[key] for _, key in factors],
    }


def make_scores_current(db: Database, instrument: Instrument) -> None:
    """Make the kept respondent scores those of `instrument`, all again when it is not
    the instrument they were made with (see kept_scores)."""
    description = kept_scores.describe(instrument)
    wanted = kept_scores.fingerprint(description)
    noted = dict(db.query_rows(kept_scores.statements()["noted"]))
    if noted.get("scores_fingerprint") == wanted:
        return
    with db.transaction() as cur:
        if kept_scores.noted(cur).get("scores_fingerprint") == wanted:
            return  # another session made them meanwhile
        kept_scores.drop_scores(cur, None)  # the counts do not depend on the instrument
        note = {"instrument": description, "fingerprint": wanted}
        cur.execute(kept_scores.statements()["note"], note)
        kept_scores.make_scores(cur, None)


def respondent_scores_sql(db: Database, instrument: Instrument) -> str:
    """The SQL prelude defining `respondent_scores` (read from the kept respondent scores,
    made current for `instrument` first). Its parameters are `respondent_params`."""
    make_scores_current(db, instrument)
    return sql_text("respondent_scores.sql")


def _scores_sql(db: Database, instrument: Instrument, by: str | None) -> str:
    column = GROUPINGS[by]
    group = f"{column}, " if column else ""
    sql = respondent_scores_sql(db, instrument) + sql_text("group_scores.sql")
    return sql.format(
        group_column=column or "group",
        group_select=group,
        group_output=f"g.{group}" if column else "",
        group_order=f"g.{group}" if column else "",
    )


def group_score_rows(
    db: Database, instrument: Instrument, by: str | None = None, where: ScoreFilter | None = None
) -> list[dict]:
    """Factor scores per partnership and wave (and partner or role when `by` says so) as
    plain rows: partnership, wave, wave_start, [partner|role], factor, n, mean, sd,
    ci_low, ci_high (see `with_interval`); waves in time order, factors in instrument
    order."""
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {sorted(k for k in GROUPINGS if k)} or None")
    sql = _scores_sql(db, instrument, by)
    return [with_interval(row) for row in db.query_dicts(sql, respondent_params(instrument, where))]


def group_score_types(by: str | None) -> dict[str, str]:
    """The columns of group scores grouped `by` and their pandas types."""
    columns = list(GROUP_SCORE_TYPES.items())
    if by:
        columns.insert(3, (GROUPINGS[by], "str"))
    return dict(columns)


def group_scores(
    db: Database, instrument: Instrument, by: str | None = None, where: ScoreFilter | None = None
) -> pd.DataFrame:
    """`group_score_rows` as a table."""
    rows = group_score_rows(db, instrument, by=by, where=where)
    return frames.from_rows(rows, group_score_types(by))


def weighted_group_scores(
    db: Database,
    instrument: Instrument,
    by: str | None = None,
    where: ScoreFilter | None = None,
    weighting: str = "person",
) -> pd.DataFrame:
    """`group_scores` with a weighting: 'person' (one person, one vote) or 'agency'
    (each partner's mean counts once; n is then the number of partners)."""
    if weighting not in WEIGHTINGS:
        raise ValueError(f"weighting must be one of {WEIGHTINGS}")
    if weighting == "person":
        return group_scores(db, instrument, by=by, where=where)
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {sorted(k for k in GROUPINGS if k)} or None")
    column = GROUPINGS[by]
    group = f"{column}, " if column else ""
    prelude = respondent_scores_sql(db, instrument)
    sql = (prelude + sql_text("agency_scores.sql")).format(
        group_select=group,
        group_output=f"g.{group}" if column else "",
        group_order=f"g.{group}" if column else "",
    )
    return db.query_df(sql, respondent_params(instrument, where), t_critical=t_critical())


def respondent_scores(
    db: Database, instrument: Instrument, where: ScoreFilter | None = None
) -> pd.DataFrame:
    """One row per respondent, wave and factor with the respondent's factor score (without
    the store's own numbers of factors and respondents)."""
    sql = respondent_scores_sql(db, instrument) + (
        "SELECT * EXCLUDE (factor_pos, person) FROM respondent_scores "
        "ORDER BY partnership, wave_start, respondent_id, factor_pos"
    )
    return db.query_df(sql, respondent_params(instrument, where))


def reliability(db: Database, instrument: Instrument, where: ScoreFilter | None = None):
    """Cronbach's alpha per partnership, wave and factor (complete answers only)."""
    positions = range(1, max((len(f.items) for f in instrument.factors), default=0) + 1)
    sql = sql_text("reliability.sql").format(
        positions="".join(
            f", max(CASE WHEN i.item_pos = {p} THEN v.value END) AS p{p}" for p in positions
        ),
        item_variances=" + ".join(f"coalesce(var_samp(p{p}), 0)" for p in positions) or "0",
    )
    return db.query_df(
        sql, (where or ScoreFilter()).params(instrument), instrument_items=instrument.items_frame()
    )


def item_quality(db: Database, instrument: Instrument, where: ScoreFilter | None = None):
    """Per item and wave: respondents, answers given and the missing rate."""
    return db.query_df(
        sql_text("item_quality.sql"),
        (where or ScoreFilter()).params_without_scale(),
        instrument_items=instrument.items_frame(),
    )
