"""What each column of an export holds: the targets a column can map to, the mapping
itself, its edits, and mappings saved under a name for the next wave's export."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from monitor.errors import AmbiguousMappingError, NotFoundError, Problem, ValidationError
from monitor.instrument import Instrument
from monitor.store import Database, config

if TYPE_CHECKING:
    import pandas as pd

FIELDS = ("respondent_id", "partner", "role", "wave", "wave_start", "partnership")


COMMENT = "comment"


DATE = "date"


IGNORE = "ignore"


@dataclass
class ColumnMapping:
    """What each file column holds (header -> target) and extra answer codes."""

    targets: dict[str, str] = field(default_factory=dict)
    answer_codes: dict[str, float | None] = field(default_factory=dict)
    scale_note: str = ""
    date_column: str | None = None  # completion date, when it also identifies the response

    def to_json(self) -> str:
        return json.dumps(
            {
                "targets": self.targets,
                "answer_codes": self.answer_codes,
                "scale_note": self.scale_note,
                "date_column": self.date_column,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> ColumnMapping:
        data = json.loads(text)
        return cls(
            targets=dict(data.get("targets", {})),
            answer_codes=dict(data.get("answer_codes", {})),
            scale_note=str(data.get("scale_note", "")),
            date_column=data.get("date_column"),
        )

    def columns(self, target: str) -> list[str]:
        return [h for h, t in self.targets.items() if t == target]


SHARED = (DATE, COMMENT, IGNORE)  # targets any number of columns may have


def edited_mapping(base: ColumnMapping, table: pd.DataFrame) -> ColumnMapping:
    """`base` with the targets chosen in an edited mapping table (column, maps_to).

    Raises AmbiguousMappingError when two columns map to the same field or item (one of
    them would be left out)."""
    targets = dict(base.targets)
    for column, target in zip(table["column"], table["maps_to"], strict=True):
        targets[str(column)] = str(target or IGNORE)
    doubled = {
        target: columns
        for target in dict.fromkeys(targets.values())
        if target not in SHARED
        and len(columns := [c for c, t in targets.items() if t == target]) > 1
    }
    if doubled:
        raise AmbiguousMappingError(doubled)
    return ColumnMapping(targets, dict(base.answer_codes), base.scale_note, base.date_column)


def target_options(instrument: Instrument) -> list[str]:
    """Every target a column can be mapped to, for a choice list."""
    return [*FIELDS, *instrument.item_ids, DATE, COMMENT, IGNORE]


def save_mapping(db: Database, name: str, mapping: ColumnMapping, who: str | None = None) -> None:
    """Save a confirmed mapping under `name` (replacing one of the same name)."""
    name = name.strip()
    if not name:
        raise ValidationError(
            "mapping", [Problem("the mapping has no name", "Give the mapping a name")]
        )
    config.save_mapping(db, name, mapping.to_json(), who)


def load_mapping(db: Database, name: str) -> ColumnMapping | None:
    """The mapping saved under `name`, or None."""
    text = config.load_mapping(db, name.strip())
    return ColumnMapping.from_json(text) if text else None


def require_mapping(db: Database, name: str) -> ColumnMapping:
    found = load_mapping(db, name)
    if found is None:
        raise NotFoundError(f"There is no saved column mapping named '{name}'.")
    return found
