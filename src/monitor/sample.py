"""The built-in sample dataset (files in the repository's `sample_data/` folder).

File names say what a file holds: `<stem>_<wave>.<ext>` is a survey wave,
`<stem>_activity_*.csv` activity records and `<stem>_outcomes_*.csv` outcome counts.
"""

from __future__ import annotations

from pathlib import Path

from monitor.errors import DuplicateUploadError, MonitorError
from monitor.ingest import ImportResult, import_survey
from monitor.ingest.records import ACTIVITY, OUTCOMES, RecordsResult, import_records
from monitor.store import Database

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_data"
# File name prefix -> the partnership its files belong to.
SAMPLE_PARTNERSHIPS = {
    "riverside": "Riverside Community Safety Partnership",
    "westbrook": "Westbrook Safer Neighbourhoods Partnership",
}
SURVEY_SUFFIXES = {".xlsx", ".xls", ".csv"}
RECORD_KINDS = (ACTIVITY, OUTCOMES)


def _sample_dir() -> Path:
    if not SAMPLE_DIR.is_dir():
        raise MonitorError(
            f"The sample data folder {SAMPLE_DIR} is missing. Run from a checkout of the "
            "project (pip install -e .) or upload your own files."
        )
    return SAMPLE_DIR


def _kind(path: Path) -> str | None:
    """'survey', 'activity' or 'outcomes' for a sample file; None for other files."""
    parts = path.stem.split("_")
    if path.suffix not in SURVEY_SUFFIXES or parts[0] not in SAMPLE_PARTNERSHIPS:
        return None
    return parts[1] if len(parts) > 1 and parts[1] in RECORD_KINDS else "survey"


def sample_files() -> list[Path]:
    """The sample survey files, in wave order per partnership (their names sort by wave)."""
    return sorted(p for p in _sample_dir().iterdir() if _kind(p) == "survey")


def record_files(kind: str) -> list[Path]:
    """The sample activity (`kind='activity'`) or outcomes files."""
    return sorted(p for p in _sample_dir().iterdir() if _kind(p) == kind)


def load_sample(db: Database) -> list[ImportResult | RecordsResult]:
    """Import every sample file not imported yet; returns what was imported."""
    results: list[ImportResult | RecordsResult] = []
    for path in sample_files():
        partnership = SAMPLE_PARTNERSHIPS[path.stem.split("_")[0]]
        with path.open("rb") as handle:
            try:
                results.append(
                    import_survey(
                        db, handle, path.name, partnership=partnership, uploaded_by="sample data"
                    )
                )
            except DuplicateUploadError:
                continue
    for kind in RECORD_KINDS:
        for path in record_files(kind):
            partnership = SAMPLE_PARTNERSHIPS[path.stem.split("_")[0]]
            with path.open("rb") as handle:
                try:
                    results.append(
                        import_records(
                            db,
                            handle,
                            path.name,
                            kind,
                            partnership=partnership,
                            uploaded_by="sample data",
                        )
                    )
                except DuplicateUploadError:
                    continue
    return results
