"""The one module that owns DuckDB: connections, schema migrations, transactions.

Every query runs on its own cursor, so Streamlit sessions (threads) can share a Store
safely. A DuckDB file is shared with other processes (the dashboard and command-line
imports, see `sharing`): it is read through read-only connections opened when needed,
and each write opens the file for its own transaction.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from monitor.errors import StoreError
from monitor.store import answer_tables, kept_scores
from monitor.store.migrations import pending
from monitor.store.sharing import HeldConnection, SharedFile
from monitor.store.sqlfiles import sql_statements, sql_text
from monitor.store.writer import AnswerRows, Writer

if TYPE_CHECKING:  # a query's rows need neither: commands start without them
    import pandas as pd
    import pyarrow as pa

DEFAULT_DB = Path("data") / "monitor.duckdb"
ENV_VAR = "MONITOR_DB"
MEMORY = ":memory:"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")

# Ordered migrations: version -> SQL file in store/sql/. Append, never edit.
MIGRATIONS: dict[int, str] = {
    1: "migration_001.sql",
    2: "migration_002.sql",
    3: "migration_003.sql",
    4: "migration_004.sql",
    5: "migration_005.sql",
    6: "migration_006.sql",
    7: "migration_007.sql",
    8: "migration_008.sql",
    9: "migration_009.sql",
    10: "migration_010.sql",
    11: "migration_011.sql",
}
SCHEMA_VERSION = max(MIGRATIONS)

# Every write of stored data counts itself in `meta`, so a process sees that another
# one wrote to the file (and drops what it cached).
COUNT_WRITE = (
    "INSERT OR REPLACE INTO meta SELECT 'data_version', "
    "CAST(coalesce(max(TRY_CAST(value AS BIGINT)), 0) + 1 AS VARCHAR) "
    "FROM meta WHERE key = 'data_version'"
)
WRITES_COUNTED = "SELECT value FROM meta WHERE key = 'data_version'"
MAIN_TABLES = (
    "SELECT table_name FROM duckdb_tables() "
    "WHERE database_name = current_database() AND schema_name = 'main'"
)


def quote_identifier(name: str) -> str:
    """Quote a column or table name taken from user input for use in SQL."""
    return '"' + str(name).replace('"', '""') + '"'


def is_postgres_url(text: object) -> bool:
    """Whether `text` names a PostgreSQL store rather than a DuckDB file."""
    return str(text).startswith(POSTGRES_SCHEMES)


def refused_write(exc: BaseException) -> str:
    """The message for a write the database refused (a bug, or a damaged database)."""
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return (
        f"The database refused to store this ({first}). Nothing was stored. Please report "
        "this, with the file, to whoever looks after the dashboard."
    )


def resolve_db_path(db: str | os.PathLike | None = None) -> str:
    """The database to use: the argument, else $MONITOR_DB, else data/monitor.duckdb.
    A `postgresql://` URL names a PostgreSQL store (see `replica`)."""
    chosen = db or os.environ.get(ENV_VAR) or DEFAULT_DB
    return str(chosen)


class Database:
    """A DuckDB database with the monitor's schema. Use `open_database()` to share one.

    A file is shared with other processes unless `shared=False`: then this object keeps
    it open, and to itself, until `close()` (as an in-memory database always is)."""

    def __init__(self, path: str | os.PathLike = MEMORY, *, shared: bool = True):
        self.path = str(path)
        file = self.path != MEMORY
        self._access = SharedFile(self.path) if shared and file else HeldConnection(self.path)
        self._stamp: tuple | None = None  # the files' state when `_version` was read
        self._version = 0
        self.applied = self.migrate()  # the migrations this opening applied
        self.created = 1 in self.applied  # this process created the schema from scratch

    def close(self) -> None:
        self._access.close()

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A private cursor for reading (thread-safe; on a shared file, read-only)."""
        with self._access.reading() as cur:
            yield cur

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor inside BEGIN/COMMIT; any exception rolls everything back. Writes
        take turns, in this process and, on a shared file, with other processes."""
        with self._access.writing() as cur:
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            cur.execute("COMMIT")

    def _before_read(self) -> None:
        """Hook: a replica catches up here (see `replica`). A file is always current."""

    def query_df(self, sql: str, params: dict | None = None, **relations) -> pd.DataFrame:
        """Run a read query with bound parameters; `relations` are registered as views."""
        self._before_read()
        with self.cursor() as cur:
            for name, frame in relations.items():
                cur.register(name, frame)
            return cur.execute(sql, params or {}).df()

    def query_rows(
        self, sql: str, params: dict | None = None, relations: dict | None = None
    ) -> list[tuple]:
        self._before_read()
        with self.cursor() as cur:
            for name, frame in (relations or {}).items():
                cur.register(name, frame)
            return cur.execute(sql, params or {}).fetchall()

    def query_arrow(self, sql: str, params: dict | None = None) -> pa.Table:
        """Run a read query with bound parameters; the rows as an Arrow table (no pandas:
        an import does without it)."""
        self._before_read()
        with self.cursor() as cur:
            return cur.sql(sql, params=params or {}).to_arrow_table()

    def query_csv(self, sql: str, params: dict | None = None) -> bytes:
        """Run a read query with bound parameters; its rows as CSV (a header row, UTF-8,
        blanks for NULL), written by DuckDB to a file rather than made in a frame: the
        combined data of 1.33M respondents took 2.2 GB and 65 s through pandas."""
        self._before_read()
        with tempfile.TemporaryDirectory(prefix="monitor-csv-") as folder, self.cursor() as cur:
            path = Path(folder) / "rows.csv"
            cur.sql(sql, params=params or {}).write_csv(str(path), header=True)
            return path.read_bytes()

    def query_dicts(self, sql: str, params: dict | None = None) -> list[dict]:
        """Run a read query with bound parameters; each row as a dict by column name
        (plain Python values: no pandas or numpy needed)."""
        self._before_read()
        with self.cursor() as cur:
            cur.execute(sql, params or {})
            names = [column[0] for column in cur.description]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    @contextmanager
    def write(self) -> Iterator[Writer]:
        """A write transaction (see `writer.Writer`): everything in it is stored, or
        nothing is. Writes run one at a time (on a shared file, across processes)."""
        try:
            with self.transaction() as cur:
                yield DuckWriter(cur)
                cur.execute(COUNT_WRITE)
        except duckdb.Error as exc:
            raise StoreError(refused_write(exc)) from exc

    def refresh(self) -> int:
        """Bring the data up to date; its version, which changes when data were written.
        A shared file is read afresh anyway: this counts the writes stored in it (by any
        process), looked up only when the file changed on disk. An unshared database is
        written by this process alone: always 0."""
        if not self._access.shared:
            return 0
        stamp = self._access.files_stamp()
        if stamp is None or stamp != self._stamp:
            rows = self.query_rows(WRITES_COUNTED)
            self._version = int(rows[0][0]) if rows else 0
            self._stamp = stamp
        return self._version

    def table_arrow(self, table: str, columns: tuple[str, ...]) -> pa.Table:
        """A whole table as Arrow (for copying a store)."""
        names = ", ".join(quote_identifier(c) for c in columns)
        with self.cursor() as cur:
            return cur.sql(f"SELECT {names} FROM {quote_identifier(table)}").to_arrow_table()

    def schema_version(self) -> int:
        """The newest schema migration applied to this database."""
        with self.cursor() as cur:
            return max(self._applied(*self._read_listed(cur)), default=0)

    @staticmethod
    def _listed(cur: duckdb.DuckDBPyConnection) -> set[int]:
        """The migrations listed in schema_migrations (made here when missing)."""
        cur.execute(sql_statements("migrations.sql")["create"])
        cur.execute(
            "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)"
        )
        return {r[0] for r in cur.execute("SELECT version FROM schema_migrations").fetchall()}

    @staticmethod
    def _read_listed(cur: duckdb.DuckDBPyConnection) -> tuple[set[int], int]:
        """The migrations listed and the newest noted in `meta`, without writing (none
        when the tables are missing)."""
        tables = {r[0] for r in cur.execute(MAIN_TABLES).fetchall()}
        listed = set()
        if "schema_migrations" in tables:
            rows = cur.execute("SELECT version FROM schema_migrations").fetchall()
            listed = {r[0] for r in rows}
        return listed, Database._meta_version(cur) if "meta" in tables else 0

    @staticmethod
    def _applied(listed: set[int], legacy: int) -> set[int]:
        """The listed migrations, and those an older database noted only by its newest
        number (`legacy`, from `meta`)."""
        if legacy <= max(listed, default=0):
            return listed
        return listed | ({legacy} if listed else set(range(1, legacy + 1)))

    def _up_to_date(self) -> bool:
        """Whether an existing shared file needs no migration (found by reading alone,
        so that opening a store does not wait for a turn to write)."""
        if not self._access.shared or not Path(self.path).exists():
            return False
        if Path(self.path).stat().st_size == 0:
            return False
        with self.cursor() as cur:
            listed, legacy = self._read_listed(cur)
        applied = self._applied(listed, legacy)
        return applied == listed and not pending(applied, MIGRATIONS, self.path)

    def migrate(self) -> list[int]:
        """Apply the schema migrations this database lacks, all in one transaction (all
        are applied or none; on a shared file, one turn at the file instead of one per
        migration); the versions applied."""
        if self._up_to_date():
            return []
        with self.transaction() as cur:
            listed = self._listed(cur)
            applied = self._applied(listed, self._meta_version(cur))
            todo = pending(applied, MIGRATIONS, self.path)
            for version in todo:
                self._apply(cur, version)
            # an older database listed none of those it had: they are listed too
            self._record_migrations(cur, sorted(applied - listed) + todo)
        return todo

    def _apply(self, cur: duckdb.DuckDBPyConnection, version: int) -> None:
        """Run one migration; data it cannot convert (its `error()`) are refused."""
        try:
            cur.execute(sql_text(MIGRATIONS[version]))
        except duckdb.InvalidInputException as exc:
            detail = str(exc).removeprefix("Invalid Input Error: ")
            raise StoreError(
                f"The database {self.path} could not be brought to schema {version}: {detail} "
                "Nothing was changed."
            ) from exc

    def _record_migrations(self, cur: duckdb.DuckDBPyConnection, versions: list[int]) -> None:
        """List `versions` as applied, in one statement (each costs a few milliseconds:
        ten of them one by one were a third of making a new store)."""
        if not versions:
            return
        params = {"versions": versions, "at": datetime.now().replace(microsecond=0)}
        cur.execute(sql_statements("migrations.sql")["record"], params)
        cur.execute(
            "INSERT OR REPLACE INTO meta VALUES ('schema_version', $v)",
            {"v": str(max(*versions, self._meta_version(cur)))},
        )

    @staticmethod
    def _meta_version(cur: duckdb.DuckDBPyConnection) -> int:
        row = cur.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0


class DuckWriter:
    """A `Writer` on a DuckDB cursor inside a transaction."""

    def __init__(self, cur: duckdb.DuckDBPyConnection):
        self._cur = cur

    def execute(self, sql: str, params: dict | None = None) -> list[tuple]:
        self._cur.execute(sql, params or {})
        return self._cur.fetchall() if self._cur.description else []

    def insert_rows(self, table: str, rows: pa.Table) -> None:
        if table == answer_tables.VIEW:
            answer_tables.insert(self._cur, rows)
            return
        names = ", ".join(quote_identifier(c) for c in rows.column_names)
        self._cur.register("__rows", rows)  # on failure it goes with the cursor
        self._cur.execute(
            f"INSERT INTO {quote_identifier(table)} ({names}) SELECT {names} FROM __rows"
        )
        self._cur.unregister("__rows")

    def delete_rows(self, table: str, upload_ids: list[int] | None) -> None:
        if table == answer_tables.VIEW:
            answer_tables.delete(self._cur, upload_ids)
            return
        self._cur.execute(
            f"DELETE FROM {quote_identifier(table)} "
            "WHERE $ids IS NULL OR list_contains($ids, upload_id)",
            {"ids": upload_ids},
        )

    def insert_answers(self, answers: AnswerRows, upload_id: int) -> None:
        answers.insert_into(self._cur, upload_id)

    def keep_scores(self, upload_ids: list[int] | None) -> None:
        kept_scores.keep(self._cur, upload_ids)

    def drop_scores(self, upload_ids: list[int] | None) -> None:
        kept_scores.drop(self._cur, upload_ids)

    def restart_sequence(self, name: str, start: int) -> None:
        self._cur.execute(f"DROP SEQUENCE {quote_identifier(name)}")
        self._cur.execute(f"CREATE SEQUENCE {quote_identifier(name)} START {int(start)}")
