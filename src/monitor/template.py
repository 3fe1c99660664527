"""The ready-to-fill survey workbook (xlsx) evaluators download, fill and upload.

Everything about items, labels and missing answers comes from the instrument.
The output is deterministic: the same instrument always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from monitor.instrument import Instrument, load_instrument, normalise_answer
from monitor.sheets import INVITED_COLUMNS, INVITED_SHEET
from monitor.store import Database, lookups
from monitor.waves import next_wave

ID_COLUMNS: tuple[str, ...] = ("respondent_id", "partner", "role", "wave")
"""Columns before the item columns, in template order."""

ANSWER_ROWS = 1000
"""How many rows (below the header) carry the answer drop-down."""

WAVE_HINT = "e.g. 2025-Q1, 2025-03 or 2025-03-31"

# Missing-answer labels offered in the drop-down, when the instrument has them.
_PREFERRED_MISSING = ("Don't know", "N/A")

_FIXED_TIME = dt.datetime(2025, 1, 1, 0, 0, 0)
_ZIP_TIME = (2025, 1, 1, 0, 0, 0)
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_ITEM_FILL = PatternFill("solid", fgColor="2E75B6")
_AUTHOR = "Partnership Monitor"


@dataclass(frozen=True)
class Preset:
    """What a template made for one partnership fills in: its name (a partnership column),
    its agencies (the partner drop-down) and the wave to collect next."""

    partnership: str
    partners: list[str] = field(default_factory=list)
    wave: str | None = None

    @property
    def id_columns(self) -> tuple[str, ...]:
        return ("partnership", *ID_COLUMNS)


def template_preset(db: Database, partnership: str) -> Preset:
    """The preset of a partnership from the store: its agencies and the wave after its
    latest one (none when the partnership is new or its wave labels have no rhythm)."""
    waves = lookups.waves(db, partnership)
    latest = str(waves["wave"].iloc[-1]) if not waves.empty else None
    wave = next_wave(latest) if latest else None
    return Preset(partnership, lookups.partners(db, partnership), wave)


def write_value(ws: Worksheet, row: int, column: int, value: object) -> None:
    """Put `value` in a cell as data: text stays text even when it starts like a formula
    ("=HYPERLINK(...)"), so a name or answer from a file never runs in a spreadsheet."""
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"


def _id_columns(preset: Preset | None) -> tuple[str, ...]:
    return preset.id_columns if preset else ID_COLUMNS


def response_columns(
    instrument: Instrument | None = None, preset: Preset | None = None
) -> list[str]:
    """Header of the Responses sheet: the id columns, then every item id."""
    instrument = instrument or load_instrument()
    return [*_id_columns(preset), *instrument.item_ids]


def answer_choices(instrument: Instrument | None = None) -> list[str]:
    """Drop-down entries: the scale labels (low to high), then the missing labels."""
    instrument = instrument or load_instrument()
    labels = [instrument.labels[v] for v in sorted(instrument.labels)]
    return labels + missing_choices(instrument)


def missing_choices(instrument: Instrument) -> list[str]:
    """The missing-answer labels offered in the drop-down (e.g. Don't know, N/A)."""
    known = {normalise_answer(label): label for label in instrument.missing}
    chosen = [known[key] for key in map(normalise_answer, _PREFERRED_MISSING) if key in known]
    return chosen or list(instrument.missing[:2])


def build_template(instrument: Instrument | None = None, preset: Preset | None = None) -> Workbook:
    """The template as an openpyxl Workbook (Responses, Items, Instructions, hidden Lists).

    With a `preset`, the Responses sheet starts with a partnership column filled on every
    answer row, the wave column is filled with the next wave and the partner column offers
    the partnership's agencies; an Invited sheet lists the agencies, with the wave, for the
    number of people each invited to answer."""
    instrument = instrument or load_instrument()
    wb = Workbook()
    responses = wb.active
    responses.title = "Responses"
    _write_responses(responses, instrument, preset)
    _write_items(wb.create_sheet("Items"), instrument)
    if preset and preset.partners:
        _write_invited(wb.create_sheet(INVITED_SHEET), preset)
    _write_instructions(wb.create_sheet("Instructions"), instrument, preset)
    _write_lists(wb.create_sheet("Lists"), instrument, preset)
    wb.active = 0
    return wb


def workbook_bytes(wb: Workbook) -> bytes:
    """Serialise a workbook reproducibly: fixed document dates and zip entry times."""
    wb.properties.creator = _AUTHOR
    wb.properties.created = _FIXED_TIME
    wb.properties.modified = _FIXED_TIME
    raw = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()
    return _restamp_zip(raw.getvalue())


def _restamp_zip(data: bytes) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def template_bytes(instrument: Instrument | None = None, preset: Preset | None = None) -> bytes:
    """The template workbook as xlsx bytes (for a download button)."""
    return workbook_bytes(build_template(instrument, preset))


def write_template(
    dest: str | Path | BinaryIO, instrument: Instrument | None = None, preset: Preset | None = None
) -> None:
    """Write the template to a file path or a binary file object."""
    data = template_bytes(instrument, preset)
    if isinstance(dest, str | Path):
        Path(dest).write_bytes(data)
    else:
        dest.write(data)


def _style_header(ws: Worksheet, fill: PatternFill = _HEADER_FILL) -> None:
    for cell in ws[1]:
        cell.font = _HEADER_FONT
        cell.fill = fill
        cell.alignment = Alignment(vertical="center")


def _write_responses(ws: Worksheet, instrument: Instrument, preset: Preset | None) -> None:
    ws.append(response_columns(instrument, preset))
    _style_header(ws)
    n_id = len(_id_columns(preset))
    for item, cell in zip(instrument.items, ws[1][n_id:], strict=True):
        cell.fill = _ITEM_FILL
        text = item.statement + ("\n(reverse-worded)" if item.reverse else "")
        cell.comment = Comment(text, _AUTHOR, width=300, height=110)
    widths = {"partnership": 34, "respondent_id": 16, "partner": 26, "role": 18, "wave": 13}
    for pos, name in enumerate(ws[1], start=1):
        ws.column_dimensions[get_column_letter(pos)].width = widths.get(name.value, 14)
    ws.freeze_panes = f"{get_column_letter(n_id + 1)}2"
    if preset:
        _prefill(ws, preset)
    _add_validations(ws, instrument, preset)


def _prefill(ws: Worksheet, preset: Preset) -> None:
    """The partnership (and the next wave, when known) on every answer row."""
    columns = preset.id_columns
    values = {"partnership": preset.partnership, "wave": preset.wave}
    for name, value in values.items():
        if value:
            pos = columns.index(name) + 1
            for row in range(2, ANSWER_ROWS + 2):
                write_value(ws, row, pos, value)


def _add_validations(ws: Worksheet, instrument: Instrument, preset: Preset | None) -> None:
    last_row = ANSWER_ROWS + 1
    id_columns = _id_columns(preset)
    n_id = len(id_columns)
    first = get_column_letter(n_id + 1)
    last = get_column_letter(n_id + len(instrument.items))
    n_choices = len(answer_choices(instrument))
    answers = DataValidation(
        type="list",
        formula1=f"Lists!$A$1:$A${n_choices}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Not an answer option",
        error=_answer_error(instrument),
        showInputMessage=False,
    )
    answers.add(f"{first}2:{last}{last_row}")
    ws.add_data_validation(answers)
    hints = {
        "respondent_id": ("Respondent code", "A stable code such as POL-01. No names."),
        "partner": ("Partner agency", "The agency this respondent represents."),
        "wave": ("Survey wave", WAVE_HINT),
    }
    if preset and preset.partners:
        _add_partner_list(ws, id_columns, len(preset.partners))
        hints.pop("partner")
    for pos, name in enumerate(id_columns, start=1):
        if name in hints:
            title, prompt = hints[name]
            hint = DataValidation(
                allow_blank=True, showInputMessage=True, promptTitle=title, prompt=prompt
            )
            col = get_column_letter(pos)
            hint.add(f"{col}2:{col}{last_row}")
            ws.add_data_validation(hint)


def _add_partner_list(ws: Worksheet, id_columns: tuple[str, ...], n_partners: int) -> None:
    """The partnership's agencies as a drop-down; a new agency is allowed after a warning."""
    col = get_column_letter(id_columns.index("partner") + 1)
    partners = DataValidation(
        type="list",
        formula1=f"Lists!$B$1:$B${n_partners}",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle="Not one of this partnership's agencies",
        error="Pick the agency from the drop-down. Continue only for an agency that is new "
        "to the partnership.",
        showInputMessage=True,
        promptTitle="Partner agency",
        prompt="Pick the agency this respondent represents.",
    )
    partners.add(f"{col}2:{col}{ANSWER_ROWS + 1}")
    ws.add_data_validation(partners)


def _write_invited(ws: Worksheet, preset: Preset) -> None:
    """One row per agency with the wave filled in and the count left to type."""
    ws.append(list(INVITED_COLUMNS))
    _style_header(ws)
    for partner in preset.partners:
        ws.append([partner, preset.wave, None])
        ws.cell(row=ws.max_row, column=1).data_type = "s"  # a name, never a formula
    for col, width in zip("ABC", (30, 13, 12), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    last = len(preset.partners) + 1
    counts = DataValidation(
        type="whole",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Not a count of people",
        error="Enter how many people of the agency were invited (0, 1, 2 ...), or leave it blank.",
        showInputMessage=True,
        promptTitle="People invited",
        prompt="How many people of this agency were asked to answer (including those who "
        "did not). Blank: not known.",
    )
    counts.add(f"C2:C{last}")
    ws.add_data_validation(counts)


def _answer_error(instrument: Instrument) -> str:
    labels = [instrument.labels[v] for v in sorted(instrument.labels)]
    options = ", ".join([f"{labels[0]} ... {labels[-1]}", *missing_choices(instrument)])
    return f"Pick an answer from the drop-down ({options}), or leave the cell blank."


def _write_items(ws: Worksheet, instrument: Instrument) -> None:
    ws.append(["item_id", "factor", "factor name", "statement", "reverse-worded"])
    _style_header(ws)
    names = instrument.factor_names()
    for item in instrument.items:
        reverse = "yes" if item.reverse else "no"
        ws.append([item.id, item.factor, names[item.factor], item.statement, reverse])
    for col, width in zip("ABCDE", (16, 14, 36, 90, 15), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"


def _preset_lines(preset: Preset | None) -> list[str]:
    if preset is None:
        return []
    lines = [
        f"This workbook is for the partnership {preset.partnership}: the partnership column "
        "is filled in on every row. Rows with nothing else filled in are skipped on upload."
    ]
    if preset.wave:
        lines.append(
            f"The wave column is filled in with the next wave, {preset.wave}. Change it if "
            "this round is a different one."
        )
    if preset.partners:
        lines.append(
            "Invited sheet: for each agency, how many people were asked to answer (including "
            "those who did not), so the dashboard can show the response rate. Leave a count "
            "blank when it is not known. Keep the wave the same as on the Responses sheet."
        )
    return lines


def _instruction_lines(instrument: Instrument, preset: Preset | None = None) -> list[str]:
    labels = [instrument.labels[v] for v in sorted(instrument.labels)]
    lo, hi = instrument.scale_min, instrument.scale_max
    missing = ", ".join(missing_choices(instrument))
    return [
        f"{instrument.name}: how to fill in this workbook",
        "",
        *_preset_lines(preset),
        "Responses sheet: one row per respondent per wave. Keep the header row as it is.",
        "respondent_id: a stable pseudonymous code (e.g. POL-01), never a name. Use the same "
        "code for the same person in every wave so they can be followed over time.",
        "partner: the agency the respondent represents (e.g. Police, Council, Health).",
        "role: the respondent's role, in free text (e.g. Senior manager, Practitioner).",
        "wave: the survey round, as YYYY-Qn (2025-Q1), YYYY-MM (2025-03), an ISO date "
        "(2025-03-31) or a short label. Use the same wave value on every row of one round.",
        f"Answers: the labels {labels[0]} ... {labels[-1]}, or the numbers {lo}-{hi} "
        f"({lo} = {labels[0]}, {hi} = {labels[-1]}). The drop-down offers the labels; "
        "exports from survey tools may use either.",
        f"{missing} and blank cells are treated as missing: never scored, never the midpoint.",
        "Reverse-worded items (see the Items sheet) are flipped automatically when scoring; "
        "enter the answer exactly as the respondent gave it.",
        "Items sheet: the statement behind each item column (also shown as a comment on the "
        "column header).",
        "Upload: use the Upload page of the dashboard, or run `python -m monitor import FILE`. "
        "If the file is rejected, fix the rows listed and upload it again.",
    ]


def _write_instructions(ws: Worksheet, instrument: Instrument, preset: Preset | None) -> None:
    for line in _instruction_lines(instrument, preset):
        ws.append([line])
    ws["A1"].font = Font(bold=True, size=13)
    ws.column_dimensions["A"].width = 110
    for row in ws.iter_rows(min_row=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")


def _write_lists(ws: Worksheet, instrument: Instrument, preset: Preset | None) -> None:
    for row, choice in enumerate(answer_choices(instrument), start=1):
        ws.cell(row=row, column=1, value=choice)
    for row, partner in enumerate(preset.partners if preset else [], start=1):
        write_value(ws, row, 2, partner)
    ws.sheet_state = "hidden"


# --- activity records and outcome counts ---------------------------------------------------

ACTIVITY_COLUMNS: tuple[str, ...] = (
    "date",
    "activity",
    "partner",
    "representative",
    "attended",
    "role",
    "minutes_recorded",
    "staff_hours",
    "resources",
    "info_shared",
)
OUTCOME_COLUMNS: tuple[str, ...] = ("month", "area", "category", "count")

_RECORD_SHEETS = {"activity": "Activity", "outcomes": "Outcomes"}
_RECORD_WIDTHS = {"date": 13, "activity": 22, "partner": 24, "representative": 22, "role": 18}
_RECORD_HELP: dict[str, list[str]] = {
    "activity": [
        "Activity records: how to fill in this workbook",
        "",
        "One row per partner agency at each meeting or activity, including the agencies that "
        "did not come (attended = no), so attendance can be counted.",
        "date: the day of the meeting, as 2025-03-12.",
        "activity: what it was (e.g. Board meeting, Problem-solving group, Joint patrol).",
        "partner: the agency, spelled as in the survey files (e.g. Police, Council).",
        "representative: who came, by name or a stable pseudonym. Use the same spelling each "
        "time: a different name counts as a change of representative.",
        "attended: yes or no.",
        "role: the representative's role or seniority (e.g. Senior manager).",
        "minutes_recorded: yes or no (were minutes or notes of the meeting kept?).",
        "staff_hours: hours of staff time the agency gave to this activity (preparation, "
        "attendance, follow-up).",
        "resources: money or in-kind resources the agency contributed, in your currency.",
        "info_shared: how many information-sharing actions the agency took (data shared, "
        "briefings given).",
        "An optional partnership column names the partnership; otherwise choose it on upload.",
        "Upload: the dashboard's Upload records page, or "
        "`python -m monitor import --kind activity FILE`.",
    ],
    "outcomes": [
        "Outcome counts: how to fill in this workbook",
        "",
        "One row per month, area and category with the number of incidents (count).",
        "month: as 2025-03. area: the neighbourhood or LSOA (optional). category: the crime "
        "or disorder type (e.g. Anti-social behaviour, Burglary).",
        "Police open data (one row per incident, with Month and Crime type columns) can be "
        "uploaded as it is: each row counts as one incident.",
        "A wide table also works: a category column, an optional area column, then one "
        "column per month named like 2025-03; blank cells count as 0.",
        "Upload: the dashboard's Upload records page, or "
        "`python -m monitor import --kind outcomes FILE`.",
    ],
}


def build_records_template(kind: str) -> Workbook:
    """The activity or outcomes template: a data sheet (with yes/no lists) and instructions."""
    columns = ACTIVITY_COLUMNS if kind == "activity" else OUTCOME_COLUMNS
    wb = Workbook()
    ws = wb.active
    ws.title = _RECORD_SHEETS[kind]
    ws.append(list(columns))
    _style_header(ws)
    for pos, name in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(pos)].width = _RECORD_WIDTHS.get(name, 15)
    ws.freeze_panes = "A2"
    if kind == "activity":
        yes_no = DataValidation(type="list", formula1='"yes,no"', allow_blank=True)
        yes_no.error = "Choose yes or no"
        ws.add_data_validation(yes_no)
        for name in ("attended", "minutes_recorded"):
            letter = get_column_letter(columns.index(name) + 1)
            yes_no.add(f"{letter}2:{letter}{ANSWER_ROWS + 1}")
    help_sheet = wb.create_sheet("Instructions")
    for line in _RECORD_HELP[kind]:
        help_sheet.append([line])
    help_sheet["A1"].font = Font(bold=True, size=13)
    help_sheet.column_dimensions["A"].width = 110
    wb.active = 0
    return wb


def records_template_bytes(kind: str) -> bytes:
    """The activity (`kind='activity'`) or outcomes template as xlsx bytes."""
    return workbook_bytes(build_records_template(kind))
