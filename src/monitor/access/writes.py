"""Every write, guarded: each takes the actor, refuses it without the role (and outside
its partnerships), and records who did it. Also the lists of uploads and audit lines as
an actor may see them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from monitor import response_rates
from monitor.access.roles import REMOVE, SETTINGS, UPLOAD, Actor, require
from monitor.ingest import ImportResult, PreparedImport
from monitor.ingest import commit_survey as _commit_survey
from monitor.ingest import mapping as _mapping
from monitor.settings import EDITABLE, Settings, check, load_settings
from monitor.store import Database
from monitor.store import config as stored_config
from monitor.store import uploads as stored_uploads

if TYPE_CHECKING:
    import pandas as pd

    from monitor.ingest import records as _records

# The sample and the activity and outcome records are imported where they are used: both
# load pandas, which a survey file's import from the command line does without.


def commit_survey(
    actor: Actor | None, db: Database, prepared: PreparedImport, typed_name: str | None = None
) -> ImportResult:
    """Store a checked survey file, if `actor` may upload for its partnerships."""
    require(actor, UPLOAD, prepared.partnerships)
    return _commit_survey(db, prepared, actor.signature(typed_name))


def commit_records(
    actor: Actor | None,
    db: Database,
    prepared: _records.PreparedRecords,
    typed_name: str | None = None,
) -> _records.RecordsResult:
    """Store a checked activity or outcomes file, if `actor` may upload for its partnerships."""
    from monitor.ingest import records

    require(actor, UPLOAD, prepared.partnerships)
    return records.commit_records(db, prepared, actor.signature(typed_name))


def remove_upload(actor: Actor | None, db: Database, upload_id: int) -> dict:
    """Remove one upload, if `actor` may remove uploads of its partnership."""
    require(actor, REMOVE)
    partnership = stored_uploads.upload_partnership(db, upload_id)
    require(actor, REMOVE, [partnership] if partnership is not None else [])
    return stored_uploads.remove_upload(db, upload_id, removed_by=actor.signature())


def load_sample(actor: Actor | None, db: Database) -> list:
    """Load the built-in sample data, if `actor` may upload."""
    from monitor import sample

    require(actor, UPLOAD, sample.SAMPLE_PARTNERSHIPS.values())
    return sample.load_sample(db)


def save_invited(
    actor: Actor | None,
    db: Database,
    partnership: str,
    by_wave: Mapping[str, Mapping[str, object]],
    typed_name: str | None = None,
) -> dict[str, dict[str, tuple[int | None, int | None]]]:
    """Check and store how many people of each agency were invited to answer each wave
    of `by_wave` (wave -> agency -> count; a blank removes an agency's count), all or
    nothing, if `actor` may upload for `partnership`. What changed: wave -> agency ->
    (was, now)."""
    require(actor, UPLOAD, [partnership])
    return response_rates.record_invited(db, partnership, by_wave, actor.signature(typed_name))


def save_mapping(
    actor: Actor | None,
    db: Database,
    name: str,
    mapping: _mapping.ColumnMapping,
    typed_name: str | None = None,
) -> None:
    """Save a confirmed column mapping under `name`, if `actor` may upload."""
    require(actor, UPLOAD)
    _mapping.save_mapping(db, name, mapping, actor.signature(typed_name))


def save_settings(
    actor: Actor | None,
    db: Database,
    values: Mapping[str, object],
    typed_name: str | None = None,
) -> Settings:
    """Check and store settings changed on the dashboard (None: back to the file or the
    default), if `actor` is an admin. Returns the settings now in force."""
    require(actor, SETTINGS)
    unknown = sorted(set(values) - set(EDITABLE))
    if unknown:
        raise ValueError(f"not settings of the settings page: {', '.join(unknown)}")
    merged = {
        **stored_config.stored_settings(db),
        **{k: v for k, v in values.items() if v is not None},
    }
    for name, value in values.items():
        if value is None:
            merged.pop(name, None)
    result = check(load_settings(stored=merged))
    stored_config.save_settings(db, dict(values), actor.signature(typed_name))
    return result


def uploads(actor: Actor | None, db: Database) -> pd.DataFrame:
    """The past uploads `actor` may see (and, with the role, remove)."""
    return visible_uploads(actor, stored_uploads.list_uploads(db))


def visible_uploads(actor: Actor | None, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of `frame` (the list of uploads) `actor` may see."""
    if actor is None:
        return frame.iloc[0:0]
    if actor.partnerships is None:
        return frame
    return frame[frame["partnership"].isin(actor.partnerships)].reset_index(drop=True)


def audit(actor: Actor | None, db: Database, limit: int = 200) -> pd.DataFrame:
    """The audit list as `actor` may see it: a user limited to some partnerships sees the
    lines of those partnerships' uploads and removals, and the changes of settings."""
    frame = stored_uploads.audit_list(db, limit)
    return visible_audit(actor, frame, stored_uploads.list_uploads(db)["partnership"])


def visible_audit(actor: Actor | None, frame: pd.DataFrame, stored: Iterable[str]) -> pd.DataFrame:
    """The lines of `frame` (the audit list) `actor` may see; `stored`: the partnerships
    of the stored uploads (to tell a partnership from a longer name that starts with it).
    Lines of a partnership (uploads, removals, counts of people invited) are shown to
    those who may see it; lines of no partnership (settings, mappings) to everyone."""
    if actor is None:
        return frame.iloc[0:0]
    if actor.partnerships is None:
        return frame
    known = set(stored) | set(actor.partnerships)
    owners = frame["details"].fillna("").map(lambda text: _owner(text, known))
    of_partnership = frame["upload_id"].notna() | (frame["action"] == "invited")
    keep = owners.isin(actor.partnerships) | ~of_partnership
    return frame[keep].reset_index(drop=True)


def _owner(details: str, known: set[str]) -> str | None:
    """The partnership of an upload's or removal's audit line: its details begin with
    "<partnership>: " (the longest known name that fits, should one name start another)."""
    fits = [p for p in known if details.startswith(f"{p}: ")]
    return max(fits, key=len) if fits else None
