"""Validate and reshape one wide survey file in a private in-memory DuckDB.

Nothing here touches the stored data: the result is either a list of problems
or the answers (one row per answer) ready for `uploads.insert_survey`, made from the
file's cells when they are stored.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

import duckdb
import pyarrow as pa

from monitor import arrow_kernels as kernels
from monitor.errors import Problem
from monitor.store import answer_tables
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


BATCH_ROWS = 262_144  # answers per batch handed to the store
# Rows of the file per Arrow batch that DuckDB scans: it shares out an Arrow table's scan
# by batch, so a sheet read as one batch (fastexcel) was staged and stored on one core
# (100k-row xlsx: 2.1-2.6 s to store against 1.1 s in batches of this size).
SCAN_BATCH_ROWS = 8192


# The file's wave texts placed in time: (wave as written, wave label, start date or None).
WaveRows = list[tuple[str, str, date | None]]


@dataclass
class StagedAnswers:
    """The answers of a checked file, one row per respondent, wave and item, made on
    demand from the file's cells (so they are never held whole unless asked for)."""

    raw: pa.Table
    spec: SurveySpec
    wave_map: WaveRows
    respondents: pa.Table  # source_row, partnership, wave, respondent_id, partner, role
    num_rows: int  # answers (given or blank)
    base: pa.Table  # the file's response rows as checked (`base` of the staging)
    answer_values: pa.Table  # the file's distinct answer texts looked up

    def batches(self, rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
        """The answers in batches of at most `rows`, in no particular order."""
        with self._connection() as con:
            yield from con.sql(_statement("output")).to_arrow_reader(rows)

    def head(self, rows: int) -> pa.Table:
        """The first `rows` answers in file order (row, then item)."""
        sql = _statement("output") + " ORDER BY source_row, item_id LIMIT $n"
        with self._connection() as con:
            return con.sql(sql, params={"n": rows}).to_arrow_table()

    def table(self) -> pa.Table:
        """Every answer, in file order (for small files and tests)."""
        return self.head(self.num_rows)

    def insert_into(self, cur: duckdb.DuckDBPyConnection, upload_id: int) -> None:
        """Append the answers to the store behind `cur` (a DuckDB cursor inside the
        upload's transaction), made there from the file's cells, so that they never leave
        DuckDB: the respondents' rows, then their answers. The helper views go with the
        cursor."""
        self._define(cur)
        answer_tables.number_items(cur, list(self.spec.items.values()))
        params = {"upload_id": upload_id}
        cur.execute(_statement("insert_rows"), params)
        cur.execute(_statement("insert_values"), params)

    def _define(self, con: duckdb.DuckDBPyConnection) -> None:
        """The staging views on `con`, from what the checks made (not made again)."""
        _define_lookups(con, self.raw, self.spec)
        _make_wave_map(con, self.wave_map)
        con.register("base", self.base)
        con.register("answer_values", self.answer_values)
        _define_answers(con, self.spec, cells=None)

    @contextmanager
    def _connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with private_connection() as con:
            self._define(con)
            yield con


@dataclass
class StageResult:
    answers: StagedAnswers | None
    problems: list[Problem] = field(default_factory=list)
    total_problems: int = 0
    rows: int = 0
    partnerships: list[str] = field(default_factory=list)
    waves: list[str] = field(default_factory=list)


_scratch: duckdb.DuckDBPyConnection | None = None  # made by the first staging
_scratch_lock = threading.Lock()


@contextmanager
def private_connection() -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection of its own to this process's scratch database (in memory): what it
    registers and the temporary tables and views it makes are seen by it alone and go
    when it closes. Starting a new in-memory database for each file cost 35 ms of CPU."""
    global _scratch
    with _scratch_lock:
        if _scratch is None:
            _scratch = duckdb.connect(":memory:")
        con = _scratch.cursor()
    try:
        yield con
    finally:
        con.close()


def in_scan_batches(table: pa.Table) -> pa.Table:
    """`table` in batches of at most SCAN_BATCH_ROWS rows (slices: nothing is copied)."""
    return pa.Table.from_batches(table.to_batches(max_chunksize=SCAN_BATCH_ROWS), table.schema)


def _statement(name: str) -> str:
    return sql_statements("stage_survey.sql")[name]


def _used(sql: str, params: dict) -> dict:
    """Just the parameters a statement names (DuckDB refuses unused ones)."""
    return {name: params[name] for name in set(_PARAM.findall(sql)) if name in params}


def _run(cur: duckdb.DuckDBPyConnection, sql: str, params: dict) -> duckdb.DuckDBPyConnection:
    return cur.execute(sql, _used(sql, params))


def _text(column: str | None, fallback: str = "''") -> str:
    if column is None:
        return fallback
    return f"trim(coalesce({quote_identifier(column)}, ''))"


def _fields_sql(spec: SurveySpec) -> str:
    """The fields of a response row, from the file's cells (and `file_defaults`)."""
    wave = f"coalesce(nullif({_text(spec.wave)}, ''), (SELECT wave FROM file_defaults), '')"
    partnership = (
        f"coalesce(nullif({_text(spec.partnership)}, ''), (SELECT partnership FROM file_defaults))"
    )
    return f"""{quote_identifier(ROW_COLUMN)} AS src_row,
               {_text(spec.respondent)} AS respondent_id,
               {_text(spec.partner)} AS partner,
               nullif({_text(spec.role)}, '') AS role,
               {wave} AS wave_raw,
               {partnership} AS partnership"""


def _not_blank_sql(columns: list[str]) -> str:
    return "NOT (" + (" AND ".join(f"{_text(c)} = ''" for c in columns) or "FALSE") + ")"


def _base_sql(spec: SurveySpec, columns: list[str]) -> str:
    """The response rows: the fields of each row that is not blank."""
    return f"""
        SELECT {_fields_sql(spec)}
        FROM raw
        WHERE {_not_blank_sql(columns)}"""


def _raw_long_sql(spec: SurveySpec) -> str:
    """One row per answer cell (src_row, header, raw_value) of the response rows (`base`)."""
    cols = ", ".join(quote_identifier(h) for h in spec.items)
    row = quote_identifier(ROW_COLUMN)
    return f"""
        CREATE TEMP VIEW raw_long AS
        SELECT *
        FROM (
            SELECT {row} AS src_row, {cols}
            FROM raw
            WHERE {row} IN (SELECT src_row FROM base)
        ) UNPIVOT INCLUDE NULLS (raw_value FOR header IN ({cols}))"""


def _problem(row: tuple) -> Problem:
    src_row, column, value, message, fix = row
    return Problem(message=message, fix=fix, row=src_row, column=column, value=value)


def _define_lookups(
    con: duckdb.DuckDBPyConnection,
    raw: pa.Table,
    spec: SurveySpec,
    codes: dict[str, float | None] | None = None,
) -> None:
    """Register the file's cells on `con` and make the look-up of its item columns and,
    checking a file (`codes` given), those of answer labels and file defaults (storing it
    needs neither: the answers and rows they gave are registered). They are made in DuckDB
    from lists: making Arrow arrays from Python values would load pandas, a third of a
    second of an import's start."""
    params = {
        "default_wave": spec.default_wave,
        "default_partnership": spec.default_partnership,
        "headers": list(spec.items),
        "item_ids": list(spec.items.values()),
    }
    con.register("raw", in_scan_batches(raw))
    _run(con, _statement("item_columns"), params)
    if codes is not None:
        params.update(codes=list(codes), code_values=list(codes.values()))
        for name in ("answer_codes", "file_defaults"):
            _run(con, _statement(name), params)


def _define_answers(
    con: duckdb.DuckDBPyConnection, spec: SurveySpec, *, cells: list[str] | None
) -> None:
    """The answer cells of the response rows (`base`, there already) as `raw_long`, and
    the answers they give as `answers_long`. Checking a file, its distinct answer texts
    (`cells`) are looked up here (`answer_values`); storing it registers those made."""
    _run(con, _raw_long_sql(spec), {})
    if cells is not None:
        _run(con, _statement("answer_values"), {"cells": cells})
    _run(con, _statement("answers_long"), {})


def _distinct_cells(raw: pa.Table, spec: SurveySpec) -> list[str]:
    """Each distinct text of the item columns once, and '' (a blank). Found by Arrow
    column by column: a DISTINCT over every answer cell in DuckDB took three times as long
    (100k rows of 30 items: 0.10 s, here 0.035 s). Blank rows are not left out; their
    cells are blank, and a text looked up but never used changes nothing."""
    cells = {""}
    for header in spec.items:
        cells.update(v for v in kernels.distinct(raw[header]) if v is not None)
    return sorted(cells)


def _make_wave_map(con: duckdb.DuckDBPyConnection, rows: WaveRows) -> None:
    params = {
        "wave_raws": [raw for raw, _, _ in rows],
        "wave_labels": [label for _, label, _ in rows],
        "wave_starts": [start for _, _, start in rows],
    }
    _run(con, _statement("wave_map"), params)


def stage_survey(
    raw: pa.Table,
    spec: SurveySpec,
    codes: dict[str, float | None],
    scale: tuple[int, int],
    wave_map: Callable[[list[str]], WaveRows],
    existing: Callable[[list[str], list[str]], pa.Table],
) -> StageResult:
    """Validate `raw` (string cells plus a `__row` column) against `spec`.

    `wave_map(raw_waves) -> [(wave_raw, wave, wave_start)]` places waves in time;
    `existing(partnerships, waves) -> Table(partnership, wave, respondent_id, upload_id)`
    lists respondents already stored. Only the problems to show are sorted; the answers
    are made again, in batches, when they are stored (`StagedAnswers`).
    """
    params = {
        "scale_min": scale[0],
        "scale_max": scale[1],
        "respondent_header": spec.respondent,
        "partner_header": spec.partner,
        "wave_header": spec.wave or "wave",
    }
    columns = [c for c in raw.column_names if c != ROW_COLUMN]
    with private_connection() as con:
        _define_lookups(con, raw, spec, codes)
        base = con.sql(_base_sql(spec, columns)).to_arrow_table()  # kept for storing
        con.register("base", base)
        _define_answers(con, spec, cells=_distinct_cells(raw, spec))
        raw_waves = [r[0] for r in con.execute("SELECT DISTINCT wave_raw FROM base").fetchall()]
        waves = wave_map(raw_waves)
        _make_wave_map(con, waves)
        partnerships = [
            r[0] for r in con.execute("SELECT DISTINCT partnership FROM base").fetchall()
        ]
        con.register("existing", existing(partnerships, [label for _, label, _ in waves]))
        _run(con, _statement("problems"), params)
        total = con.execute("SELECT count(*) FROM problems").fetchall()[0][0]
        shown = con.execute(
            "SELECT * FROM problems ORDER BY src_row, col LIMIT $n", {"n": MAX_PROBLEMS}
        ).fetchall()
        rows = con.execute("SELECT count(*) FROM base").fetchall()[0][0]
        facets = con.execute(
            "SELECT list(DISTINCT partnership ORDER BY partnership), "
            "list(DISTINCT wave ORDER BY wave) FROM base JOIN wave_map USING (wave_raw)"
        ).fetchall()[0]
        staged = None
        if not total:
            staged = StagedAnswers(
                raw,
                spec,
                waves,
                respondents=con.sql(_statement("respondents")).to_arrow_table(),
                num_rows=rows * len(spec.items),
                base=base,
                answer_values=con.sql("SELECT * FROM answer_values").to_arrow_table(),
            )
    return StageResult(
        answers=staged,
        problems=[_problem(r) for r in shown],
        total_problems=total,
        rows=rows,
        partnerships=facets[0] or [],
        waves=facets[1] or [],
    )
