"""Reading and importing uploaded files: survey answers (`survey`), activity records and
outcome counts (`records`).

The names below load their module on first use, so that importing a light submodule
(such as `monitor.ingest.kinds`) does not load the readers and pandas.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from monitor.ingest.kinds import KINDS

if TYPE_CHECKING:
    from monitor.ingest.records import (
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

_HOMES = {
    "PreparedRecords": "records",
    "RecordsResult": "records",
    "commit_records": "records",
    "import_records": "records",
    "prepare_records": "records",
    "ImportResult": "survey",
    "PreparedImport": "survey",
    "commit_survey": "survey",
    "import_survey": "survey",
    "prepare_survey": "survey",
}

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


def __getattr__(name: str) -> object:
    if name in _HOMES:
        return getattr(import_module(f"monitor.ingest.{_HOMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
