"""Reading and importing uploaded files."""

from monitor.ingest.survey import (
    ImportResult,
    PreparedImport,
    commit_survey,
    import_survey,
    prepare_survey,
)

__all__ = ["ImportResult", "PreparedImport", "commit_survey", "import_survey", "prepare_survey"]
