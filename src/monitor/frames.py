"""Tables (pandas DataFrames) made from plain rows, with the column types stated.

The library computes some results on plain rows, so that a command line needs no pandas;
its DataFrame functions build their tables here (pandas is imported only then).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def from_rows(rows: Sequence[Mapping], types: Mapping[str, str]) -> pd.DataFrame:
    """A table of `rows` (dicts) with the columns of `types` in its order, each of its
    pandas type (None becomes the type's missing value)."""
    import pandas as pd

    columns = list(types)
    records = [tuple(row[c] for c in columns) for row in rows]
    return pd.DataFrame.from_records(records, columns=columns).astype(dict(types))
