"""Survey responses read row by row: answers in wide form, respondents per partner and
wave, the respondents already stored, and the free-text comments."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from monitor.instrument import Instrument
from monitor.store.database import Database, quote_identifier, sql_text
from monitor.store.scoring import ScoreFilter

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa


# A preview gathers only the answers of its first rows (see answers_wide.sql).
FIRST_ROWS_ONLY = "\n    SEMI JOIN first_rows USING (upload_id, source_row)"
# The text fields of a row of answers_wide.sql (the others are a date and the answers).
WIDE_TEXT_FIELDS = ("partnership", "wave", "respondent_id", "partner", "role")
# A text column with an apostrophe before a value that starts with one of $formula_starts.
NEUTRALISED = (
    "CASE WHEN list_contains($formula_starts, left({column}, 1)) "
    "THEN chr(39) || {column} ELSE {column} END AS {column}"
)


def _answers_wide_sql(
    db: Database, instrument: Instrument, where: ScoreFilter, limit: int | None
) -> tuple[str, dict]:
    """The query, each item column picking the answers under that item's number (bound
    as $item_<pos>; none for an item never answered)."""
    params = {**where.params_without_scale(), "limit": limit}
    numbers = dict(db.query_rows("SELECT item_id, item FROM answer_items"))
    columns = []
    for pos, item_id in enumerate(instrument.item_ids):
        params[f"item_{pos}"] = numbers.get(item_id)
        columns.append(
            f"max(CASE WHEN item = $item_{pos}::INTEGER THEN value END) "
            f"AS {quote_identifier(item_id)}"
        )
    first = "" if limit is None else FIRST_ROWS_ONLY
    sql = sql_text("answers_wide.sql").format(
        item_columns=",\n       ".join(columns), only_first_rows=first
    )
    return sql, params


def answers_wide(
    db: Database, instrument: Instrument, where: ScoreFilter, limit: int | None = None
) -> pd.DataFrame:
    """The stored answers as one row per respondent and wave, one column per item
    (the first `limit` rows only, when given)."""
    return db.query_df(*_answers_wide_sql(db, instrument, where, limit))


def answers_wide_csv(
    db: Database, instrument: Instrument, where: ScoreFilter, formula_starts: Sequence[str]
) -> bytes:
    """`answers_wide` (every row) as CSV made by DuckDB, each text that starts with one
    of `formula_starts` (a spreadsheet would run it as a formula) given an apostrophe."""
    sql, params = _answers_wide_sql(db, instrument, where, None)
    safe = ", ".join(NEUTRALISED.format(column=name) for name in WIDE_TEXT_FIELDS)
    params["formula_starts"] = list(formula_starts)
    return db.query_csv(f"SELECT * REPLACE ({safe}) FROM ({sql})", params)


def count_responses(db: Database, where: ScoreFilter) -> int:
    """Respondent-wave rows that `answers_wide` would return without a limit."""
    params = where.params_without_scale()
    return db.query_rows(sql_text("count_responses.sql"), params)[0][0]


def respondents_by_partner(
    db: Database, partnership: str | None, wave: str | None, partners_: tuple[str, ...] | None
) -> pd.DataFrame:
    """Respondents per partner in one wave (only `partners_` when given)."""
    return db.query_df(
        sql_text("respondents_by_partner.sql"),
        {
            "partnership": partnership,
            "wave": wave,
            "partners": list(partners_) if partners_ else None,
        },
    )


def respondent_waves(db: Database, partnership: str | None = None) -> pd.DataFrame:
    """Which respondent ids answered in which wave."""
    return db.query_df(sql_text("respondent_waves.sql"), {"partnership": partnership})


def existing_respondents(db: Database, partnerships_: list[str], waves_: list[str]) -> pa.Table:
    """Respondents already stored for these partnerships and waves: partnership, wave,
    respondent_id, upload_id."""
    return db.query_arrow(
        sql_text("existing_respondents.sql"), {"partnerships": partnerships_, "waves": waves_}
    )


# Comments of groups with at least $min_n respondents who commented, and the count of
# those left out (and of their groups), both over comment_groups.sql.
VISIBLE_COMMENTS = """
SELECT partnership, wave, grp AS "group", question, text
FROM ({groups})
WHERE n >= $min_n
ORDER BY partnership, wave, grp, question, source_row
"""
HIDDEN_COMMENTS = """
SELECT count(*) AS comments, count(DISTINCT (partnership, wave, grp)) AS groups
FROM ({groups})
WHERE n < $min_n
"""


def _comments_query(template: str) -> str:
    return template.format(groups=sql_text("comment_groups.sql"))


def visible_comments(
    db: Database,
    partnership: str | None,
    min_group_size: int,
    by: str = "partner",
    wave: str | None = None,
) -> pd.DataFrame:
    """Comments of stored uploads (of one wave, if given), leaving out groups below
    `min_group_size` respondents."""
    params = {"partnership": partnership, "by": by, "min_n": min_group_size, "wave": wave}
    return db.query_df(_comments_query(VISIBLE_COMMENTS), params)


def hidden_comments(
    db: Database,
    partnership: str | None,
    min_group_size: int,
    by: str = "partner",
    wave: str | None = None,
) -> tuple[int, int]:
    """How many comments `visible_comments` leaves out, and in how many groups."""
    params = {"partnership": partnership, "by": by, "min_n": min_group_size, "wave": wave}
    comments, groups = db.query_rows(_comments_query(HIDDEN_COMMENTS), params)[0]
    return int(comments), int(groups)
