"""Vega-Lite specs of the charts, made once per chart and content and shared by every
session.

Building an Altair chart and turning it into its spec was most of the server time of a
page view, and every session draws the same few views again and again. The chart
builders are pure functions (a DataFrame in, a chart out), so the spec of a builder's
call is cached on the builder's name and its arguments. The chart data go into the
spec as Arrow bytes under a name made from those bytes, as Streamlit itself sends chart
data, so a cached spec is drawn without any conversion.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from typing import Any

import altair as alt
import pandas as pd
import pyarrow as pa
import streamlit as st

from monitor import charts

# Checking each spec against the Vega-Lite JSON schema costs as much as building it.
# The chart tests check every builder's spec; the page tests turn this on, so every
# chart a page draws in a test is checked too.
CHECK_SPECS = False

_TRANSFORMER = "monitor_arrow"

Builder = Callable[..., Any]


def arrow_bytes(frame: pd.DataFrame) -> bytes:
    """`frame` as an Arrow IPC stream, the form Streamlit sends chart data in."""
    table = pa.Table.from_pandas(frame)
    sink = pa.BufferOutputStream()
    with pa.RecordBatchStreamWriter(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _to_named_arrow(data: Any, datasets: dict[str, bytes]) -> dict[str, str]:
    """Altair data transformer: keep a chart's data as Arrow bytes under a content name."""
    data_bytes = arrow_bytes(data)
    name = hashlib.sha256(data_bytes).hexdigest()[:32]
    datasets[name] = data_bytes
    return {"name": name}


alt.data_transformers.register(_TRANSFORMER, _to_named_arrow)


def spec_of(figure: alt.TopLevelMixin) -> dict[str, Any]:
    """The Vega-Lite spec of an Altair chart, with its data as named Arrow datasets."""
    datasets: dict[str, bytes] = {}
    with charts.ALTAIR_SETTINGS, alt.data_transformers.enable(_TRANSFORMER, datasets=datasets):
        spec = figure.to_dict(validate=CHECK_SPECS)
    spec["datasets"] = {**spec.get("datasets", {}), **datasets}
    return spec


@st.cache_data(show_spinner=False, max_entries=512)
def _specs(key: str, _builder: Builder, _args: tuple, _kwargs: dict) -> list[dict[str, Any]]:
    """The specs of `_builder(*_args, **_kwargs)` (one chart or a list of them), cached
    on `key` alone."""
    made = _builder(*_args, **_kwargs)
    return [spec_of(figure) for figure in (made if isinstance(made, list) else [made])]


def call_key(builder: Builder, args: tuple, kwargs: dict) -> str:
    """A key of the call `builder(*args, **kwargs)` from the pickled builder name and
    arguments: different arguments always give different keys. (Streamlit's own hashing
    of a DataFrame and of the instrument took 7-10 ms per chart, a quarter of a page
    rerun; pickling takes 0.2 ms.)"""
    name = f"{builder.__module__}.{builder.__qualname__}"
    call = pickle.dumps((name, CHECK_SPECS, args, kwargs), protocol=5)
    return hashlib.sha256(call).hexdigest()


def specs(builder: Builder, *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
    """The cached specs of the chart(s) `builder(*args, **kwargs)` returns."""
    return _specs(call_key(builder, args, kwargs), builder, args, kwargs)
