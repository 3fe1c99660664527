"""Settings: defaults, overridden by `monitor.toml` in the working folder, then by
environment variables (MONITOR_<NAME>, e.g. MONITOR_MIN_GROUP_SIZE=5), then by the
values saved on the dashboard's settings page (stored in the database)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from monitor import name_only
from monitor.errors import MonitorError
from monitor.instrument import Band, Instrument

CONFIG_FILE = Path("monitor.toml")

# Settings a user may change on the settings page (stored in the database).
EDITABLE = (
    "min_group_size",
    "band_strength",
    "band_borderline",
    "name_only_gap",
    "name_only_waves",
    "alpha_low",
    "currency",
    "min_response_rate",
)


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
    # Lowest score of the strength and of the borderline band; 0 = as in instrument.yaml.
    band_strength: float = 0.0
    band_borderline: float = 0.0
    # "Partnership in name only" (see monitor.name_only): an agency scoring this far below
    # the partnership on power, trust or communication ...
    name_only_gap: float = name_only.GAP
    # ... in this many consecutive waves up to the one shown.
    name_only_waves: int = name_only.WAVES
    # Cronbach's alpha below this is flagged as low reliability.
    alpha_low: float = 0.7
    # Written before amounts of money (costs and resources) on the pages and in the report.
    currency: str = "£"
    # An agency whose response rate (respondents / people invited) is below this
    # percentage is flagged (see monitor.response_rates).
    min_response_rate: float = 50.0


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


def check(settings: Settings) -> Settings:
    """Raise MonitorError when settings contradict each other or make no sense."""
    if settings.min_group_size < 1:
        raise MonitorError("min_group_size must be at least 1.")
    name_only.check(settings.name_only_gap, settings.name_only_waves)
    if not settings.currency.strip() or len(settings.currency) > 5:
        raise MonitorError(
            f"currency must be a short symbol or code such as £, € or EUR, not "
            f"{settings.currency!r}."
        )
    if not 0 <= settings.min_response_rate <= 100:
        raise MonitorError(
            "min_response_rate is a percentage from 0 to 100 (50 flags agencies where fewer "
            f"than half of those invited answered), not {settings.min_response_rate:g}."
        )
    strength, borderline = settings.band_strength, settings.band_borderline
    if strength and borderline and borderline >= strength:
        raise MonitorError("band_borderline must be below band_strength.")
    return settings


def apply(settings: Settings, values: dict[str, object]) -> Settings:
    """`settings` with `values` (text or typed) applied; unknown names are ignored."""
    known = {f.name for f in fields(Settings)}
    for name, raw in values.items():
        if name in known:
            kind = type(getattr(settings, name))
            settings = replace(settings, **{name: _coerce(name, raw, kind)})
    return settings


def load_settings(config_file: Path = CONFIG_FILE, stored: dict | None = None) -> Settings:
    """Read settings from the config file, the environment and `stored` (saved settings)."""
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
    values.update({k: v for k, v in (stored or {}).items() if k in EDITABLE})
    return check(apply(Settings(), values))


def with_bands(instrument: Instrument, settings: Settings) -> Instrument:
    """The instrument with the band thresholds of `settings` (unchanged where 0)."""
    mins = {"strength": settings.band_strength, "borderline": settings.band_borderline}
    bands = tuple(
        Band(b.key, b.label, mins[b.key]) if mins.get(b.key) else b for b in instrument.bands
    )
    return replace(instrument, bands=bands)


def band_minimums(instrument: Instrument) -> dict[str, float]:
    """Lowest score of each band, by band key."""
    return {b.key: b.min for b in instrument.bands}
