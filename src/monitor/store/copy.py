"""Copy every record of one store into another, empty one: a DuckDB file into
PostgreSQL when a dashboard moves to hosting, and back for a local analysis."""

from __future__ import annotations

import pyarrow.compute as pc

from monitor.errors import StoreError
from monitor.store import lookups
from monitor.store.database import Database
from monitor.store.writer import DATA_TABLES


def copy_store(source: Database, target: Database) -> dict[str, int]:
    """Copy all tables of `source` into `target` in one transaction, keeping upload
    numbers; the rows now in each table of `target`."""
    if source is target:
        raise StoreError("The source and the target are the same store. Name two different ones.")
    source.refresh()
    held = lookups.table_counts(target)
    if any(held.values()):
        raise StoreError(
            f"{target.path} already holds data ({held['uploads']} uploads, "
            f"{held['audit']} audit lines, {held['settings']} settings). Copy only into an "
            "empty store: a new DuckDB file or a new PostgreSQL database."
        )
    tables = {table: source.table_arrow(table, columns) for table, columns in DATA_TABLES.items()}
    with target.write() as writer:
        for table, rows in tables.items():
            if rows.num_rows:
                writer.insert_rows(table, rows)
        writer.keep_scores(None)
        writer.restart_sequence("upload_id_seq", _next_upload_id(tables))
    copied = lookups.table_counts(target)
    expected = {table: rows.num_rows for table, rows in tables.items()}
    if copied != expected:
        raise StoreError(f"The copy in {target.path} does not match its source: {copied}.")
    return copied


def _next_upload_id(tables: dict) -> int:
    """One past every upload number used, including those of removed uploads (the
    audit list keeps them), so a new upload never takes an old number."""
    used = [pc.max(tables[t]["upload_id"]).as_py() for t in ("uploads", "audit")]
    return max((u for u in used if u is not None), default=0) + 1
