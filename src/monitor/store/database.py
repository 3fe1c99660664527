"""The one module that owns DuckDB: connection, schema migrations, transactions.

Every query runs on its own `.cursor()` of one shared connection per database
file, so Streamlit sessions (threads) can share a Store safely.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from monitor.errors import StoreError

DEFAULT_DB = Path("data") / "monitor.duckdb"
ENV_VAR = "MONITOR_DB"
MEMORY = ":memory:"

# Ordered migrations: version -> SQL file in store/sql/. Append, never edit.
MIGRATIONS: dict[int, str] = {
    1: "migration_001.sql",
    2: "migration_002.sql",
    3: "migration_003.sql",
    4: "migration_004.sql",
    5: "migration_005.sql",
}
SCHEMA_VERSION = max(MIGRATIONS)


@cache
def sql_text(name: str) -> str:
    """The text of a `.sql` file kept next to this module."""
    return resources.files("monitor.store").joinpath("sql", name).read_text(encoding="utf-8")


def sql_statements(name: str) -> dict[str, str]:
    """The statements of a `.sql` file, each introduced by a line `-- name: <name>`."""
    parts = re.split(r"^-- name: (\w+)\s*$", sql_text(name), flags=re.M)
    return {parts[i]: parts[i + 1].strip() for i in range(1, len(parts), 2)}


def quote_identifier(name: str) -> str:
    """Quote a column or table name taken from user input for use in SQL."""
    return '"' + str(name).replace('"', '""') + '"'


def resolve_db_path(db: str | os.PathLike | None = None) -> str:
    """The database to use: the argument, else $MONITOR_DB, else data/monitor.duckdb."""
    chosen = db or os.environ.get(ENV_VAR) or DEFAULT_DB
    return str(chosen)


class Database:
    """A DuckDB database with the monitor's schema. Use `open_database()` to share one."""

    def __init__(self, path: str | os.PathLike = MEMORY):
        self.path = str(path)
        self._con = self._connect(self.path)
        self._write_lock = threading.Lock()
        self.created = False  # True when this process created the schema from scratch
        self._migrate()

    @staticmethod
    def _connect(path: str) -> duckdb.DuckDBPyConnection:
        if path != MEMORY:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            return duckdb.connect(path)
        except duckdb.IOException as exc:
            if "not a valid DuckDB database" in str(exc):
                raise StoreError(
                    f"{path} is not a Partnership Monitor database. "
                    "Point --db or MONITOR_DB at another file."
                ) from exc
            raise StoreError(
                f"Cannot open the database {path}: {exc}. If another program (the dashboard "
                "or another import) is using it, close that first or use a different --db."
            ) from exc
        except duckdb.Error as exc:
            raise StoreError(
                f"{path} is not a Partnership Monitor database ({exc}). "
                "Point --db or MONITOR_DB at another file."
            ) from exc

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

    def query_df(self, sql: str, params: dict | None = None, **relations) -> pd.DataFrame:
        """Run a read query with bound parameters; `relations` are registered as views."""
        with self.cursor() as cur:
            for name, frame in relations.items():
                cur.register(name, frame)
            return cur.execute(sql, params or {}).df()

    def query_rows(self, sql: str, params: dict | None = None) -> list[tuple]:
        with self.cursor() as cur:
            return cur.execute(sql, params or {}).fetchall()

    def schema_version(self) -> int:
        with self.cursor() as cur:
            cur.execute(
                "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)"
            )
            row = cur.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    def _migrate(self) -> None:
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"The database {self.path} was written by a newer Partnership Monitor "
                f"(schema {current}, this version knows {SCHEMA_VERSION}). Upgrade the app."
            )
        self.created = current == 0
        for version in sorted(v for v in MIGRATIONS if v > current):
            with self.transaction() as cur:
                cur.execute(sql_text(MIGRATIONS[version]))
                cur.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('schema_version', $v)", {"v": str(version)}
                )


_open: dict[str, Database] = {}
_open_lock = threading.Lock()


def open_database(db: str | os.PathLike | None = None) -> Database:
    """The shared Database for a path (one connection per file per process).

    `:memory:` always gives a new, private database.
    """
    path = resolve_db_path(db)
    if path == MEMORY:
        return Database(MEMORY)
    key = str(Path(path).resolve())
    with _open_lock:
        if key not in _open:
            _open[key] = Database(path)
        return _open[key]


def close_all() -> None:
    """Close every shared database (tests and the CLI's exit use this)."""
    with _open_lock:
        for database in _open.values():
            database.close()
        _open.clear()
