"""Column mapping of survey platform exports: which column is the respondent, the
partner, each item... (`match`), answers on another scale (`scales`), and the mapping
itself with its saved copies (`targets`)."""

from monitor.ingest.mapping.match import Proposal, propose_mapping
from monitor.ingest.mapping.scales import propose_scale
from monitor.ingest.mapping.targets import (
    COMMENT,
    DATE,
    FIELDS,
    IGNORE,
    ColumnMapping,
    edited_mapping,
    load_mapping,
    require_mapping,
    save_mapping,
    target_options,
)

__all__ = [
    "COMMENT",
    "DATE",
    "FIELDS",
    "IGNORE",
    "ColumnMapping",
    "Proposal",
    "edited_mapping",
    "load_mapping",
    "propose_mapping",
    "propose_scale",
    "require_mapping",
    "save_mapping",
    "target_options",
]
