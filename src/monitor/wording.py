"""Numbers in words as people read them: counts with the right noun ("1 time", "2 times"),
signed scores without a negative zero, amounts of money with the currency, and spans of
waves or months. Shared by pages, tables, charts and the board report."""

from __future__ import annotations

import math
from collections.abc import Sequence

IRREGULAR = {"person": "people", "activity": "activities", "partnership": "partnerships"}


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`count` with its noun: "1 time", "2 times", "0 respondents", "1,577 rows"."""
    if count == 1:
        return f"1 {singular}"
    noun = plural_form or IRREGULAR.get(singular)
    if noun is None:
        noun = (
            f"{singular[:-1]}ies"
            if singular.endswith("y") and singular[-2:-1] not in "aeiou"
            else f"{singular}s"
        )
    return f"{count:,} {noun}"


def signed(value: float, decimals: int = 2) -> str:
    """A change with its sign, never "-0.00": values that round to zero are "0.00"."""
    rounded = round(float(value), decimals)
    if rounded == 0 or math.isclose(rounded, 0.0, abs_tol=10 ** -(decimals + 2)):
        return f"{0:.{decimals}f}"
    return f"{rounded:+.{decimals}f}"


def signed_range(low: float, high: float, decimals: int = 2) -> str:
    """An interval of a change: "-0.19 to +0.22" (no negative zero at either end)."""
    return f"{signed(low, decimals)} to {signed(high, decimals)}"


def money(amount: float, currency: str, decimals: int = 0) -> str:
    """An amount with its currency before it: "£1,240"; a negative one as "-£40"."""
    text = f"{currency}{abs(amount):,.{decimals}f}"
    return f"-{text}" if round(amount, decimals) < 0 else text


def span(labels: Sequence[str], *, most: int = 3) -> str:
    """A list of waves or months, short: all of them when few, else the first and the
    last with their number ("2024-07 to 2025-12 (18)")."""
    labels = list(labels)
    if len(labels) <= most:
        return ", ".join(labels)
    return f"{labels[0]} to {labels[-1]} ({len(labels)})"
