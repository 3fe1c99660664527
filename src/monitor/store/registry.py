"""One shared Database per store and process: the DuckDB file or the PostgreSQL replica
that a path or URL names, opened once and handed to every caller."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from monitor.store.database import MEMORY, Database, is_postgres_url, resolve_db_path

_open: dict[str, Database] = {}
_open_lock = threading.Lock()


def open_database(db: str | os.PathLike | None = None) -> Database:
    """The shared Database for a path or PostgreSQL URL (one per process).

    `:memory:` always gives a new, private database.
    """
    path = resolve_db_path(db)
    if path == MEMORY:
        return Database(MEMORY)
    if is_postgres_url(path):
        from monitor.store.replica import ReplicaDatabase  # loads the PostgreSQL driver

        key, make = path, ReplicaDatabase
    else:
        key, make = str(Path(path).resolve()), Database
    with _open_lock:
        if key not in _open:
            _open[key] = make(path)
        return _open[key]


def close_all() -> None:
    """Close every shared database (tests and the CLI's exit use this)."""
    with _open_lock:
        for database in _open.values():
            database.close()
        _open.clear()
