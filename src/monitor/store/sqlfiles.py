"""The store's SQL files (`store/sql/*.sql`), read once."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources


@cache
def sql_text(name: str) -> str:
    """The text of a `.sql` file kept in the store's `sql` folder."""
    return resources.files("monitor.store").joinpath("sql", name).read_text(encoding="utf-8")


def sql_statements(name: str) -> dict[str, str]:
    """The statements of a `.sql` file, each introduced by a line `-- name: <name>`."""
    parts = re.split(r"^-- name: (\w+)\s*$", sql_text(name), flags=re.M)
    return {parts[i]: parts[i + 1].strip() for i in range(1, len(parts), 2)}
