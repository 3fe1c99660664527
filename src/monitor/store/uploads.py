"""Upload records: storing an upload with its rows, removing one, listing them, the audit list."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from monitor.errors import ConflictError, DuplicateUploadError, NotFoundError
from monitor.store.database import Database, DuckWriter, sql_statements, sql_text
from monitor.store.writer import ROW_TABLES, AnswerRows, Writer, upload_rows

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

UPLOAD_PARTNERSHIP = "SELECT partnership FROM uploads WHERE upload_id = $id"


@dataclass(frozen=True)
class UploadRecord:
    file_name: str
    sha256: str
    partnership: str
    waves: list[str]
    n_rows: int
    uploaded_by: str | None = None
    kind: str = "survey"


# Tables of the other upload kinds.
RECORD_TABLES = ("activity", "outcomes")


def find_upload_by_sha(db: Database, sha256: str) -> dict | None:
    rows = db.query_dicts(
        "SELECT upload_id, file_name, uploaded_at FROM uploads WHERE sha256 = $sha",
        {"sha": sha256},
    )
    return rows[0] if rows else None


def upload_partnership(db: Database, upload_id: int) -> str | None:
    """The partnership of upload `upload_id`, or None when there is no such upload."""
    rows = db.query_rows(UPLOAD_PARTNERSHIP, {"id": upload_id})
    return rows[0][0] if rows else None


@dataclass(frozen=True)
class AnswerTable:
    """A whole table of answers as `AnswerRows`."""

    table: pa.Table

    @property
    def num_rows(self) -> int:
        return self.table.num_rows

    @property
    def respondents(self) -> pa.Table:
        return self.table.select(["partnership", "wave", "respondent_id"])

    def batches(self) -> Iterable[pa.RecordBatch]:
        return self.table.to_batches()

    def insert_into(self, cur, upload_id: int) -> None:
        DuckWriter(cur).insert_rows("answers", upload_rows("answers", self.table, upload_id))


def insert_survey(
    db: Database,
    record: UploadRecord,
    staged: AnswerRows | pa.Table,
    comments: pa.Table | None = None,
    also: Callable[[Writer], None] | None = None,
) -> int:
    """Store an upload record, its answers and its free-text comments in one transaction;
    returns the upload id. The answers go in without a whole copy being made first: a
    DuckDB store makes them from the file's cells itself, PostgreSQL gets them in batches.
    `also` writes what else came with the file (the people invited) in the same
    transaction."""
    import pyarrow as pa

    if isinstance(staged, pa.Table):
        staged = AnswerTable(staged)
    with db.write() as w:
        upload_id = _insert_upload(db, w, record, staged.num_rows)
        _refuse_answered(db, staged.respondents)
        w.insert_answers(staged, upload_id)
        w.keep_scores([upload_id])
        if comments is not None and comments.num_rows:
            w.insert_rows("comments", upload_rows("comments", comments, upload_id))
        details = f"{record.partnership}: {', '.join(record.waves)}, {record.n_rows} rows"
        record_audit(w, "upload", record.uploaded_by, upload_id, record.file_name, details)
        if also is not None:
            also(w)
    return upload_id


def insert_records(db: Database, record: UploadRecord, staged: pa.Table) -> int:
    """Store an activity or outcomes upload (record.kind) in one transaction; its id."""
    if record.kind not in RECORD_TABLES:
        raise ValueError(f"kind must be one of {RECORD_TABLES}")
    with db.write() as w:
        upload_id = _insert_upload(db, w, record, staged.num_rows)
        w.insert_rows(record.kind, upload_rows(record.kind, staged, upload_id))
        details = f"{record.partnership}: {record.kind}, {record.n_rows} rows"
        record_audit(w, "upload", record.uploaded_by, upload_id, record.file_name, details)
    return upload_id


def _insert_upload(db: Database, w: Writer, record: UploadRecord, n_stored: int) -> int:
    """Give the upload its id and write its record, inside the caller's transaction.

    The same file may have been stored since it was checked (by another session or app
    replica); writes are serialised, so checking again here is reliable."""
    earlier = find_upload_by_sha(db, record.sha256)
    if earlier is not None:
        raise DuplicateUploadError.of(record.file_name, earlier)
    upload_id = int(w.execute("SELECT nextval('upload_id_seq')")[0][0])
    params = {
        "upload_id": upload_id,
        "kind": record.kind,
        "file_name": record.file_name,
        "sha256": record.sha256,
        "uploaded_at": datetime.now().replace(microsecond=0),
        "uploaded_by": record.uploaded_by,
        "partnership": record.partnership,
        "waves": record.waves,
        "n_rows": record.n_rows,
        "n_answers": n_stored,
    }
    w.execute(sql_text("insert_upload.sql"), params)
    return upload_id


def _refuse_answered(db: Database, respondents: pa.Table) -> None:
    """Refuse answers of respondents stored for the same wave since the file was checked."""
    rows = db.query_rows(sql_text("answered_since.sql"), relations={"staged": respondents})
    if rows:
        found = ", ".join(f"{r[0]} ({r[1]})" for r in rows)
        raise ConflictError(
            f"While this file was being checked, another upload stored answers of the same "
            f"respondents in the same wave: {found}. Nothing was stored. Check the file "
            "again to see every clash."
        )


def remove_upload(db: Database, upload_id: int, removed_by: str | None = None) -> dict:
    """Delete one upload and everything it stored (noted in the audit list with
    `removed_by`); returns the removed record."""
    with db.write() as w:
        rows = w.execute(
            "SELECT upload_id, file_name, partnership, n_rows FROM uploads WHERE upload_id = $id",
            {"id": upload_id},
        )
        if not rows:
            raise NotFoundError(
                f"There is no upload #{upload_id}. List uploads to see their numbers."
            )
        for table in (*ROW_TABLES, "uploads"):
            w.delete_rows(table, [upload_id])
        w.drop_scores([upload_id])
        row = rows[0]
        details = f"{row[2]}: {row[3]} rows removed"
        record_audit(w, "remove", removed_by, upload_id, row[1], details)
    return dict(zip(("upload_id", "file_name", "partnership", "n_rows"), row, strict=True))


def list_uploads(db: Database) -> pd.DataFrame:
    """Every upload, newest first (see `upload_list`)."""
    return db.query_df(sql_text("list_uploads.sql"))


# The columns of the list of uploads and their pandas types.
LISTED_TYPES = {
    "upload_id": "int32",
    "kind": "str",
    "file_name": "str",
    "uploaded_at": "datetime64[us]",
    "uploaded_by": "str",
    "partnership": "str",
    "waves": "str",
    "n_rows": "int32",
    "n_answers": "int32",
    "sha256": "str",
}


def upload_list(db: Database) -> list[dict]:
    """Every upload, newest first, as plain rows: upload_id, kind, file_name, uploaded_at,
    uploaded_by, partnership, waves (joined by commas), n_rows, n_answers, sha256."""
    return db.query_dicts(sql_text("list_uploads.sql"))


def record_audit(
    w: Writer,
    action: str,
    who: str | None,
    upload_id: int | None,
    file_name: str | None,
    details: str,
) -> None:
    """Add a line to the audit list, inside the caller's transaction."""
    params = {
        "at": datetime.now().replace(microsecond=0),
        "who": who,
        "action": action,
        "upload_id": upload_id,
        "file_name": file_name,
        "details": details,
    }
    w.execute(sql_statements("audit.sql")["insert"], params)


def audit_list(db: Database, limit: int = 200) -> pd.DataFrame:
    """The latest writes (uploads, removals, settings and saved mappings), newest first:
    happened_at, who, action, upload_id, file_name, details."""
    return db.query_df(sql_statements("audit.sql")["list"], {"limit": limit})
