"""Configuration users save: settings changed on the dashboard and named column mappings."""

from __future__ import annotations

from datetime import datetime

from monitor.store.database import Database
from monitor.store.uploads import record_audit


def stored_settings(db: Database) -> dict[str, str]:
    """Settings saved from the dashboard (name -> text value)."""
    return dict(db.query_rows("SELECT name, value FROM settings ORDER BY name"))


def save_settings(db: Database, values: dict[str, object], who: str | None = None) -> None:
    """Store settings (None removes a stored value, falling back to the file/defaults);
    each change is a line of the audit list."""
    with db.write() as w:
        for name, value in values.items():
            before = w.execute("SELECT value FROM settings WHERE name = $name", {"name": name})
            w.execute("DELETE FROM settings WHERE name = $name", {"name": name})
            if value is not None:
                w.execute(
                    "INSERT INTO settings (name, value, changed_at, changed_by) "
                    "VALUES ($name, $value, $at, $who)",
                    {
                        "name": name,
                        "value": str(value),
                        "at": datetime.now().replace(microsecond=0),
                        "who": who,
                    },
                )
            was = before[0][0] if before else "the default"
            now = str(value) if value is not None else "the default"
            if was != now:
                record_audit(w, "settings", who, None, None, f"{name}: {was} -> {now}")


def save_mapping(db: Database, name: str, mapping_json: str, who: str | None = None) -> None:
    """Save (or replace) a confirmed column mapping under `name`."""
    with db.write() as w:
        w.execute("DELETE FROM column_mappings WHERE name = $name", {"name": name})
        w.execute(
            "INSERT INTO column_mappings (name, mapping, saved_at, saved_by) "
            "VALUES ($name, $mapping, $at, $who)",
            {
                "name": name,
                "mapping": mapping_json,
                "at": datetime.now().replace(microsecond=0),
                "who": who,
            },
        )
        record_audit(w, "mapping", who, None, name, "column mapping saved")


def load_mapping(db: Database, name: str) -> str | None:
    """The JSON of the mapping saved under `name`, or None."""
    rows = db.query_rows("SELECT mapping FROM column_mappings WHERE name = $name", {"name": name})
    return rows[0][0] if rows else None


def mapping_names(db: Database) -> list[str]:
    return [r[0] for r in db.query_rows("SELECT name FROM column_mappings ORDER BY name")]
