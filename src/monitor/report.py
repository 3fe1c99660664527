"""The board report: a PDF for one partnership and wave, and an Excel file of the scores.

The PDF holds the scorecard, the needs-attention list, trends over all waves and the
gaps between partners, with the charts drawn as images (Vega-Lite rendered by
vl-convert) and the data's respondent count and dates. No Streamlit here: the
dashboard and `python -m monitor report` both call `pdf_report` and `scores_excel`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from monitor import charts, disclosure, partners, scorecard, scores, tables
from monitor.errors import NotFoundError
from monitor.export import to_excel_sheets
from monitor.instrument import Instrument, load_instrument
from monitor.scorecard import View
from monitor.store import Database, lookups, uploads

# Characters the PDF's built-in fonts cannot show, and what to write instead.
PLAIN = str.maketrans({"–": "-", "—": "-", "·": "-", "’": "'", "“": '"', "”": '"', "…": "..."})
CHART_SCALE = 2  # pixels per chart unit: sharp when printed


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows, as tables."""

    partnership: str
    wave: str
    wave_start: date
    respondents: int
    partners_counted: int
    last_upload: datetime | None
    card: pd.DataFrame
    attention: pd.DataFrame
    trend: pd.DataFrame
    gaps: pd.DataFrame
    min_group_size: int


def _plain(text: object) -> str:
    return str(text).translate(PLAIN).encode("latin-1", "replace").decode("latin-1")


def report_data(
    db: Database,
    partnership: str,
    wave: str | None = None,
    *,
    min_group_size: int | None = None,
    instrument: Instrument | None = None,
) -> ReportData:
    """Collect the report's tables for `partnership` and `wave` (default: the latest),
    with the disclosure rule (`min_group_size`; None: the configured one) on each."""
    instrument = instrument or load_instrument()
    min_group_size = disclosure.minimum(db, min_group_size)
    waves = lookups.waves(db, partnership)
    if waves.empty:
        known = ", ".join(lookups.partnerships(db)) or "none yet"
        raise NotFoundError(
            f"There is no survey data for the partnership {partnership!r}. Stored: {known}."
        )
    waves = waves.sort_values("wave_start")
    wave = wave or waves["wave"].iloc[-1]
    if wave not in set(waves["wave"]):
        raise NotFoundError(
            f"{partnership} has no wave {wave!r}. Its waves: {', '.join(waves['wave'])}."
        )
    view = View(partnership, wave)
    card = scorecard.scorecard(db, view, instrument, min_group_size)
    counts = scorecard.responses_by_partner(db, view)
    matrix = partners.partner_matrix(db, view, min_group_size, instrument)
    stored = uploads.list_uploads(db)
    mine = stored[stored["partnership"] == partnership]
    starts = dict(zip(waves["wave"], waves["wave_start"], strict=True))
    return ReportData(
        partnership=partnership,
        wave=wave,
        wave_start=pd.Timestamp(starts[wave]).date(),
        respondents=int(counts["respondents"].sum()) if len(counts) else 0,
        partners_counted=len(counts),
        last_upload=pd.Timestamp(mine["uploaded_at"].max()).to_pydatetime() if len(mine) else None,
        card=card,
        attention=scorecard.needs_attention(card),
        trend=scores.factor_scores(
            db, partnership=partnership, instrument=instrument, min_group_size=min_group_size
        ),
        gaps=partners.partner_gaps(matrix) if len(matrix) else pd.DataFrame(),
        min_group_size=min_group_size,
    )


def chart_png(chart) -> bytes:
    """An Altair chart as a PNG image."""
    import vl_convert

    return vl_convert.vegalite_to_png(chart.to_dict(), scale=CHART_SCALE)


def _card_rows(card: pd.DataFrame) -> list[list[str]]:
    rows = []
    for r in card.itertuples():
        if pd.isna(r.mean):
            rows.append([r.factor_name, "-", "hidden (small group)", "-", "-", str(int(r.n))])
            continue
        interval = f"{r.ci_low:.2f} - {r.ci_high:.2f}" if pd.notna(r.ci_low) else "n too small"
        if r.change_verdict == disclosure.HIDDEN_TEXT:
            moved = r.change_verdict
        elif r.change_verdict is None or pd.isna(r.change):
            moved = "no earlier wave"
        else:
            moved = f"{r.change:+.2f} ({r.change_verdict})"
        rows.append([r.factor_name, f"{r.mean:.2f}", r.band_label, interval, moved, str(r.n)])
    return rows


class _Pdf:
    """A thin layer over fpdf2 with the report's headings, paragraphs, tables, images."""

    def __init__(self, title: str):
        from fpdf import FPDF

        self.pdf = FPDF(orientation="P", unit="mm", format="A4")
        self.pdf.set_auto_page_break(auto=True, margin=15)
        self.pdf.set_title(_plain(title))
        self.pdf.set_creator("Partnership Monitor")
        self.pdf.alias_nb_pages()
        self.pdf.add_page()
        self.width = self.pdf.w - self.pdf.l_margin - self.pdf.r_margin

    def title(self, text: str) -> None:
        self.pdf.set_font("Helvetica", "B", 18)
        self.pdf.multi_cell(0, 9, _plain(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def heading(self, text: str) -> None:
        if self.pdf.get_y() > self.pdf.h - 50:
            self.pdf.add_page()
        self.pdf.ln(3)
        self.pdf.set_font("Helvetica", "B", 13)
        self.pdf.cell(0, 8, _plain(text), new_x="LMARGIN", new_y="NEXT")

    def text(self, text: str, size: int = 10, style: str = "") -> None:
        self.pdf.set_font("Helvetica", style, size)
        self.pdf.multi_cell(0, 5, _plain(text), new_x="LMARGIN", new_y="NEXT")

    def bullets(self, items: list[str]) -> None:
        self.pdf.set_font("Helvetica", "", 10)
        for item in items:
            self.pdf.multi_cell(0, 5, _plain(f"-  {item}"), new_x="LMARGIN", new_y="NEXT")

    def table(self, header: list[str], rows: list[list[str]], widths: tuple[int, ...]) -> None:
        self.pdf.set_font("Helvetica", "", 9)
        with self.pdf.table(
            col_widths=widths,
            text_align="LEFT",
            line_height=5,
            first_row_as_headings=True,
            width=self.width,
        ) as table:
            for values in [header, *rows]:
                row = table.row()
                for value in values:
                    row.cell(_plain(value))
        self.pdf.ln(2)

    def image(self, png: bytes, max_width: float | None = None) -> None:
        from PIL import Image

        with Image.open(io.BytesIO(png)) as picture:
            px_width, px_height = picture.size
        width = min(max_width or self.width, self.width, px_width / CHART_SCALE * 0.2646)
        height = width * px_height / px_width
        if self.pdf.get_y() + height > self.pdf.h - self.pdf.b_margin:
            self.pdf.add_page()
        self.pdf.image(io.BytesIO(png), w=width, h=height)
        self.pdf.ln(2)

    def footer_note(self, text: str) -> None:
        self.pdf.set_text_color(90, 90, 90)
        self.text(text, size=8)
        self.pdf.set_text_color(0, 0, 0)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def pdf_report(
    db: Database,
    partnership: str,
    wave: str | None = None,
    *,
    min_group_size: int | None = None,
    instrument: Instrument | None = None,
    charts_as_images: bool = True,
) -> bytes:
    """The board report for `partnership` and `wave` (default the latest) as PDF bytes."""
    instrument = instrument or load_instrument()
    data = report_data(db, partnership, wave, min_group_size=min_group_size, instrument=instrument)
    doc = _Pdf(f"Partnership health: {data.partnership}, wave {data.wave}")
    doc.title("Partnership health report")
    doc.text(f"{data.partnership} - wave {data.wave}", size=12, style="B")
    uploaded = data.last_upload.strftime("%Y-%m-%d") if data.last_upload else "unknown"
    doc.text(
        f"Respondents in this wave: n = {data.respondents} from {data.partners_counted} "
        f"partner agencies. Wave starts {data.wave_start:%Y-%m-%d}; data last uploaded "
        f"{uploaded}; report made {datetime.now():%Y-%m-%d %H:%M}."
    )
    doc.footer_note(
        "Scores are means of the 1-5 answers (5 = strongly agree) with 95% intervals. Bands: "
        + ", ".join(f"{b.label} from {b.min:.1f}" for b in instrument.bands[:-1])
        + f", {instrument.bands[-1].label} below {instrument.bands[-2].min:.1f}"
        + ". A change is called rose or fell only when its 95% interval excludes zero."
    )

    doc.heading("Needs attention")
    if data.attention.empty:
        doc.text("No factor is in the concern band, and none fell clearly since the last wave.")
    else:
        doc.bullets([f"{r.factor_name}: {r.reason}" for r in data.attention.itertuples()])

    doc.heading(f"Scorecard, wave {data.wave}")
    doc.table(
        ["Factor", "Score", "Band", "95% interval", "Change since last wave", "n"],
        _card_rows(data.card),
        (52, 14, 34, 26, 42, 10),
    )
    if charts_as_images and not data.card.empty:
        doc.image(chart_png(charts.scorecard_chart(data.card, instrument)))

    doc.heading("Trends over all waves")
    waves = data.trend.drop_duplicates("wave")["wave"].tolist()
    doc.text(f"Waves: {', '.join(waves)}. Each panel shows one factor's mean and 95% interval.")
    if charts_as_images and not data.trend.empty:
        doc.image(chart_png(charts.trend_small_multiples(data.trend, instrument)))
    if len(waves) > 1:
        names = data.trend.drop_duplicates("factor")["factor_name"].tolist()
        pivot = data.trend.pivot(index="factor_name", columns="wave", values="mean")
        pivot = pivot.reindex(index=names, columns=waves)
        doc.table(
            ["Factor", *waves],
            [
                [name, *("hidden" if pd.isna(v) else f"{v:.2f}" for v in row)]
                for name, row in pivot.iterrows()
            ],
            (60, *([int(118 / len(waves))] * len(waves))),
        )

    doc.heading("Where partners disagree")
    doc.text(
        f"For each factor, the lowest- and highest-scoring partner agency in wave {data.wave}. "
        f"Partners with fewer than {data.min_group_size} respondents are not shown."
    )
    if data.gaps.empty:
        doc.text("Too few partners with enough respondents to compare.")
    else:
        if charts_as_images:
            doc.image(chart_png(charts.gap_chart(data.gaps, instrument)))
        doc.table(
            ["Factor", "Lowest partner", "Low", "Highest partner", "High", "Gap"],
            [
                [
                    r.factor_name,
                    r.low_partner,
                    f"{r.low:.2f}",
                    r.high_partner,
                    f"{r.high:.2f}",
                    f"{r.gap:.2f}",
                ]
                for r in data.gaps.itertuples()
            ],
            (50, 38, 14, 38, 14, 14),
        )
    return doc.output()


def scores_excel(
    db: Database,
    partnership: str,
    wave: str | None = None,
    *,
    min_group_size: int | None = None,
) -> bytes:
    """The scores as an Excel workbook: the wave's scorecard, all waves, and partner gaps.
    Text cells that a spreadsheet would run as formulas are neutralised."""
    data = report_data(db, partnership, wave, min_group_size=min_group_size)
    sheets = {
        f"Scorecard {data.wave}"[:31]: tables.scorecard(data.card),
        "All waves": tables.scores(data.trend),
    }
    if not data.gaps.empty:
        sheets["Partner gaps"] = tables.gaps(data.gaps)
    return to_excel_sheets(sheets)
