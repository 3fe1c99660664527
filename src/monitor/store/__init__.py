"""The store: DuckDB owned by `database`, reached through named functions grouped by topic
(`uploads`, `scoring`, `responses`, `records`, `lookups`, `config`)."""

from monitor.store.database import Database, quote_identifier, resolve_db_path
from monitor.store.registry import close_all, open_database

__all__ = ["Database", "close_all", "open_database", "quote_identifier", "resolve_db_path"]
