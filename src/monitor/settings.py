"""Settings: defaults, overridden by `monitor.toml` in the working folder, then by
environment variables (MONITOR_<NAME>, e.g. MONITOR_MIN_GROUP_SIZE=5)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from monitor.errors import MonitorError

CONFIG_FILE = Path("monitor.toml")


@dataclass(frozen=True)
class Settings:
    # Below this many respondents no partner- or role-level score is shown.
    min_group_size: int = 3
    # Load the built-in sample data when the dashboard creates a new, empty database.
    sample_on_first_run: bool = True
    # Largest upload accepted, in megabytes.
    max_upload_mb: int = 50
    # Largest size an .xlsx upload may unpack to, in megabytes (zip bomb guard).
    max_uncompressed_mb: int = 1000
    # Most rows and columns one uploaded sheet may have.
    max_rows: int = 500_000
    max_columns: int = 2_000
    # Free-text comments are shown only for groups of at least this many respondents.
    comment_min_group_size: int = 5


def _coerce(name: str, raw: object, kind: type) -> object:
    if kind is bool and isinstance(raw, str):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    try:
        return kind(raw)
    except (TypeError, ValueError) as exc:
        raise MonitorError(
            f"The setting {name} must be a {kind.__name__}, not {raw!r}. Fix monitor.toml "
            f"or the environment variable MONITOR_{name.upper()}."
        ) from exc


def load_settings(config_file: Path = CONFIG_FILE) -> Settings:
    """Read settings from the config file and the environment."""
    values: dict[str, object] = {}
    if config_file.is_file():
        try:
            values.update(tomllib.loads(config_file.read_text(encoding="utf-8")))
        except tomllib.TOMLDecodeError as exc:
            raise MonitorError(f"{config_file} is not valid TOML: {exc}") from exc
    for spec in fields(Settings):
        env = os.environ.get(f"MONITOR_{spec.name.upper()}")
        if env is not None:
            values[spec.name] = env
    known = {f.name: f for f in fields(Settings)}
    settings = Settings()
    for name, raw in values.items():
        if name in known:
            kind = type(getattr(settings, name))
            settings = replace(settings, **{name: _coerce(name, raw, kind)})
    if settings.min_group_size < 1:
        raise MonitorError("min_group_size must be at least 1.")
    return settings
