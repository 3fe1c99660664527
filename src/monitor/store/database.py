"""The one module that owns DuckDB: connection, schema migrations, transactions.

Every query runs on its own `.cursor()` of one shared connection per database
file, so Streamlit sessions (threads) can share a Store safely.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from monitor.errors import DatabaseOpenError, NotADatabaseError, StoreError
from monitor.store import kept_scores
from monitor.store.migrations import pending
from monitor.store.sqlfiles import sql_statements, sql_text
from monitor.store.writer import AnswerRows, Writer

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
}
SCHEMA_VERSION = max(MIGRATIONS)


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
    """A DuckDB database with the monitor's schema. Use `open_database()` to share one."""

    def __init__(self, path: str | os.PathLike = MEMORY):
        self.path = str(path)
        self._con = self._connect(self.path)
        self._write_lock = threading.Lock()
        self.applied = self.migrate()  # the migrations this opening applied
        self.created = 1 in self.applied  # this process created the schema from scratch

    @staticmethod
    def _connect(path: str) -> duckdb.DuckDBPyConnection:
        if path != MEMORY:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            return duckdb.connect(path)
        except duckdb.IOException as exc:
            if "not a valid DuckDB database" in str(exc):
                raise NotADatabaseError(path) from exc
            raise DatabaseOpenError(path, str(exc)) from exc
        except duckdb.Error as exc:
            raise NotADatabaseError(path, str(exc)) from exc

    def close(self) -> None:
        self._con.close()

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A private cursor for one query (thread-safe use of the shared connection)."""
        cur = self._con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor inside BEGIN/COMMIT; any exception rolls everything back."""
        with self._write_lock, self.cursor() as cur:
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

    @contextmanager
    def write(self) -> Iterator[Writer]:
        """A write transaction (see `writer.Writer`): everything in it is stored, or
        nothing is. Writes of this process run one at a time."""
        try:
            with self.transaction() as cur:
                yield DuckWriter(cur)
        except duckdb.Error as exc:
            raise StoreError(refused_write(exc)) from exc

    def refresh(self) -> int:
        """Bring the data up to date; its version. A DuckDB file has one writer (this
        process), so it is always current."""
        return 0

    def table_arrow(self, table: str, columns: tuple[str, ...]) -> pa.Table:
        """A whole table as Arrow (for copying a store)."""
        names = ", ".join(quote_identifier(c) for c in columns)
        with self.cursor() as cur:
            return cur.sql(f"SELECT {names} FROM {quote_identifier(table)}").to_arrow_table()

    def schema_version(self) -> int:
        """The newest schema migration applied to this database."""
        with self.cursor() as cur:
            return max(self._applied(cur, self._listed(cur)), default=0)

    @staticmethod
    def _listed(cur: duckdb.DuckDBPyConnection) -> set[int]:
        """The migrations listed in schema_migrations (made here when missing)."""
        cur.execute(sql_statements("migrations.sql")["create"])
        cur.execute(
            "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)"
        )
        return {r[0] for r in cur.execute("SELECT version FROM schema_migrations").fetchall()}

    @staticmethod
    def _applied(cur: duckdb.DuckDBPyConnection, listed: set[int]) -> set[int]:
        """The listed migrations, and those an older database noted only by its newest
        number in `meta`."""
        legacy = Database._meta_version(cur)
        if legacy <= max(listed, default=0):
            return listed
        return listed | ({legacy} if listed else set(range(1, legacy + 1)))

    def migrate(self) -> list[int]:
        """Apply the schema migrations this database lacks, each in its own transaction;
        the versions applied."""
        with self.transaction() as cur:
            listed = self._listed(cur)
            applied = self._applied(cur, listed)
            todo = pending(applied, MIGRATIONS, self.path)
            for version in sorted(applied - listed):  # an older database listed none
                self._record_migration(cur, version)
        for version in todo:
            with self.transaction() as cur:
                cur.execute(sql_text(MIGRATIONS[version]))
                self._record_migration(cur, version)
        return todo

    def _record_migration(self, cur: duckdb.DuckDBPyConnection, version: int) -> None:
        statements = sql_statements("migrations.sql")
        params = {"version": version, "at": datetime.now().replace(microsecond=0)}
        cur.execute(statements["record"], params)
        cur.execute(
            "INSERT OR REPLACE INTO meta VALUES ('schema_version', $v)",
            {"v": str(max(version, self._meta_version(cur)))},
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
        names = ", ".join(quote_identifier(c) for c in rows.column_names)
        self._cur.register("__rows", rows)  # on failure it goes with the cursor
        self._cur.execute(
            f"INSERT INTO {quote_identifier(table)} ({names}) SELECT {names} FROM __rows"
        )
        self._cur.unregister("__rows")

    def insert_answers(self, answers: AnswerRows, upload_id: int) -> None:
        answers.insert_into(self._cur, upload_id)

    def keep_scores(self, upload_ids: list[int] | None) -> None:
        kept_scores.keep(self._cur, upload_ids)

    def drop_scores(self, upload_ids: list[int] | None) -> None:
        kept_scores.drop(self._cur, upload_ids)

    def restart_sequence(self, name: str, start: int) -> None:
        self._cur.execute(f"DROP SEQUENCE {quote_identifier(name)}")
        self._cur.execute(f"CREATE SEQUENCE {quote_identifier(name)} START {int(start)}")
