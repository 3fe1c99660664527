"""How many people of each agency were invited to answer a wave's survey (table
`invited`): the denominator of the response rate (see `monitor.response_rates`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from monitor.store.database import Database, sql_statements
from monitor.store.uploads import record_audit
from monitor.store.writer import Writer

if TYPE_CHECKING:
    import pandas as pd


def _sql() -> dict[str, str]:
    return sql_statements("invited.sql")


def invited_counts(
    db: Database, partnership: str | None = None, wave: str | None = None
) -> pd.DataFrame:
    """Stored counts (of one partnership and wave, or all): partnership, wave, partner,
    invited, recorded_at, recorded_by."""
    return db.query_df(_sql()["list"], {"partnership": partnership, "wave": wave})


def save_invited(
    db: Database,
    partnership: str,
    by_wave: Mapping[str, Mapping[str, int]],
    who: str | None = None,
) -> dict[str, dict[str, tuple[int | None, int | None]]]:
    """Make the counts of each wave of `by_wave` (wave -> agency -> people invited) the
    counts of `partnership` and that wave, all in one transaction: agencies left out
    lose their count, unchanged ones keep when and by whom they were recorded. Each
    wave that changes is a line of the audit list. Returns what changed per wave:
    agency -> (was, now), None for no count."""
    at = datetime.now().replace(microsecond=0)
    changes = {}
    with db.write() as w:
        for wave, counts in by_wave.items():
            changed = _save_wave(w, partnership, wave, counts, at, who)
            if changed:
                changes[wave] = changed
                record_audit(w, "invited", who, None, None, _details(partnership, wave, changed))
    return changes


def keep_counts(
    w: Writer, partnership: str, by_wave: Mapping[str, Mapping[str, int]], who: str | None
) -> None:
    """Store the counts of `by_wave` inside the caller's transaction (a survey upload's),
    leaving the other agencies' counts of those waves as they are; audited as a save."""
    at = datetime.now().replace(microsecond=0)
    for wave, counts in by_wave.items():
        before = dict(w.execute(_sql()["of_wave"], {"partnership": partnership, "wave": wave}))
        changed = _save_wave(w, partnership, wave, {**before, **counts}, at, who)
        if changed:
            record_audit(w, "invited", who, None, None, _details(partnership, wave, changed))


def _save_wave(
    w: Writer, partnership: str, wave: str, counts: Mapping[str, int], at: datetime, who
) -> dict[str, tuple[int | None, int | None]]:
    statements = _sql()
    key = {"partnership": partnership, "wave": wave}
    before = dict(w.execute(statements["of_wave"], key))
    changed = _changes(before, {p: int(n) for p, n in counts.items()})
    for partner, (_, now) in changed.items():
        w.execute(statements["delete_one"], {**key, "partner": partner})
        if now is not None:
            params = {**key, "partner": partner, "invited": now, "at": at, "who": who}
            w.execute(statements["insert"], params)
    return changed


def _changes(
    before: dict[str, int], after: dict[str, int]
) -> dict[str, tuple[int | None, int | None]]:
    names = sorted(set(before) | set(after))
    return {
        name: (before.get(name), after.get(name))
        for name in names
        if before.get(name) != after.get(name)
    }


def _details(partnership: str, wave: str, changed: dict) -> str:
    """The audit line: "<partnership>: invited in <wave>, Police 20 -> 24, ..." (the
    partnership first, as in the lines of uploads, so access limits apply to it)."""
    parts = [
        f"{name} {'none' if was is None else was} -> {'none' if now is None else now}"
        for name, (was, now) in changed.items()
    ]
    return f"{partnership}: invited in {wave}, " + ", ".join(parts)
