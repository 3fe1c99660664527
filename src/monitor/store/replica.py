"""A local DuckDB copy of a PostgreSQL store: the query engine of a hosted dashboard.

Every app process (replica) keeps its own copy in memory, so all scoring SQL is the
same whichever store is used. Before answering it asks PostgreSQL for its change
counter; when the counter moved, it copies the uploads added since (by upload id, from
their packed copies where they have them), drops the uploads removed, takes the new
audit lines, the settings, the mappings and the counts of people invited, all from one
snapshot and applied in one local transaction.

Writes go to PostgreSQL (see `postgres.PostgresStore.write`), then the copy catches up.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pyarrow as pa
import pyarrow.compute as pc

from monitor.errors import StoreError
from monitor.store.database import MEMORY, Database, DuckWriter, quote_identifier
from monitor.store.postgres import BY_UPLOAD, PgWriter, PostgresStore, Snapshot
from monitor.store.writer import DATA_TABLES, ROW_TABLES, SMALL_TABLES

log = logging.getLogger(__name__)
REFRESH_SECONDS = 1.0  # reads through the library look for changes at most this often
WHOLE_TABLES = ("settings", "column_mappings", "invited")  # small; copied whole on change
NEW_AUDIT = "WHERE audit_id > %(after)s"


class ReplicaDatabase(Database):
    """A Database whose records live in PostgreSQL at `url`; queries run on a local copy."""

    def __init__(self, url: str):
        self.source = PostgresStore(url)
        source_applied = self.source.migrate()
        super().__init__(MEMORY)
        self.path = self.source.where
        self.applied = source_applied
        self.created = False  # sample data are never put into a system of record unasked
        self.version = -1
        self._sync_lock = threading.RLock()
        self._checked = 0.0  # never: the first read catches up (`migrate` reads nothing)
        self._schemas: dict[str, pa.Schema] = {}

    def close(self) -> None:
        self.source.close()
        super().close()

    def schema_version(self) -> int:
        return self.source.schema_version()

    @contextmanager
    def write(self) -> Iterator[PgWriter]:
        with self.source.write() as writer:
            # Writes of all processes take turns, so the copy can now be made current
            # and the checks made inside this transaction see every earlier write.
            self.refresh()
            yield writer
        # The rows this write appended are at hand: only the rest is read back.
        supplied = [(t, rows) for t, rows in writer.inserted if t in ROW_TABLES]
        self.refresh(supplied)

    def refresh(self, supplied: list[tuple[str, pa.Table]] | None = None) -> int:
        """Catch up with PostgreSQL if anything changed there; the version now held.
        `supplied`: rows of row tables this process has just committed, so not re-read."""
        with self._sync_lock:
            remote = self.source.version()
            if remote != self.version:
                self._sync(wipe=remote < self.version, supplied=supplied or [])
            self._checked = time.monotonic()
            return self.version

    def _before_read(self) -> None:
        """Catch up before a read; while PostgreSQL cannot be reached, reads answer from
        the copy as last read (the dashboard says so, see `ui.catch_up`)."""
        if time.monotonic() - self._checked > REFRESH_SECONDS:
            try:
                self.refresh()
            except StoreError as exc:
                self._checked = time.monotonic()
                log.warning("Reading the local copy as last read: %s", exc)

    def _schema(self, table: str) -> pa.Schema:
        if table not in self._schemas:
            names = ", ".join(quote_identifier(c) for c in DATA_TABLES[table])
            with self.cursor() as cur:
                sql = f"SELECT {names} FROM {quote_identifier(table)} LIMIT 0"
                self._schemas[table] = cur.sql(sql).to_arrow_table().schema
        return self._schemas[table]

    def _held(self) -> tuple[set[int], int]:
        """Upload ids of the local copy and its last audit line."""
        with self.cursor() as cur:
            ids = {r[0] for r in cur.execute("SELECT upload_id FROM uploads").fetchall()}
            last = cur.execute("SELECT coalesce(max(audit_id), 0) FROM audit").fetchone()[0]
        return ids, last

    def _sync(self, wipe: bool, supplied: list[tuple[str, pa.Table]]) -> None:
        held, last_audit = (set(), 0) if wipe else self._held()
        with self.source.snapshot() as snap:
            version = snap.version()
            remote = snap.upload_ids()
            new = sorted(remote - held)
            at_hand = {i for _, rows in supplied for i in pc.unique(rows["upload_id"]).to_pylist()}
            if not at_hand <= set(new):  # removed meanwhile, or not new: read everything
                supplied, at_hand = [], set()
            fresh = self._fetch_new(snap, new, [i for i in new if i not in at_hand], last_audit)
        gone = sorted(held - remote)
        with self.transaction() as cur:
            writer = DuckWriter(cur)
            self._drop(writer, gone, wipe)
            for table, rows in [*fresh, *supplied]:
                if rows.num_rows:
                    writer.insert_rows(table, rows)
            if new:
                writer.keep_scores(new)  # made here, from the answers just copied
        self.version = version

    def _fetch_new(
        self, snap: Snapshot, new: list[int], to_read: list[int], last_audit: int
    ) -> list[tuple[str, pa.Table]]:
        """What changed: records of the `new` uploads with the rows of those `to_read`,
        the new audit lines, and the small tables copied whole."""
        fresh = []
        if new:
            ids = {"ids": new}
            fresh.append(
                ("uploads", snap.fetch("uploads", self._schema("uploads"), BY_UPLOAD, ids))
            )
        if to_read:
            for table in ROW_TABLES:
                for rows in snap.rows(table, self._schema(table), to_read):
                    fresh.append((table, rows))
        after = {"after": last_audit}
        fresh.append(("audit", snap.fetch("audit", self._schema("audit"), NEW_AUDIT, after)))
        for table in WHOLE_TABLES:
            fresh.append((table, snap.fetch(table, self._schema(table))))
        return fresh

    @staticmethod
    def _drop(writer: DuckWriter, gone: list[int], wipe: bool) -> None:
        """Delete removed uploads (or everything, when the source was replaced) and the
        tables that are copied whole."""
        for table in SMALL_TABLES if wipe else WHOLE_TABLES:
            writer.execute(f"DELETE FROM {quote_identifier(table)}")
        if wipe:
            for table in ROW_TABLES:
                writer.delete_rows(table, None)
            writer.drop_scores(None)
        elif gone:
            for table in (*ROW_TABLES, "uploads"):
                writer.delete_rows(table, gone)
            writer.drop_scores(gone)
