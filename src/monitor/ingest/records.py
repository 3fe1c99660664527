"""Import the two other upload kinds: activity records (`activity`) and outcome counts
(`outcomes`).

As with surveys, every problem is collected and a file with problems is refused whole;
the same bytes are never imported twice; each import is one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import BinaryIO

import pandas as pd
import pyarrow as pa

from monitor.ingest.activity import ACTIVITY, prepare_activity
from monitor.ingest.files import read_new_file
from monitor.ingest.kinds import KINDS
from monitor.ingest.outcomes import OUTCOMES, prepare_outcomes
from monitor.ingest.readers import read_sheet
from monitor.store import Database, uploads


@dataclass
class PreparedRecords:
    """A validated activity or outcomes file, ready to store."""

    kind: str
    file_name: str
    sha256: str
    rows: int
    partnerships: list[str]
    periods: list[str]
    table: pa.Table
    notes: list[str] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        return self.notes

    def preview(self, limit: int = 20) -> pd.DataFrame:
        return self.table.slice(0, limit).to_pandas()

    def describe(self) -> str:
        what = "activity rows" if self.kind == ACTIVITY else "monthly counts"
        return (
            f"{self.table.num_rows} {what}, period(s) {_span(self.periods)}, partnership "
            f"{', '.join(self.partnerships)}"
        )


@dataclass(frozen=True)
class RecordsResult:
    upload_id: int
    kind: str
    file_name: str
    rows: int
    stored: int
    partnerships: list[str]
    periods: list[str]
    warnings: list[str]

    def summary(self) -> str:
        what = "activity rows" if self.kind == ACTIVITY else "monthly counts"
        return (
            f"Imported {self.file_name} as upload #{self.upload_id}: {self.stored} {what} "
            f"from {self.rows} rows, period(s) {_span(self.periods)} of "
            f"{', '.join(self.partnerships)}."
        )


def _span(periods: list[str]) -> str:
    if len(periods) > 4:
        return f"{periods[0]} to {periods[-1]}"
    return ", ".join(periods)


def prepare_records(
    db: Database,
    file: BinaryIO,
    file_name: str,
    kind: str,
    *,
    partnership: str | None = None,
    max_bytes: int | None = None,
) -> PreparedRecords:
    """Read and validate an activity or outcomes file without storing anything."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    data, sha256 = read_new_file(db, file, file_name, max_bytes)
    sheet = read_sheet(data, file_name)
    prepare = prepare_activity if kind == ACTIVITY else prepare_outcomes
    rows, table, periods, notes = prepare(db, sheet, file_name, partnership)
    return PreparedRecords(
        kind=kind,
        file_name=file_name,
        sha256=sha256,
        rows=rows,
        partnerships=sorted(set(table.column("partnership").to_pylist())),
        periods=periods,
        table=table,
        notes=notes,
    )


def commit_records(
    db: Database, prepared: PreparedRecords, uploaded_by: str | None = None
) -> RecordsResult:
    """Store a prepared file in one transaction (which refuses it if the same file was
    stored since it was checked)."""
    record = uploads.UploadRecord(
        file_name=prepared.file_name,
        sha256=prepared.sha256,
        partnership=", ".join(prepared.partnerships),
        waves=prepared.periods,
        n_rows=prepared.rows,
        uploaded_by=uploaded_by,
        kind=prepared.kind,
    )
    upload_id = uploads.insert_records(db, record, prepared.table)
    return RecordsResult(
        upload_id=upload_id,
        kind=prepared.kind,
        file_name=prepared.file_name,
        rows=prepared.rows,
        stored=prepared.table.num_rows,
        partnerships=prepared.partnerships,
        periods=prepared.periods,
        warnings=prepared.warnings,
    )


def import_records(
    db: Database,
    file: BinaryIO,
    file_name: str,
    kind: str,
    *,
    partnership: str | None = None,
    uploaded_by: str | None = None,
    max_bytes: int | None = None,
) -> RecordsResult:
    """Read, validate and store one activity or outcomes file (all or nothing)."""
    prepared = prepare_records(
        db, file, file_name, kind, partnership=partnership, max_bytes=max_bytes
    )
    return commit_records(db, prepared, uploaded_by)


def import_activity(db: Database, file: BinaryIO, file_name: str, **options) -> RecordsResult:
    return import_records(db, file, file_name, ACTIVITY, **options)


def import_outcomes(db: Database, file: BinaryIO, file_name: str, **options) -> RecordsResult:
    return import_records(db, file, file_name, OUTCOMES, **options)
