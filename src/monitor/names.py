"""Names typed by people: spot a new name that is probably a stored one mistyped."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

CLOSE_RATIO = 0.85
"""How alike (difflib ratio, 0-1) two names must be to be questioned as the same one."""


def name_key(name: str) -> str:
    """The name compared case- and spacing-blind: 'Riverside  csp ' -> 'riverside csp'."""
    return " ".join(str(name).split()).casefold()


def close_name(name: str, existing: Iterable[str], ratio: float = CLOSE_RATIO) -> str | None:
    """The stored name `name` is probably meant to be, when it is new but close to one:
    the same apart from case or spacing, or a small edit away. None when `name` is
    stored exactly or is not close to any stored name."""
    stored = list(existing)
    if name in stored:
        return None
    key = name_key(name)
    same = [s for s in stored if name_key(s) == key]
    if same:
        return same[0]
    keys = {name_key(s): s for s in stored}
    match = difflib.get_close_matches(key, list(keys), n=1, cutoff=ratio)
    return keys[match[0]] if match else None
