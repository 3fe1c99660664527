"""Reading and importing uploaded files: survey answers (`survey`), activity records and
outcome counts (`records`)."""

from monitor.ingest.records import (
    KINDS,
    PreparedRecords,
    RecordsResult,
    commit_records,
    import_records,
    prepare_records,
)
from monitor.ingest.survey import (
    ImportResult,
    PreparedImport,
    commit_survey,
    import_survey,
    prepare_survey,
)

__all__ = [
    "KINDS",
    "ImportResult",
    "PreparedImport",
    "PreparedRecords",
    "RecordsResult",
    "commit_records",
    "commit_survey",
    "import_records",
    "import_survey",
    "prepare_records",
    "prepare_survey",
]
