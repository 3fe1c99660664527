"""Validate and reshape one wide survey file in a private in-memory DuckDB.

Nothing here touches the stored data: the result is either a list of problems
or a long table of answers ready for `uploads.insert_survey`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import pandas as pd
import pyarrow as pa

from monitor.errors import Problem
from monitor.store.database import quote_identifier, sql_statements

ROW_COLUMN = "__row"
MAX_PROBLEMS = 200
_PARAM = re.compile(r"\$(\w+)")


@dataclass
class SurveySpec:
    """How the file's columns map to the survey's fields."""

    respondent: str
    partner: str
    items: dict[str, str]  # file header -> item id
    role: str | None = None
    wave: str | None = None
    partnership: str | None = None
    default_wave: str | None = None
    default_partnership: str = "Partnership"


@dataclass
class StageResult:
    answers: pa.Table
    problems: list[Problem] = field(default_factory=list)
    total_problems: int = 0
    rows: int = 0
    partnerships: list[str] = field(default_factory=list)
    waves: list[str] = field(default_factory=list)


def _used(sql: str, params: dict) -> dict:
    """Just the parameters a statement names (DuckDB refuses unused ones)."""
    return {name: params[name] for name in set(_PARAM.findall(sql)) if name in params}


def _run(cur: duckdb.DuckDBPyConnection, sql: str, params: dict) -> duckdb.DuckDBPyConnection:
    return cur.execute(sql, _used(sql, params))


def _text(column: str | None, fallback: str = "''") -> str:
    if column is None:
        return fallback
    return f"trim(coalesce({quote_identifier(column)}, ''))"


def _base_sql(spec: SurveySpec, columns: list[str]) -> str:
    blank = " AND ".join(f"{_text(c)} = ''" for c in columns) or "FALSE"
    wave = f"coalesce(nullif({_text(spec.wave)}, ''), $default_wave, '')"
    partnership = f"coalesce(nullif({_text(spec.partnership)}, ''), $default_partnership)"
    return f"""
        CREATE TEMP TABLE base AS
        SELECT {quote_identifier(ROW_COLUMN)} AS src_row,
               {_text(spec.respondent)} AS respondent_id,
               {_text(spec.partner)} AS partner,
               nullif({_text(spec.role)}, '') AS role,
               {wave} AS wave_raw,
               {partnership} AS partnership
        FROM raw
        WHERE NOT ({blank})"""


def _raw_long_sql(spec: SurveySpec) -> str:
    cols = ", ".join(quote_identifier(h) for h in spec.items)
    return f"""
        CREATE TEMP TABLE raw_long AS
        SELECT {quote_identifier(ROW_COLUMN)} AS src_row, header, raw_value
        FROM raw UNPIVOT INCLUDE NULLS (raw_value FOR header IN ({cols}))"""


def _problem(row: tuple) -> Problem:
    src_row, column, value, message, fix = row
    return Problem(message=message, fix=fix, row=src_row, column=column, value=value)


def stage_survey(
    raw: pa.Table,
    spec: SurveySpec,
    codes: dict[str, float | None],
    scale: tuple[int, int],
    wave_map: Callable[[list[str]], pd.DataFrame],
    existing: Callable[[list[str], list[str]], pd.DataFrame],
) -> StageResult:
    """Validate `raw` (string cells plus a `__row` column) against `spec`.

    `wave_map(raw_waves) -> DataFrame(wave_raw, wave, wave_start)` places waves in time;
    `existing(partnerships, waves) -> DataFrame(partnership, wave, respondent_id, upload_id)`
    lists respondents already stored.
    """
    params = {
        "scale_min": scale[0],
        "scale_max": scale[1],
        "default_wave": spec.default_wave,
        "default_partnership": spec.default_partnership,
        "respondent_header": spec.respondent,
        "partner_header": spec.partner,
        "wave_header": spec.wave or "wave",
    }
    code_frame = pd.DataFrame({"code": list(codes), "value": list(codes.values())})
    items = pd.DataFrame({"header": list(spec.items), "item_id": list(spec.items.values())})
    columns = [c for c in raw.column_names if c != ROW_COLUMN]
    statements = sql_statements("stage_survey.sql")
    with duckdb.connect(":memory:") as con:
        con.register("raw", raw)
        con.register("item_columns", items)
        con.register("answer_codes", code_frame.astype({"value": "float64"}))
        _run(con, _base_sql(spec, columns), params)
        _run(con, _raw_long_sql(spec), params)
        raw_waves = [r[0] for r in con.execute("SELECT DISTINCT wave_raw FROM base").fetchall()]
        waves = wave_map(raw_waves)
        con.register("wave_map", waves)
        partnerships = [
            r[0] for r in con.execute("SELECT DISTINCT partnership FROM base").fetchall()
        ]
        con.register("existing", existing(partnerships, waves["wave"].dropna().tolist()))
        _run(con, statements["answer_values"], params)
        _run(con, statements["answers_long"], params)
        _run(con, statements["problems"], params)
        total = con.execute("SELECT count(*) FROM problems").fetchone()[0]
        shown = con.execute(
            "SELECT * FROM problems ORDER BY src_row, col LIMIT $n", {"n": MAX_PROBLEMS}
        ).fetchall()
        output = statements["output"]
        answers = con.sql(output, params=_used(output, params)).to_arrow_table()
        rows = con.execute("SELECT count(*) FROM base").fetchone()[0]
        facets = con.execute(
            "SELECT list(DISTINCT partnership ORDER BY partnership), "
            "list(DISTINCT wave ORDER BY wave) FROM base JOIN wave_map USING (wave_raw)"
        ).fetchone()
    return StageResult(
        answers=answers,
        problems=[_problem(r) for r in shown],
        total_problems=total,
        rows=rows,
        partnerships=facets[0] or [],
        waves=facets[1] or [],
    )
