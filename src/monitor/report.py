"""The board report: a PDF for one partnership and wave, and an Excel file of the scores.

The PDF's first page says in plain words what is strong, what needs attention, what
changed clearly, who may be a partner in name only and what the response rate was, with
a short glossary and the data's dates. Then the needs-attention list, the scorecard,
trends over the waves up to the report's wave, the gaps between partners, the "partner
in name only" flags and the cost of running the partnership, with the charts drawn as
images (Vega-Lite rendered by vl-convert). Every page has its number; a heading is
never left alone at the foot of a page; text from files is written as plain text. No
Streamlit here: the dashboard and `python -m monitor report` both call `pdf_report`
and `scores_excel`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from monitor import (
    activity,
    change,
    charts,
    disclosure,
    name_only,
    partners,
    power,
    response_rates,
    scorecard,
    scores,
    tables,
)
from monitor.errors import NotFoundError
from monitor.export import to_excel_sheets
from monitor.instrument import Instrument, load_instrument
from monitor.scorecard import View
from monitor.store import Database, lookups, uploads
from monitor.wording import money, signed

# Characters the PDF's built-in fonts cannot show, and what to write instead.
PLAIN = str.maketrans({"–": "-", "—": "-", "·": "-", "’": "'", "“": '"', "”": '"', "…": "..."})
CHART_SCALE = 2  # pixels per chart unit: sharp when printed


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows, as tables."""

    partnership: str
    wave: str
    wave_start: date
    previous_wave: str | None
    respondents: int
    partners_counted: int
    last_upload: datetime | None
    card: pd.DataFrame
    attention: pd.DataFrame
    trend: pd.DataFrame  # factor scores of the waves up to the report's wave
    gaps: pd.DataFrame
    name_only: pd.DataFrame  # flags of monitor.name_only
    cost: pd.DataFrame  # monitor.activity.cost of the quarters up to the wave
    min_group_size: int
    name_only_gap: float
    name_only_waves: int
    currency: str
    invited: pd.DataFrame | None = None  # monitor.response_rates per agency, when recorded
    min_response_rate: float = response_rates.MIN_RATE


def _plain(text: object) -> str:
    """Text as the PDF's built-in font can show it: always plain text, never markup."""
    return str(text).translate(PLAIN).encode("latin-1", "replace").decode("latin-1")


def _waves(db: Database, partnership: str, wave: str | None) -> tuple[pd.DataFrame, str]:
    waves = lookups.waves(db, partnership)
    if waves.empty:
        known = ", ".join(lookups.partnerships(db)) or "none yet"
        raise NotFoundError(
            f"There is no survey data for the partnership {partnership!r}. Stored: {known}."
        )
    waves = waves.sort_values("wave_start").reset_index(drop=True)
    wave = wave or waves["wave"].iloc[-1]
    if wave not in set(waves["wave"]):
        raise NotFoundError(
            f"{partnership} has no wave {wave!r}. Its waves: {', '.join(waves['wave'])}."
        )
    return waves, wave


def _cost_up_to(db: Database, partnership: str, waves: pd.DataFrame, wave: str) -> pd.DataFrame:
    """The cost per quarter, for the quarters that began before the next wave did."""
    cost = activity.cost(db, partnership, activity.DEFAULT_HOURLY_COST)
    later = waves.loc[waves.index > waves.index[waves["wave"] == wave][0], "wave_start"]
    if cost.empty or later.empty:
        return cost
    starts = pd.PeriodIndex(cost["period"], freq="Q").start_time
    return cost[starts < pd.Timestamp(later.iloc[0])].reset_index(drop=True)


def report_data(
    db: Database,
    partnership: str,
    wave: str | None = None,
    *,
    min_group_size: int | None = None,
    instrument: Instrument | None = None,
    name_only_gap: float = name_only.GAP,
    name_only_waves: int = name_only.WAVES,
    currency: str = "£",
    min_response_rate: float = response_rates.MIN_RATE,
) -> ReportData:
    """Collect the report's tables for `partnership` and `wave` (default: the latest).
    Everything is of that wave, or of the waves up to it: never of later waves."""
    instrument = instrument or load_instrument()
    min_group_size = disclosure.minimum(db, min_group_size)
    waves, wave = _waves(db, partnership, wave)
    view = View(partnership, wave)
    card = scorecard.scorecard(db, view, instrument, min_group_size)
    counts = scorecard.responses_by_partner(db, view)
    matrix = partners.partner_matrix(db, view, min_group_size, instrument)
    history = power.partner_history(db, view, min_group_size, instrument)
    stored = uploads.list_uploads(db)
    mine = stored[stored["partnership"] == partnership]
    position = waves.index[waves["wave"] == wave][0]
    rates = response_rates.response_rates(db, partnership, wave, min_rate=min_response_rate)
    return ReportData(
        partnership=partnership,
        wave=wave,
        wave_start=pd.Timestamp(waves.loc[position, "wave_start"]).date(),
        previous_wave=waves.loc[position - 1, "wave"] if position else None,
        respondents=int(counts["respondents"].sum()) if len(counts) else 0,
        partners_counted=len(counts),
        last_upload=pd.Timestamp(mine["uploaded_at"].max()).to_pydatetime() if len(mine) else None,
        card=card,
        attention=scorecard.needs_attention(card),
        trend=scores.factor_scores(
            db, where=view.score_filter(db), instrument=instrument, min_group_size=min_group_size
        ),
        gaps=partners.partner_gaps(matrix) if len(matrix) else pd.DataFrame(),
        name_only=name_only.flags(history, name_only_gap, name_only_waves),
        cost=_cost_up_to(db, partnership, waves, wave),
        min_group_size=min_group_size,
        name_only_gap=name_only_gap,
        name_only_waves=name_only_waves,
        currency=currency,
        invited=rates if len(rates) else None,
        min_response_rate=min_response_rate,
    )


def chart_png(chart) -> bytes:
    """An Altair chart as a PNG image."""
    import vl_convert

    with charts.ALTAIR_SETTINGS:
        spec = chart.to_dict()
    return vl_convert.vegalite_to_png(spec, scale=CHART_SCALE)


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
            moved = f"{signed(r.change)} ({r.change_verdict})"
        rows.append([r.factor_name, f"{r.mean:.2f}", r.band_label, interval, moved, str(r.n)])
    return rows


# --- the first page's summary, in plain words ---------------------------------------------


def _names_with_scores(rows: pd.DataFrame) -> str:
    return "; ".join(f"{r.factor_name} ({r.mean:.2f})" for r in rows.itertuples())


def summary(data: ReportData, instrument: Instrument) -> list[tuple[str, str]]:
    """The report's first-page summary: (topic, sentence) pairs in plain words."""
    card = data.card.dropna(subset=["mean"]) if len(data.card) else data.card
    strong = card[card["band"] == instrument.bands[0].key] if len(card) else card
    lines = [
        (
            "Strong",
            f"In the {instrument.bands[0].label.lower()} band: {_names_with_scores(strong)}."
            if len(strong)
            else f"No factor is in the {instrument.bands[0].label.lower()} band.",
        ),
        (
            "Needs attention",
            "; ".join(f"{r.factor_name} {r.reason}" for r in data.attention.itertuples()) + "."
            if len(data.attention)
            else "No factor is in the concern band, and none fell clearly since the last wave.",
        ),
        ("Changed clearly", _changes(card, data.previous_wave)),
        ("Partners in name only", _name_only_sentence(data)),
        ("Response rates", _response_rates(data)),
    ]
    return lines


def _changes(card: pd.DataFrame, previous: str | None) -> str:
    if previous is None:
        return "This is the partnership's first wave: there is no change to report yet."
    moved = card[card["change_verdict"].isin([change.ROSE, change.FELL])] if len(card) else card
    if moved.empty:
        return (
            f"No factor changed clearly since {previous}: every difference could be chance "
            "(its 95% interval includes zero)."
        )
    parts = [
        f"{r.factor_name} {r.change_verdict} by {abs(r.change):.2f}" for r in moved.itertuples()
    ]
    return f"Since {previous}: " + "; ".join(parts) + "."


def _name_only_sentence(data: ReportData) -> str:
    if data.name_only.empty:
        return name_only.NONE_FLAGGED
    parts = []
    for partner, rows in data.name_only.groupby("partner", sort=False):
        factors = ", ".join(
            f"{r.factor_name.lower()} ({signed(r.latest_difference)} points, {r.waves} waves)"
            for r in rows.itertuples()
        )
        parts.append(f"{partner} may be a partner in name only: {factors}")
    return "; ".join(parts) + "."


def _response_rates(data: ReportData) -> str:
    rates = data.invited if data.invited is not None else pd.DataFrame()
    return response_rates.summary_sentence(rates, data.min_response_rate)


def glossary(data: ReportData, instrument: Instrument) -> list[tuple[str, str]]:
    """What the report's words and numbers mean."""
    bands = instrument.bands
    band_text = ", ".join(f"{b.label} from {b.min:.1f}" for b in bands[:-1])
    return [
        (
            "Score",
            f"The mean of the answers on the {instrument.scale_min}-{instrument.scale_max} "
            f"scale ({instrument.scale_max} = strongly agree), first per respondent and "
            "factor, then over the respondents.",
        ),
        ("Bands", f"{band_text}, {bands[-1].label} below {bands[-2].min:.1f}."),
        (
            "95% interval",
            "The range the score would probably fall in if other people of the same "
            "agencies had answered; a wide interval means few or divided answers.",
        ),
        (
            "Rose, fell",
            "Used only when the 95% interval of the change excludes zero. Otherwise "
            "'no clear change' (the difference could be chance), or 'too few to tell'.",
        ),
        (
            "Partner in name only",
            f"An agency at least {data.name_only_gap:.2f} points below the other agencies on "
            f"power and information sharing, trust or communication, in "
            f"{data.name_only_waves} or more waves in a row.",
        ),
        (
            "Small groups",
            f"Scores of partners with fewer than {data.min_group_size} respondents are not "
            "shown, so that no one can be identified.",
        ),
    ]


# --- the PDF ------------------------------------------------------------------------------

HEADING_MM = 12  # a heading's height with the space above it
KEEP_MM = 30  # at least this much of what follows a heading stays on its page


def _fpdf_class():
    from fpdf import FPDF

    class Document(FPDF):
        """A4 pages with the report's name, the page number and the data's date in the foot."""

        foot = ""

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("Helvetica", "", 8)
            self.set_text_color(110, 110, 110)
            self.cell(0, 5, _plain(self.foot), align="L")
            self.set_x(self.l_margin)
            self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")
            self.set_text_color(0, 0, 0)

    return Document


class _Pdf:
    """A thin layer over fpdf2 with the report's headings, paragraphs, tables, images.
    A heading never ends a page: it moves to the next page with what follows it.
    `log` lists what was drawn on which page (kind, page), for checking the layout."""

    def __init__(self, title: str, foot: str):
        self.pdf = _fpdf_class()(orientation="P", unit="mm", format="A4")
        self.pdf.foot = foot
        self.pdf.set_auto_page_break(auto=True, margin=18)
        self.pdf.set_title(_plain(title))
        self.pdf.set_creator("Partnership Monitor")
        self.pdf.alias_nb_pages()
        self.pdf.add_page()
        self.width = self.pdf.w - self.pdf.l_margin - self.pdf.r_margin
        self.log: list[tuple[str, int]] = []

    def _room(self) -> float:
        return self.pdf.h - self.pdf.b_margin - self.pdf.get_y()

    def _note(self, kind: str) -> None:
        self.log.append((kind, self.pdf.page_no()))

    def title(self, text: str) -> None:
        self.pdf.set_font("Helvetica", "B", 18)
        self.pdf.multi_cell(0, 9, _plain(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)
        self._note("title")

    def heading(self, text: str, keep: float = KEEP_MM) -> None:
        """A heading, on a new page unless `keep` mm of what follows fit below it."""
        usable = self.pdf.h - self.pdf.t_margin - self.pdf.b_margin - HEADING_MM
        if self._room() < HEADING_MM + min(keep, usable):
            self.pdf.add_page()
        self.pdf.ln(3)
        self.pdf.set_font("Helvetica", "B", 13)
        self.pdf.cell(0, 8, _plain(text), new_x="LMARGIN", new_y="NEXT")
        self._note("heading")

    def text(self, text: str, size: int = 10, style: str = "") -> None:
        self.pdf.set_font("Helvetica", style, size)
        self.pdf.multi_cell(0, 5, _plain(text), new_x="LMARGIN", new_y="NEXT")
        self._note("text")

    def bullets(self, items: list[str]) -> None:
        self.pdf.set_font("Helvetica", "", 10)
        for item in items:
            self.pdf.multi_cell(0, 5, _plain(f"-  {item}"), new_x="LMARGIN", new_y="NEXT")
        self._note("bullets")

    def terms(self, pairs: list[tuple[str, str]], size: int = 10) -> None:
        """Topic in bold, then its sentence: a summary or a glossary."""
        for topic, sentence in pairs:
            self.pdf.set_font("Helvetica", "B", size)
            self.pdf.multi_cell(0, 5, _plain(topic), new_x="LMARGIN", new_y="NEXT")
            self.pdf.set_font("Helvetica", "", size)
            self.pdf.multi_cell(0, 5, _plain(sentence), new_x="LMARGIN", new_y="NEXT")
            self.pdf.ln(1)
        self._note("terms")

    def table(self, header: list[str], rows: list[list[str]], widths: tuple[int, ...]) -> None:
        self.pdf.set_font("Helvetica", "", 9)
        self._note("table")
        with self.pdf.table(
            col_widths=widths,
            text_align="LEFT",
            line_height=5,
            first_row_as_headings=True,
            repeat_headings=1,
            width=self.width,
        ) as table:
            for values in [header, *rows]:
                row = table.row()
                for value in values:
                    row.cell(_plain(value))
        self.pdf.ln(2)

    def image_size(self, png: bytes, max_width: float | None = None) -> tuple[float, float]:
        from PIL import Image

        with Image.open(io.BytesIO(png)) as picture:
            px_width, px_height = picture.size
        width = min(max_width or self.width, self.width, px_width / CHART_SCALE * 0.2646)
        height = width * px_height / px_width
        usable = self.pdf.h - self.pdf.t_margin - self.pdf.b_margin - HEADING_MM - 15
        if height > usable:  # a chart taller than a page is drawn smaller
            width, height = width * usable / height, usable
        return width, height

    def image(self, png: bytes, max_width: float | None = None) -> None:
        width, height = self.image_size(png, max_width)
        if self._room() < height:
            self.pdf.add_page()
        self._note("image")
        self.pdf.image(io.BytesIO(png), w=width, h=height)
        self.pdf.ln(2)

    def footer_note(self, text: str) -> None:
        self.pdf.set_text_color(90, 90, 90)
        self.text(text, size=8)
        self.pdf.set_text_color(0, 0, 0)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def _table_mm(rows: int, above: float = 0) -> float:
    """About how tall a table of `rows` rows (and `above` mm of text before it) is."""
    return above + 18 + 6 * rows


def _section_with_chart(doc: _Pdf, heading: str, png: bytes | None, intro: str = "") -> None:
    """A heading kept on one page with its introduction and its chart."""
    keep = (doc.image_size(png)[1] if png else KEEP_MM) + (12 if intro else 0)
    doc.heading(heading, keep=keep)
    if intro:
        doc.text(intro)
    if png:
        doc.image(png)


def _first_page(doc: _Pdf, data: ReportData, instrument: Instrument) -> None:
    doc.title("Partnership health report")
    doc.text(f"{data.partnership} - wave {data.wave}", size=12, style="B")
    uploaded = data.last_upload.strftime("%Y-%m-%d") if data.last_upload else "unknown"
    doc.text(
        f"Respondents in this wave: n = {data.respondents} from {data.partners_counted} "
        f"partner agencies. Data: the wave starts {data.wave_start:%Y-%m-%d}; its answers "
        f"were last uploaded {uploaded}; report made {datetime.now():%Y-%m-%d %H:%M}."
    )
    doc.heading("Summary")
    doc.terms(summary(data, instrument))
    doc.heading("Reading this report", keep=60)
    doc.terms(glossary(data, instrument), size=9)


def _trends(doc: _Pdf, data: ReportData, instrument: Instrument, images: bool) -> None:
    waves = data.trend.sort_values("wave_start")["wave"].drop_duplicates().tolist()
    png = None
    if images and not data.trend.empty:
        png = chart_png(charts.trend_small_multiples(data.trend, instrument))
    _section_with_chart(
        doc,
        f"Trends up to wave {data.wave}",
        png,
        f"Waves: {', '.join(waves)}. Each panel shows one factor's mean and 95% interval.",
    )
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


def _gaps(doc: _Pdf, data: ReportData, instrument: Instrument, images: bool) -> None:
    intro = (
        f"For each factor, the lowest- and highest-scoring partner agency in wave {data.wave}. "
        f"Partners with fewer than {data.min_group_size} respondents are not shown."
    )
    if data.gaps.empty:
        _section_with_chart(doc, "Where partners disagree", None, intro)
        doc.text("Too few partners with enough respondents to compare.")
        return
    png = chart_png(charts.gap_chart(data.gaps, instrument)) if images else None
    _section_with_chart(doc, "Where partners disagree", png, intro)
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
        ],  # fmt: skip
        (50, 38, 14, 38, 14, 14),
    )


def _name_only(doc: _Pdf, data: ReportData) -> None:
    doc.heading("Partnership in name only?", keep=_table_mm(len(data.name_only), 25))
    doc.text(name_only.explanation(data.name_only_gap, data.name_only_waves))
    if data.name_only.empty:
        doc.text(name_only.NONE_FLAGGED)
        return
    shown = tables.name_only(data.name_only)
    widths = {"Partner": 32, "Factor": 44}
    rest = [c for c in shown.columns if c not in widths]
    doc.table(
        list(shown.columns),
        [[str(v) for v in row] for row in shown.itertuples(index=False)],
        tuple(widths.get(c, int(102 / max(len(rest), 1))) for c in shown.columns),
    )


def _rates(doc: _Pdf, data: ReportData) -> None:
    """The response rate of each agency, when the people invited were recorded."""
    if data.invited is None or data.invited.empty:
        return
    doc.heading("Response rates", keep=_table_mm(len(data.invited), 12))
    doc.text(
        f"The share of the people invited who answered in wave {data.wave}, per agency. "
        f"Agencies below {data.min_response_rate:g}% are marked low: their scores may not "
        "speak for the agency."
    )
    shown = tables.response_rates(data.invited)
    doc.table(
        list(shown.columns),
        [[str(v) for v in row] for row in shown.itertuples(index=False)],
        (56, 26, 22, 22, 52),
    )


def _cost(doc: _Pdf, data: ReportData) -> None:
    if data.cost.empty:
        return
    doc.heading("Cost of running the partnership", keep=_table_mm(len(data.cost), 12))
    doc.text(
        f"Staff hours priced at {money(activity.DEFAULT_HOURLY_COST, data.currency)} an hour, "
        "plus the resources agencies contributed, per quarter (from the activity records)."
    )
    shown = tables.cost(data.cost, data.currency)
    doc.table(
        list(shown.columns),
        [[str(v) for v in row] for row in shown.itertuples(index=False)],
        (26, 22, 26, 34, 34, 36),
    )


def pdf_report(
    db: Database,
    partnership: str,
    wave: str | None = None,
    *,
    min_group_size: int | None = None,
    instrument: Instrument | None = None,
    charts_as_images: bool = True,
    name_only_gap: float = name_only.GAP,
    name_only_waves: int = name_only.WAVES,
    currency: str = "£",
    min_response_rate: float = response_rates.MIN_RATE,
) -> bytes:
    """The board report for `partnership` and `wave` (default the latest) as PDF bytes."""
    instrument = instrument or load_instrument()
    data = report_data(
        db, partnership, wave, min_group_size=min_group_size, instrument=instrument,
        name_only_gap=name_only_gap, name_only_waves=name_only_waves, currency=currency,
        min_response_rate=min_response_rate,
    )  # fmt: skip
    return document(data, instrument, charts_as_images).output()


def document(data: ReportData, instrument: Instrument, images: bool = True) -> _Pdf:
    """The report's PDF document (not yet written out)."""
    uploaded = data.last_upload.strftime("%Y-%m-%d") if data.last_upload else "unknown"
    doc = _Pdf(
        f"Partnership health: {data.partnership}, wave {data.wave}",
        f"{data.partnership} - wave {data.wave} - data last uploaded {uploaded}",
    )
    _first_page(doc, data, instrument)
    doc.pdf.add_page()  # the details start on page 2
    doc.heading("Needs attention")
    if data.attention.empty:
        doc.text("No factor is in the concern band, and none fell clearly since the last wave.")
    else:
        doc.bullets([f"{r.factor_name}: {r.reason}" for r in data.attention.itertuples()])
    png = None
    if images and not data.card.empty:
        png = chart_png(charts.scorecard_chart(data.card, instrument))
    doc.heading(f"Scorecard, wave {data.wave}", keep=70)
    doc.table(
        ["Factor", "Score", "Band", "95% interval", "Change since last wave", "n"],
        _card_rows(data.card),
        (52, 14, 34, 26, 42, 10),
    )
    if png:
        doc.image(png)
    _rates(doc, data)
    _trends(doc, data, instrument, images)
    _gaps(doc, data, instrument, images)
    _name_only(doc, data)
    _cost(doc, data)
    return doc


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
