"""How a DuckDB store keeps its answers: narrow, in three tables joined by the view
`answers` (see migration_010.sql).

A respondent's fields are stored once per file row (`response_rows`), each answer as
upload, row, item number and value (`item_answers`), the item ids once (`answer_items`).
Every writing of answers comes here. Readings go through the view, except those of every
answer (the wide table, reliability, the kept scores), which group the answers on their
row's two numbers before joining the row's fields. A PostgreSQL store keeps its `answers`
as one table: its replicas split them when they copy them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

from monitor.errors import StoreError
from monitor.store.sqlfiles import sql_statements

if TYPE_CHECKING:
    import pyarrow as pa

VIEW = "answers"


def statements() -> dict[str, str]:
    return sql_statements("answer_tables.sql")


def number_items(cur: duckdb.DuckDBPyConnection, item_ids: list[str]) -> None:
    """Give each of `item_ids` that has no number yet the next one."""
    cur.execute(statements()["number_items"], {"item_ids": item_ids})


def insert(cur: duckdb.DuckDBPyConnection, answers: pa.Table) -> None:
    """Append answers in long form (the view's columns) inside the caller's transaction;
    they may be a part of an upload's, the rest coming before or after. Refused when two
    respondents share a row of one upload (a file row is one respondent)."""
    cur.register("__answers", answers)  # on failure it goes with the cursor
    ids = cur.execute("SELECT list(DISTINCT item_id), list(DISTINCT upload_id) FROM __answers")
    item_ids, upload_ids = ids.fetchone()
    number_items(cur, item_ids or [])
    cur.execute(statements()["rows_of_answers"], {"ids": upload_ids or []})
    refuse_shared_rows(cur, upload_ids or [])
    cur.execute(statements()["values_of_answers"])
    cur.unregister("__answers")


def refuse_shared_rows(cur: duckdb.DuckDBPyConnection, upload_ids: list[int]) -> None:
    shared = cur.execute(statements()["shared_rows"], {"ids": upload_ids}).fetchall()
    if shared:
        upload_id, row = shared[0]
        raise StoreError(
            f"The answers of upload #{upload_id} give two respondents on row {row}; a row "
            "of a survey file is one respondent. Nothing was stored."
        )


def delete(cur: duckdb.DuckDBPyConnection, upload_ids: list[int] | None) -> None:
    """Delete the answers of `upload_ids` (all: None) inside the caller's transaction."""
    params = {"ids": upload_ids}
    cur.execute(statements()["delete_values"], params)
    cur.execute(statements()["delete_rows"], params)
