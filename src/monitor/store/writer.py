"""Writing to a store, whichever it is: the tables, their columns and the writer protocol.

The store functions write through a `Writer` (from `Database.write()`), so the same code
stores an upload in the embedded DuckDB file or in PostgreSQL. SQL given to a writer
uses DuckDB's `$name` parameters and only syntax both databases share.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import pyarrow as pa

# Tables whose rows belong to one upload, with their columns in table order. Removing
# an upload deletes its rows from each; a replica copies them upload by upload. In a
# DuckDB store `answers` is a view of three narrower tables: writers write and delete
# its rows through `answer_tables`.
ROW_TABLES: dict[str, tuple[str, ...]] = {
    "answers": (
        "upload_id", "partnership", "wave", "wave_start", "respondent_id", "partner", "role",
        "source_row", "item_id", "value",
    ),
    "comments": (
        "upload_id", "partnership", "wave", "respondent_id", "partner", "role", "source_row",
        "question", "text",
    ),
    "activity": (
        "upload_id", "partnership", "activity_date", "activity", "partner", "representative",
        "attended", "role", "minutes_recorded", "staff_hours", "resources", "info_shared",
        "source_row",
    ),
    "outcomes": ("upload_id", "partnership", "area", "month", "category", "count"),
}  # fmt: skip

# Small tables copied whole: the upload records, the audit list, settings, mappings and
# the people invited per wave and agency.
SMALL_TABLES: dict[str, tuple[str, ...]] = {
    "uploads": (
        "upload_id", "kind", "file_name", "sha256", "uploaded_at", "uploaded_by",
        "partnership", "waves", "n_rows", "n_answers",
    ),
    "audit": ("audit_id", "happened_at", "who", "action", "upload_id", "file_name", "details"),
    "settings": ("name", "value", "changed_at", "changed_by"),
    "column_mappings": ("name", "mapping", "saved_at", "saved_by"),
    "invited": ("partnership", "wave", "partner", "invited", "recorded_at", "recorded_by"),
}  # fmt: skip

# Every table of stored data, in the order a copy writes them.
DATA_TABLES: dict[str, tuple[str, ...]] = {**SMALL_TABLES, **ROW_TABLES}


class AnswerRows(Protocol):
    """The answers of one survey upload, to be stored (see `staging.StagedAnswers`)."""

    num_rows: int
    respondents: pa.Table  # one row per respondent row: at least partnership, wave, respondent_id

    def batches(self) -> Iterable[pa.RecordBatch]:
        """The answers (columns of `answers` but upload_id) in batches."""
        ...

    def insert_into(self, cur, upload_id: int) -> None:
        """Append the answers to `answers` through a DuckDB cursor in a transaction."""
        ...


class Writer(Protocol):
    """One open write transaction of a store."""

    def execute(self, sql: str, params: dict | None = None) -> list[tuple]:
        """Run one statement with bound `$name` parameters; the rows it returns."""
        ...

    def insert_rows(self, table: str, rows: pa.Table) -> None:
        """Append `rows` (columns named as the table's) to `table`."""
        ...

    def delete_rows(self, table: str, upload_ids: list[int] | None) -> None:
        """Delete the rows of `table` (one with an upload_id column) of these uploads
        (all: None)."""
        ...

    def insert_answers(self, answers: AnswerRows, upload_id: int) -> None:
        """Append the answers of upload `upload_id`."""
        ...

    def keep_scores(self, upload_ids: list[int] | None) -> None:
        """Make the kept respondent scores of these survey uploads (all: None) from their
        stored answers (DuckDB only; PostgreSQL keeps none, its replicas make their own)."""
        ...

    def drop_scores(self, upload_ids: list[int] | None) -> None:
        """Remove the kept respondent scores of these uploads (all: None)."""
        ...

    def restart_sequence(self, name: str, start: int) -> None:
        """Make the sequence `name` give `start` next (used when copying a store)."""
        ...


def upload_rows(table: str, staged: pa.Table | pa.RecordBatch, upload_id: int) -> pa.Table:
    """The columns of `table` taken from `staged`, with `upload_id` in front."""
    import pyarrow as pa

    ids = pa.array([upload_id] * staged.num_rows, pa.int32())
    columns = ROW_TABLES[table]
    return pa.Table.from_arrays([ids, *(staged[c] for c in columns[1:])], names=list(columns))
