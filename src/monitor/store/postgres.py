"""The one module that owns PostgreSQL: the system of record of a hosted dashboard.

Uploads, removals, settings and mappings are written here, each in one transaction.
Queries run in each app process's local DuckDB copy (`replica`), which this module
feeds with what changed, read in one consistent snapshot and handed over as Arrow
tables: uploads' rows from their packed copies (see `packed`), the rest with COPY or
SELECT. psycopg 3 talks to the server directly: DuckDB's postgres extension would
have to be downloaded, and a dashboard must start without network access.
"""

from __future__ import annotations

import io
import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pyarrow as pa
import pyarrow.csv as pacsv

from monitor.errors import ConflictError, DatabaseUnreachableError, StoreError
from monitor.store import packed
from monitor.store.database import (
    quote_identifier,
    refused_write,
    sql_statements,
    sql_text,
)
from monitor.store.migrations import pending
from monitor.store.writer import ROW_TABLES, AnswerRows, upload_rows

log = logging.getLogger(__name__)

# Ordered migrations of the PostgreSQL schema: version -> SQL file. Append, never edit.
MIGRATIONS: dict[int, str] = {
    1: "pg_migration_001.sql",
    2: "pg_migration_002.sql",
    3: "pg_migration_003.sql",
}
WRITE_WAIT = "120s"  # how long a write waits for another process's write to finish
MIGRATION_LOCK = 7_135_201  # advisory lock: one process migrates at a time
COPY_BATCH_ROWS = 200_000
BY_UPLOAD = "WHERE upload_id = ANY(%(ids)s)"
_PARAM = re.compile(r"\$(\w+)")
_PASSWORD_PARAM = re.compile(r"(password=)[^&\s]*", re.I)


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        if ":" in userinfo:
            netloc = f"{userinfo.split(':', 1)[0]}:***@{host}"
    query = _PASSWORD_PARAM.sub(r"\1***", parts.query)
    if (netloc, query) == (parts.netloc, parts.query):
        return url
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def to_psycopg(sql: str) -> str:
    """A statement written with DuckDB's `$name` parameters, in psycopg's style."""
    return _PARAM.sub(r"%(\1)s", sql.replace("%", "%%"))


def _message(exc: BaseException, url: str) -> str:
    """The first line of a driver error, with any trace of the password removed."""
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    password = urlsplit(url).password
    return text.replace(password, "***") if password else text


def connect(url: str, **options) -> psycopg.Connection:
    """A new connection, or a DatabaseUnreachableError saying why there is none."""
    try:
        return psycopg.connect(
            url, connect_timeout=10, application_name="partnership-monitor", **options
        )
    except psycopg.Error as exc:
        raise DatabaseUnreachableError(redact(url), _message(exc, url)) from None


class PostgresStore:
    """A PostgreSQL database with the monitor's schema (see `migrate`)."""

    def __init__(self, url: str):
        self.url = url
        self.where = redact(url)
        self._lock = threading.Lock()
        self._poll: psycopg.Connection | None = None  # shared, for version checks

    def close(self) -> None:
        with self._lock:
            if self._poll is not None:
                self._poll.close()
                self._poll = None

    def version(self) -> int:
        """The change counter: it grows with every committed write."""
        with self._lock:
            for attempt in (1, 2):
                if self._poll is None or self._poll.closed:
                    self._poll = connect(self.url, autocommit=True)
                try:
                    return self._poll.execute("SELECT version FROM sync_state").fetchone()[0]
                except psycopg.OperationalError as exc:  # the server restarted, say
                    self._poll.close()
                    if attempt == 2:
                        raise StoreError(self._lost(exc)) from None
        raise AssertionError("unreachable")

    def _lost(self, exc: BaseException) -> str:
        return (
            f"The connection to the PostgreSQL database {self.where} failed: "
            f"{_message(exc, self.url)}. Nothing was stored; try again in a moment."
        )

    def migrate(self) -> list[int]:
        """Apply the migrations this database lacks, one process at a time; the versions
        applied."""
        statements = sql_statements("migrations.sql")
        with connect(self.url, autocommit=True) as con:
            con.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
            try:
                con.execute(statements["create"])
                applied = {r[0] for r in con.execute("SELECT version FROM schema_migrations")}
                todo = pending(applied, MIGRATIONS, self.where)
                for version in todo:
                    with con.transaction():
                        con.execute(sql_text(MIGRATIONS[version]))
                        at = datetime.now().replace(microsecond=0)
                        params = {"versions": [version], "at": at}
                        con.execute(to_psycopg(statements["record"]), params)
            finally:
                con.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
        return todo

    def schema_version(self) -> int:
        with connect(self.url, autocommit=True) as con:
            return con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] or 0

    @contextmanager
    def write(self) -> Iterator[PgWriter]:
        """One write transaction. It first counts itself in `sync_state`, which makes the
        writes of every process take turns (a waiting one gets a clear message after
        WRITE_WAIT); everything is committed at the end, or nothing is."""
        con = connect(self.url)
        try:
            with con.transaction():
                con.execute(f"SET LOCAL lock_timeout = '{WRITE_WAIT}'")
                con.execute("UPDATE sync_state SET version = version + 1")
                writer = PgWriter(con.cursor())
                yield writer
                writer.pack()
        except psycopg.errors.LockNotAvailable:
            raise ConflictError(
                f"Another upload or removal was being stored and did not finish within "
                f"{WRITE_WAIT}. Nothing was stored; try again in a moment."
            ) from None
        except psycopg.OperationalError as exc:
            raise StoreError(self._lost(exc)) from None
        except psycopg.Error as exc:
            raise StoreError(refused_write(_message(exc, self.url))) from None
        finally:
            con.close()

    @contextmanager
    def snapshot(self) -> Iterator[Snapshot]:
        """A read-only view of one moment of the database (repeatable read)."""
        con = connect(self.url)
        con.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        con.read_only = True
        try:
            with con.transaction():
                yield Snapshot(con.cursor())
        except psycopg.OperationalError as exc:
            raise StoreError(self._lost(exc)) from None
        finally:
            con.close()


class PgWriter:
    """A `Writer` on a PostgreSQL cursor inside the write transaction."""

    def __init__(self, cur: psycopg.Cursor):
        self._cur = cur
        self.inserted: list[tuple[str, pa.Table]] = []  # what this transaction appended

    def execute(self, sql: str, params: dict | None = None) -> list[tuple]:
        if params:
            self._cur.execute(to_psycopg(sql), params)
        else:
            self._cur.execute(sql)
        return self._cur.fetchall() if self._cur.description else []

    def insert_rows(self, table: str, rows: pa.Table) -> None:
        """COPY the rows in: as CSV written by Arrow, or row by row for a table with
        list columns (the upload records)."""
        self.inserted.append((table, rows))
        names = ", ".join(quote_identifier(c) for c in rows.column_names)
        target = f"{quote_identifier(table)} ({names})"
        if any(pa.types.is_list(field.type) for field in rows.schema):
            with self._cur.copy(f"COPY {target} FROM STDIN") as copy:
                for row in rows.to_pylist():
                    copy.write_row(tuple(row.values()))
            return
        options = pacsv.WriteOptions(include_header=False, quoting_style="needed")
        with self._cur.copy(f"COPY {target} FROM STDIN (FORMAT csv)") as copy:
            for batch in rows.to_batches(max_chunksize=COPY_BATCH_ROWS):
                out = io.BytesIO()
                pacsv.write_csv(batch, out, options)
                copy.write(out.getbuffer())

    def delete_rows(self, table: str, upload_ids: list[int] | None) -> None:
        if upload_ids is None:
            self._cur.execute(f"DELETE FROM {quote_identifier(table)}")
        else:
            sql = f"DELETE FROM {quote_identifier(table)} WHERE upload_id = ANY(%s)"
            self._cur.execute(sql, (upload_ids,))

    def insert_answers(self, answers: AnswerRows, upload_id: int) -> None:
        """COPY the answers in batch by batch."""
        for batch in answers.batches():
            self.insert_rows("answers", upload_rows("answers", batch, upload_id))

    def keep_scores(self, upload_ids: list[int] | None) -> None:
        """Nothing: respondent scores are kept by each replica's copy, not here."""

    def drop_scores(self, upload_ids: list[int] | None) -> None:
        """Nothing: see `keep_scores`."""

    def restart_sequence(self, name: str, start: int) -> None:
        self._cur.execute("SELECT setval(%s, %s, false)", (name, start))

    def pack(self) -> None:
        """Keep a packed copy of the rows this transaction appended to each row table,
        one per upload (at the end of the transaction, when they are all at hand)."""
        insert = sql_statements("packed_rows.sql")["insert"]
        for table in ROW_TABLES:
            parts = [rows for t, rows in self.inserted if t == table and rows.num_rows]
            if not parts:
                continue
            appended = pa.concat_tables(parts, promote_options="permissive")
            for upload_id, rows in packed.by_upload(appended):
                data = packed.pack(rows)
                params = {"upload_id": upload_id, "table": table, "n_rows": rows.num_rows}
                self._cur.execute(insert, {**params, "data": data})


class Snapshot:
    """Reads of one snapshot, as Arrow tables with the local copy's columns."""

    def __init__(self, cur: psycopg.Cursor):
        self._cur = cur

    def version(self) -> int:
        return self._cur.execute("SELECT version FROM sync_state").fetchone()[0]

    def upload_ids(self) -> set[int]:
        return {r[0] for r in self._cur.execute("SELECT upload_id FROM uploads")}

    def fetch(self, table: str, schema: pa.Schema, where: str = "", params=None) -> pa.Table:
        """A small table's rows (`where` is SQL with psycopg parameters)."""
        names = ", ".join(quote_identifier(n) for n in schema.names)
        rows = self._cur.execute(
            f"SELECT {names} FROM {quote_identifier(table)} {where}", params
        ).fetchall()
        columns = list(zip(*rows, strict=True)) if rows else [[] for _ in schema.names]
        return pa.Table.from_arrays(
            [pa.array(values, type=f.type) for values, f in zip(columns, schema, strict=True)],
            schema=schema,
        )

    def rows(self, table: str, schema: pa.Schema, upload_ids: list[int]) -> list[pa.Table]:
        """The rows of a row table that belong to `upload_ids`: those of the uploads with
        a packed copy from it (text columns as dictionaries, DuckDB casts them when they
        are inserted), the others' read with one COPY."""
        found = self._cur.execute(
            sql_statements("packed_rows.sql")["select"],
            {"table": table, "ids": upload_ids},
            binary=True,  # the copies as they are stored, not as hexadecimal text
        ).fetchall()
        tables, unpacked = [], set()
        for upload_id, n_rows, data in found:
            try:
                tables.append(packed.unpack(data, schema.names, n_rows))
                unpacked.add(upload_id)
            except packed.DamagedPackError as exc:
                log.warning("Upload %s: reading its %s with COPY, as %s", upload_id, table, exc)
        rest = [i for i in upload_ids if i not in unpacked]
        if rest:
            tables.append(self.copy(table, schema, BY_UPLOAD, {"ids": rest}))
        return tables

    def copy(self, table: str, schema: pa.Schema, where: str, params) -> pa.Table:
        """A large table's rows through COPY ... TO STDOUT as CSV, parsed by Arrow."""
        names = ", ".join(quote_identifier(n) for n in schema.names)
        out = io.BytesIO()
        select = f"SELECT {names} FROM {quote_identifier(table)} {where}"
        query = f"COPY ({select}) TO STDOUT (FORMAT csv)"
        with self._cur.copy(query, params) as copy:
            for data in copy:
                out.write(data)
        if not out.tell():
            return schema.empty_table()
        out.seek(0)
        return pacsv.read_csv(
            out,
            read_options=pacsv.ReadOptions(column_names=schema.names),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=schema,
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=False,
                true_values=["t"],
                false_values=["f"],
            ),
        )
