"""Drawing helpers shared by the pages: tables, charts and download buttons (the
data, the board report, the Excel templates); files are built only when clicked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from monitor import export
from monitor.access import Actor
from monitor.dashboard.auth import current_actor
from monitor.dashboard.filters import last_view
from monitor.dashboard.session import db_path, instrument, settings, store_at
from monitor.dashboard.specs import Builder, specs
from monitor.scorecard import View
from monitor.settings import Settings
from monitor.template import records_template_bytes, template_bytes
from monitor.untrusted import file_stem

EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


WRAPPING_ROW_HEIGHT = 66  # px: rows taller than 4rem let long text wrap in st.dataframe


def table(
    frame: pd.DataFrame,
    *,
    all_rows: bool = True,
    wrap: bool = False,
    widths: dict[str, int] | None = None,
) -> None:
    """A table with scores shown to two decimals; all rows visible unless told otherwise.
    With `wrap`, long text wraps in taller rows instead of being cut; `widths` gives
    columns a width in pixels (the others size to their content)."""
    config: dict[str, object] = {
        name: st.column_config.NumberColumn(format="%.2f")
        for name, dtype in frame.dtypes.items()
        if pd.api.types.is_float_dtype(dtype)
    }
    for name, width in (widths or {}).items():
        if name in frame.columns:
            config[name] = st.column_config.Column(width=width)
    st.dataframe(
        frame,
        hide_index=True,
        column_config=config,
        height="content" if all_rows else "auto",
        row_height=WRAPPING_ROW_HEIGHT if wrap else None,
        width="stretch",
    )


def chart(builder: Builder, *args: Any, **kwargs: Any) -> None:
    """Draw the chart `builder(*args, **kwargs)` (a builder of monitor.charts) with the
    project's own theme (not Streamlit's). Its spec is made once per content and shared
    by every session."""
    (spec,) = specs(builder, *args, **kwargs)
    _draw(spec)


def chart_grid(builder: Builder, *args: Any, columns: int, **kwargs: Any) -> None:
    """The small charts `builder(*args, **kwargs)` returns, in rows of `columns`, each as
    wide as its column. On a narrow screen (a phone) Streamlit stacks the columns, so
    every chart gets the full width."""
    panels = specs(builder, *args, **kwargs)
    for start in range(0, len(panels), columns):
        row = panels[start : start + columns]
        for column, spec in zip(st.columns(columns), row, strict=False):
            with column:
                _draw(spec)


def _draw(spec: dict[str, Any]) -> None:
    st.vega_lite_chart(spec, theme=None, width="stretch")


# --- downloads -----------------------------------------------------------------------------


def download(
    where: Any,
    label: str,
    data: bytes | Callable[[], bytes],
    *,
    file_name: str,
    mime: str,
    **options: Any,
) -> None:
    """A download button (in `where`: st, a column or the sidebar) that does not rerun
    the page when clicked. A rerun would be wasted work, and it would race the file:
    a file built on click (`data` a function) is looked up by an id that the rerun
    replaces, so under load the click could fetch nothing."""
    where.download_button(
        label,
        data,
        file_name=file_name,
        mime=mime,
        icon=":material/download:",
        on_click="ignore",
        **options,
    )


# --- the combined data ---------------------------------------------------------------------


def _data_file(path: str, view: View, kind: str, actor: Actor | None) -> Callable[[], bytes]:
    """Build the full download only when the button is clicked."""

    def build() -> bytes:
        if kind == "csv":
            return export.combined_csv(store_at(path), view, actor)
        return export.to_excel_bytes(export.combined_data(store_at(path), view, actor))

    return build


def data_downloads(view: View, rows: int) -> None:
    """Buttons downloading the view's combined data (`rows` rows) as CSV and as Excel
    (raw answers: the library refuses users who may not read them). Excel is offered
    only when the rows fit in a sheet."""
    path, actor = db_path(), current_actor()
    left, right, _ = st.columns([1, 1, 3])
    download(
        left,
        "Download CSV",
        _data_file(path, view, "csv", actor),
        file_name="partnership-monitor-data.csv",
        mime="text/csv",
    )
    fits = rows < export.EXCEL_MAX_ROWS
    download(
        right,
        "Download Excel",
        _data_file(path, view, "xlsx", actor) if fits else b"",
        file_name="partnership-monitor-data.xlsx",
        mime=EXCEL,
        disabled=not fits,
        help=None
        if fits
        else f"{rows:,} rows: more than an Excel sheet holds. Download the CSV instead.",
    )


# --- the board report ----------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=16)
def _report(path: str, kind: str, partnership: str, wave: str, current: Settings) -> bytes:
    from monitor import report

    if kind == "xlsx":
        return report.scores_excel(
            store_at(path), partnership, wave, min_group_size=current.min_group_size
        )
    return report.pdf_report(
        store_at(path),
        partnership,
        wave,
        min_group_size=current.min_group_size,
        instrument=instrument(),
        name_only_gap=current.name_only_gap,
        name_only_waves=current.name_only_waves,
        currency=current.currency,
        min_response_rate=current.min_response_rate,
    )


def report_downloads() -> None:
    """The board report (PDF) and the scores (Excel) of the page's partnership and wave,
    in the sidebar (called by app.py). Built only when a button is clicked."""
    view = last_view()
    if view is None or not view.partnership or not view.wave:
        return
    path, current = db_path(), settings()
    name = f"{file_stem(view.partnership)}-{file_stem(view.wave, 20)}".lstrip("-")
    with st.sidebar.expander("Report for the board", icon=":material/print:"):
        download(
            st,
            "Download the PDF report",
            lambda: _report(path, "pdf", view.partnership, view.wave, current),
            help="Summary, scorecard, trends, partner gaps, partners in name only, cost.",
            file_name=f"{name}-report.pdf",
            mime="application/pdf",
            key="report_pdf",
        )
        download(
            st,
            "Download the scores (Excel)",
            lambda: _report(path, "xlsx", view.partnership, view.wave, current),
            file_name=f"{name}-scores.xlsx",
            mime=EXCEL,
            key="report_xlsx",
        )


# --- the Excel templates -------------------------------------------------------------------


@st.cache_data(show_spinner=False)
def _survey_template() -> bytes:
    return template_bytes()


@st.cache_data(show_spinner=False)
def _records_template(kind: str) -> bytes:
    return records_template_bytes(kind)


def template_download(kind: str = "survey") -> None:
    """The Excel template of survey files, or of activity or outcome records (`kind`)."""
    if kind == "survey":
        data, file_name, key = _survey_template(), "partnership-survey-template.xlsx", None
    else:
        data, file_name = _records_template(kind), f"partnership-{kind}-template.xlsx"
        key = f"records_template_{kind}"
    download(st, "Download the Excel template", data, file_name=file_name, mime=EXCEL, key=key)
