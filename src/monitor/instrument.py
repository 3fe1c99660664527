"""The survey instrument: factors, items, answer scale and score bands.

Everything the library knows about factors comes from a YAML file; the
default one ships next to this module (`instrument.yaml`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from monitor.errors import InstrumentError

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_PATH = Path(__file__).with_name("instrument.yaml")
BAND_TOLERANCE = 1e-9


def _missing(value: object) -> bool:
    """Whether a score is missing: None, NaN or pandas' NA."""
    try:
        return value is None or math.isnan(value)
    except TypeError:  # pandas' NA (and NaT) refuse to be numbers
        return True


@dataclass(frozen=True)
class Item:
    id: str
    factor: str
    statement: str
    reverse: bool = False


@dataclass(frozen=True)
class Factor:
    key: str
    name: str
    description: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Band:
    key: str
    label: str
    min: float


@dataclass(frozen=True)
class Instrument:
    name: str
    version: int
    scale_min: int
    scale_max: int
    labels: dict[int, str]
    missing: tuple[str, ...]
    bands: tuple[Band, ...]
    factors: tuple[Factor, ...]

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for factor in self.factors for item in factor.items)

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    @property
    def factor_keys(self) -> tuple[str, ...]:
        return tuple(factor.key for factor in self.factors)

    def factor(self, key: str) -> Factor:
        for factor in self.factors:
            if factor.key == key:
                return factor
        raise KeyError(key)

    def factor_names(self) -> dict[str, str]:
        return {factor.key: factor.name for factor in self.factors}

    def band(self, score: float | None) -> Band | None:
        """The band a factor score falls in (None for a missing score).

        A mean that is exactly a band's `min` in arithmetic can come out a hair below
        it in floating point (4.0 as 3.9999999999999996); it belongs to that band.
        """
        if _missing(score):
            return None
        for band in self.bands:
            if score >= band.min - BAND_TOLERANCE:
                return band
        return self.bands[-1]

    def items_frame(self) -> pd.DataFrame:
        """One row per item: item_id, factor, reverse, position (instrument order)."""
        factor_pos = {key: pos for pos, key in enumerate(self.factor_keys)}
        import pandas as pd

        rows = [
            {
                "item_id": item.id,
                "factor": item.factor,
                "reverse": item.reverse,
                "factor_pos": factor_pos[item.factor],
                "statement": item.statement,
            }
            for item in self.items
        ]
        return pd.DataFrame(rows)

    def answer_codes(self) -> dict[str, float | None]:
        """Normalised answer text -> scale value (None = missing).

        Accepts the scale's labels, the numbers themselves, and the missing labels.
        """
        codes: dict[str, float | None] = {}
        for value, label in self.labels.items():
            codes[normalise_answer(label)] = float(value)
            codes[normalise_answer(f"{value} - {label}")] = float(value)
            codes[normalise_answer(f"{value} {label}")] = float(value)
        for value in range(self.scale_min, self.scale_max + 1):
            codes[str(value)] = float(value)
        for label in self.missing:
            codes[normalise_answer(label)] = None
        codes[""] = None
        return codes


_SPACES = re.compile(r"\s+")


def normalise_answer(text: str) -> str:
    """Case-, space- and apostrophe-insensitive form of an answer label."""
    text = text.replace("\u2019", "'").replace("\u00a0", " ")
    return _SPACES.sub(" ", text).strip().lower()


def _item_id(factor_key: str, position: int, spec: dict) -> str:
    return str(spec.get("id") or f"{factor_key}_{position}")


def _parse_factor(spec: dict) -> Factor:
    key = str(spec["key"])
    items = tuple(
        Item(
            id=_item_id(key, pos, item),
            factor=key,
            statement=str(item["statement"]),
            reverse=bool(item.get("reverse", False)),
        )
        for pos, item in enumerate(spec["items"], start=1)
    )
    return Factor(
        key=key, name=str(spec["name"]), description=str(spec.get("description", "")), items=items
    )


def _check(instrument: Instrument) -> None:
    if not instrument.factors:
        raise InstrumentError("The instrument defines no factors.")
    ids = instrument.item_ids
    if len(set(ids)) != len(ids):
        raise InstrumentError("Item ids must be unique across the instrument.")
    if not instrument.bands:
        raise InstrumentError("The instrument defines no score bands.")
    mins = [band.min for band in instrument.bands]
    if mins != sorted(mins, reverse=True):
        raise InstrumentError("Score bands must be listed from the highest `min` to the lowest.")
    if instrument.scale_min >= instrument.scale_max:
        raise InstrumentError("The scale's `min` must be below its `max`.")


def parse_instrument(data: dict) -> Instrument:
    """Build an Instrument from the parsed YAML mapping, checking it."""
    try:
        scale = data["scale"]
        instrument = Instrument(
            name=str(data.get("name", "Survey")),
            version=int(data.get("version", 1)),
            scale_min=int(scale["min"]),
            scale_max=int(scale["max"]),
            labels={int(k): str(v) for k, v in scale["labels"].items()},
            missing=tuple(str(m) for m in scale.get("missing", [])),
            bands=tuple(
                Band(key=str(b["key"]), label=str(b["label"]), min=float(b["min"]))
                for b in data["bands"]
            ),
            factors=tuple(_parse_factor(f) for f in data["factors"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InstrumentError(f"The instrument file is incomplete or malformed: {exc!r}") from exc
    _check(instrument)
    return instrument


# PyYAML's safe loader, in C when PyYAML was built with libyaml (ten times faster).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_instrument(path: str | Path | None = None) -> Instrument:
    """Read an instrument YAML file (the default one when `path` is None)."""
    return _load_cached(str(Path(path) if path else DEFAULT_PATH))


@cache
def _load_cached(path: str) -> Instrument:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InstrumentError(f"Cannot read the instrument file {path}: {exc.strerror}") from exc
    return parse_instrument(yaml.load(text, Loader=SAFE_LOADER))
