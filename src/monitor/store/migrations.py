"""Which schema migrations a store still needs (the same rule for DuckDB and PostgreSQL).

Each store keeps the list of migrations applied to it in `schema_migrations`; a
migration is applied once, in version order, in its own transaction.
"""

from __future__ import annotations

from monitor.errors import StoreError


def pending(applied: set[int], known: dict[int, str], where: str) -> list[int]:
    """The versions of `known` not yet in `applied`, in order. A store with a version this
    program does not know was written by a newer release and is refused."""
    newest, latest = max(applied, default=0), max(known)
    if newest > latest:
        raise StoreError(
            f"The database {where} was written by a newer Partnership Monitor "
            f"(schema {newest}, this version knows {latest}). Upgrade the app."
        )
    return sorted(set(known) - applied)
