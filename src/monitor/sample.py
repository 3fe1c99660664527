"""The built-in sample dataset (files in the repository's `sample_data/` folder)."""

from __future__ import annotations

from pathlib import Path

from monitor.errors import DuplicateUploadError, MonitorError
from monitor.ingest import ImportResult, import_survey
from monitor.store import Database

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_data"
# File name prefix -> the partnership its files belong to.
SAMPLE_PARTNERSHIPS = {"riverside": "Riverside Community Safety Partnership"}
SURVEY_SUFFIXES = {".xlsx", ".xls", ".csv"}


def sample_files() -> list[Path]:
    """The sample survey files, in wave order (their names sort by wave)."""
    if not SAMPLE_DIR.is_dir():
        raise MonitorError(
            f"The sample data folder {SAMPLE_DIR} is missing. Run from a checkout of the "
            "project (pip install -e .) or upload your own files."
        )
    return sorted(
        path
        for path in SAMPLE_DIR.iterdir()
        if path.suffix in SURVEY_SUFFIXES and path.stem.split("_")[0] in SAMPLE_PARTNERSHIPS
    )


def load_sample(db: Database) -> list[ImportResult]:
    """Import every sample file not imported yet; returns what was imported."""
    results = []
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
    return results
