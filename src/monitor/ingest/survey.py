"""Import a wide survey file: one row per respondent and wave, one column per item.

`prepare_survey` reads and validates a file without storing anything;
`commit_survey` stores a prepared file in one transaction. `import_survey` does both.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, BinaryIO

import numpy as np
import pyarrow as pa

from monitor import arrow_kernels as kernels
from monitor.errors import (
    PartnershipNeededError,
    Problem,
    UnconfirmedMappingError,
    ValidationError,
)
from monitor.ingest.cells import quarters
from monitor.ingest.columns import (
    DEFAULT_PARTNERSHIP,
    FIELD_ALIASES,
    REQUIRED_FIELDS,
    header_problems,
    normalise_header,
)
from monitor.ingest.files import read_new_file
from monitor.ingest.mapping import (
    COMMENT,
    DATE,
    ColumnMapping,
    Proposal,
    load_mapping,
    propose_mapping,
    save_mapping,
)
from monitor.ingest.platforms import Layout, blank_missing_codes, detect_layout
from monitor.ingest.readers import Sheet, read_named_sheet, read_sheet
from monitor.ingest.safety import Limits
from monitor.instrument import Instrument, load_instrument
from monitor.settings import load_settings
from monitor.sheets import INVITED_SHEET
from monitor.store import Database, invited, lookups, responses, uploads
from monitor.store.staging import (
    ROW_COLUMN,
    StagedAnswers,
    StageResult,
    SurveySpec,
    WaveRows,
    stage_survey,
)
from monitor.waves import parse_start, parse_wave

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class PreparedImport:
    """A validated file, ready to store (or the reasons it cannot be)."""

    file_name: str
    sha256: str
    rows: int
    partnerships: list[str]
    waves: list[str]
    staged: StagedAnswers  # the answers, made in batches when stored
    ignored_columns: list[str] = field(default_factory=list)
    missing_items: list[str] = field(default_factory=list)
    layout: str = "Partnership Monitor template (or a plain table)"
    proposal: Proposal | None = None  # the column mapping, when one was needed
    comments: pa.Table | None = None  # free-text answers, linked to their respondent
    adds_to: list[str] = field(default_factory=list)  # its waves already stored (late replies)
    invited: dict[str, dict[str, int]] = field(default_factory=dict)  # wave -> agency -> count

    @property
    def mapping(self) -> ColumnMapping | None:
        return self.proposal.mapping if self.proposal else None

    @property
    def warnings(self) -> list[str]:
        notes = []
        if self.proposal:
            notes.append(f"Detected layout: {self.layout}.")
        if self.proposal and self.proposal.mapping.scale_note:
            notes.append(self.proposal.mapping.scale_note)
        if self.comments is not None and self.comments.num_rows:
            notes.append(f"{self.comments.num_rows} free-text comments kept.")
        if self.ignored_columns:
            notes.append("Columns ignored: " + ", ".join(self.ignored_columns) + ".")
        if self.missing_items:
            notes.append(
                "Items not in the file (counted as unanswered): " + ", ".join(self.missing_items)
            )
        for wave, counts in self.invited.items():
            agencies = "1 agency" if len(counts) == 1 else f"{len(counts)} agencies"
            notes.append(f"People invited in {wave} (Invited sheet): counts of {agencies} kept.")
        return notes

    @property
    def answers(self) -> pa.Table:
        """Every answer as one table, in file order (for small files and tests)."""
        return self.staged.table()

    @property
    def n_answers(self) -> int:
        return self.staged.num_rows

    def preview(self, limit: int = 20) -> pd.DataFrame:  # for the page: pandas is loaded
        return self.staged.head(limit).to_pandas()


@dataclass(frozen=True)
class ImportResult:
    upload_id: int
    file_name: str
    rows: int
    answers: int
    partnerships: list[str]
    waves: list[str]
    warnings: list[str]
    adds_to: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"Imported {self.file_name} as upload #{self.upload_id}: {self.rows} respondent rows, "
            f"{self.answers} answers, wave(s) {', '.join(self.waves)} of "
            f"{', '.join(self.partnerships)}.{adds_note(self.adds_to)}"
        )


def adds_note(adds_to: list[str]) -> str:
    """' It adds to wave 2025-Q1, already stored.' when a file's respondents join stored
    waves (late responses); '' otherwise."""
    if not adds_to:
        return ""
    noun = "wave" if len(adds_to) == 1 else "waves"
    return f" It adds new respondents to {noun} {', '.join(adds_to)}, already stored."


def _has_data(cells: pa.Table, pos: int) -> bool:
    column = cells.column(pos)
    return kernels.any_true(kernels.filled(column))


def _locate_columns(sheet: Sheet, instrument: Instrument) -> tuple[dict, dict, list]:
    """Map header positions to fields and items; the rest is ignored."""
    fields: dict[str, int] = {}
    items: dict[str, int] = {}
    ignored: list[str] = []
    item_ids = set(instrument.item_ids)
    for pos, name in enumerate(sheet.header):
        key = normalise_header(name)
        field_name = next((f for f, names in FIELD_ALIASES.items() if key in names), None)
        if field_name and field_name not in fields:
            fields[field_name] = pos
        elif key in item_ids and key not in items:
            items[key] = pos
        elif name:
            ignored.append(name)
        elif _has_data(sheet.cells, pos):
            ignored.append(f"(column {pos + 1}, which has no name)")
    return fields, items, ignored


def _missing_column_problems(fields: dict, items: dict, wave: str | None) -> list[Problem]:
    needed = list(REQUIRED_FIELDS) + ([] if wave else ["wave"])
    problems = [
        Problem(
            message=f"required column '{name}' is missing",
            fix=f"Add a column named '{name}' (see the template), or rename the column that "
            "holds it" + ("; or give the wave when importing" if name == "wave" else ""),
            row=1,
        )
        for name in needed
        if name not in fields
    ]
    if not items:
        problems.append(
            Problem(
                message="no survey item columns found",
                fix="Name the answer columns by item id (mission_1, trust_1, ...) as in the "
                "template",
                row=1,
            )
        )
    return problems


# Fields a template made for one partnership fills in on every row in advance.
PREFILLED_FIELDS = ("partnership", "wave", "wave_start")


_NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_NUMBER_WORDS = {word: str(n) for n, word in enumerate(_NUMBERS)}
_CLOSE_HEADER = 0.8  # how alike (difflib ratio) an unknown header must be to an item id


def _header_key(name: str) -> str:
    """A header compared for likeness: normalised, number words as digits ('trust two'
    -> 'trust_2')."""
    key = normalise_header(name)
    return re.sub(r"[a-z]+", lambda m: _NUMBER_WORDS.get(m.group(), m.group()), key)


def _unknown_header_problems(ignored: list[str], fields: dict, items: dict, item_ids) -> list:
    """A problem for each ignored column whose name looks like an item id or a field the
    file lacks (a mistyped header is never skipped silently)."""
    wanted = [i for i in item_ids if i not in items] + [f for f in FIELD_ALIASES if f not in fields]
    known = set(item_ids).union(*FIELD_ALIASES.values())
    problems = []
    for header in ignored:
        if normalise_header(header) in known:
            continue  # a repeated column: reported as such
        match = difflib.get_close_matches(_header_key(header), wanted, n=1, cutoff=_CLOSE_HEADER)
        if match:
            problems.append(
                Problem(
                    message=f"column name not recognised: it looks like '{match[0]}'",
                    fix=f"Rename the column to '{match[0]}' (or delete it if it holds "
                    "something else)",
                    row=1,
                    column=header,
                )
            )
    return problems


def _can_stage(fields: dict, items: dict, wave: str | None) -> bool:
    """Whether the answers can be checked: the respondent, partner and wave are known."""
    return (
        bool(items) and all(f in fields for f in REQUIRED_FIELDS) and bool(wave or "wave" in fields)
    )


def _row_numbers(start: int, n: int) -> pa.Array:
    """The numbers start, start + 1, ... (`n` of them), from a numpy buffer (`pa.array`
    looks for pandas, whose loading is a third of a second of an import's start)."""
    numbers = np.arange(start, start + n, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), n, [None, pa.py_buffer(numbers)])


def _raw_table(sheet: Sheet, positions: dict[str, int], prefilled: list[str]) -> pa.Table:
    """The cells of the used columns with their row numbers, without the rows where only
    the pre-filled columns (`prefilled` headers) hold anything."""
    columns = {name: sheet.cells.column(pos) for name, pos in positions.items()}
    start = sheet.first_data_row
    columns[ROW_COLUMN] = _row_numbers(start, sheet.cells.num_rows)
    table = pa.table(columns)
    own = [name for name in positions if name not in prefilled]
    if not prefilled or not own or table.num_rows == 0:
        return table
    keep = None
    for name in own:  # until every row is known to hold something (often the first column)
        held = kernels.filled(table[name])
        keep = held if keep is None else kernels.either(keep, held)
        if kernels.all_true(keep):
            return table
    return kernels.filter_rows(table, keep)


def _file_wave_starts(sheet: Sheet, fields: dict[str, int]) -> dict[str, object]:
    """Start dates given in the file's `wave_start` column, by wave label."""
    if "wave" not in fields or "wave_start" not in fields:
        return {}
    pairs = zip(
        sheet.cells.column(fields["wave"]).to_pylist(),
        sheet.cells.column(fields["wave_start"]).to_pylist(),
        strict=True,
    )
    starts: dict[str, object] = {}
    for wave, start in pairs:
        label = parse_wave(wave or "").label
        if label and label not in starts and parse_start(start or ""):
            starts[label] = parse_start(start)
    return starts


def _wave_mapper(db: Database, partnerships: list[str], given: dict[str, object]):
    """Places each wave in time: its own date, else the file's wave_start, else the store's."""

    def wave_map(raw_waves: list[str]) -> WaveRows:
        known = {w: start for (_, w), start in lookups.wave_starts(db, partnerships).items()}
        known.update(given)
        rows = []
        for raw in raw_waves:
            wave = parse_wave(raw)
            rows.append((raw, wave.label, wave.start or known.get(wave.label)))
        return rows

    return wave_map


def _stage(db, sheet, instrument, fields, items, wave, partnership, extra_codes=None):
    names = {f: sheet.header[p] for f, p in fields.items()}
    spec = SurveySpec(
        respondent=names["respondent_id"],
        partner=names["partner"],
        role=names.get("role"),
        wave=names.get("wave"),
        partnership=names.get("partnership"),
        items={sheet.header[p]: item for item, p in items.items()},
        default_wave=wave,
        default_partnership=partnership or DEFAULT_PARTNERSHIP,
    )
    positions = {sheet.header[p]: p for p in [*fields.values(), *items.values()]}
    prefilled = [names[f] for f in PREFILLED_FIELDS if f in names]
    return stage_survey(
        _raw_table(sheet, positions, prefilled),
        spec,
        codes={**instrument.answer_codes(), **(extra_codes or {})},
        scale=(instrument.scale_min, instrument.scale_max),
        wave_map=_wave_mapper(db, [spec.default_partnership], _file_wave_starts(sheet, fields)),
        existing=lambda p, w: responses.existing_respondents(db, p, w),
    )


def _confirm_problems(proposal: Proposal) -> list[Problem]:
    """A problem per column of the proposed mapping that the evaluator must check."""
    return [
        Problem(
            message=f"to check in the column mapping: {reason}",
            fix="Check the proposed column mapping, correct it where needed and confirm it",
            row=1,
            column=column,
        )
        for column, reason in proposal.checks.items()
    ]


def _with_proposal(error: ValidationError, layout: Layout, proposal: Proposal | None):
    """Attach the detected layout and mapping, so the evaluator can correct the mapping."""
    error.layout = layout.name
    error.proposal = proposal
    return error


def _apply_mapping(
    layout: Layout, mapping: ColumnMapping, instrument: Instrument, wave: str | None
) -> tuple[Sheet, list[str]]:
    """The sheet with headers renamed to their targets (fields, item ids)."""
    sheet = layout.sheet
    item_ids = set(instrument.item_ids)
    renamed, comments, item_positions = [], [], []
    for pos, header in enumerate(sheet.header):
        target = mapping.targets.get(header, "")
        if target in FIELD_ALIASES or target in item_ids:
            renamed.append(target)
            if target in item_ids:
                item_positions.append(pos)
        else:
            renamed.append(header)
            if target == COMMENT:
                comments.append(header)
    sheet = replace(blank_missing_codes(replace(layout, sheet=sheet), item_positions))
    sheet = replace(sheet, header=renamed)
    dates = [h for h, t in mapping.targets.items() if t == DATE] + [mapping.date_column or ""]
    dates = [h for h in dates if h in layout.sheet.header]
    if dates and "wave" not in renamed and not wave:
        column = sheet.cells.column(layout.sheet.header.index(dates[0]))
        derived = pa.array(quarters(column.to_pylist()), pa.string())
        cells = sheet.cells.append_column(f"c{sheet.cells.num_columns}", derived)
        sheet = replace(sheet, cells=cells, header=[*renamed, "wave"])
    comments = [c for c in comments if c in sheet.header]
    return sheet, comments


def _comments(sheet: Sheet, columns: list[str], respondents: pa.Table) -> pa.Table:
    """Free-text answers with the respondent, partner, role and wave of their row."""
    rows: dict[str, list] = {"source_row": [], "question": [], "text": []}
    start = sheet.first_data_row
    for header in columns:
        values = sheet.cells.column(sheet.header.index(header)).to_pylist()
        for n, value in enumerate(values):
            if value and value.strip():
                rows["source_row"].append(start + n)
                rows["question"].append(header)
                rows["text"].append(value.strip())
    texts = pa.table(
        {
            "source_row": pa.array(rows["source_row"], pa.int64()),
            "question": pa.array(rows["question"], pa.string()),
            "text": pa.array(rows["text"], pa.string()),
            "order": pa.array(range(len(rows["text"])), pa.int64()),
        }
    )
    at = respondents.schema.get_field_index("source_row")
    who = respondents.set_column(at, "source_row", respondents["source_row"].cast(pa.int64()))
    joined = texts.join(who, "source_row", join_type="inner")  # in no particular order
    return joined.sort_by("order").drop_columns("order")


def prepare_survey(
    db: Database,
    file: BinaryIO,
    file_name: str,
    *,
    instrument: Instrument | None = None,
    wave: str | None = None,
    partnership: str | None = None,
    max_bytes: int | None = None,
    limits: Limits | None = None,
    mapping: ColumnMapping | None = None,
    confirmed: bool = False,
    require_partnership: bool = False,
) -> PreparedImport:
    """Read and validate a survey file. Raises a MonitorError subclass when it cannot be used.

    `limits` caps bytes, unpacked size, rows and columns (default: from the settings);
    `max_bytes`, when given, overrides the byte cap. Platform exports are recognised
    (`detect_layout`) and their columns mapped to the instrument (`propose_mapping`);
    `mapping` (a saved or edited mapping) wins over the proposal. A proposal with
    uncertain matches is refused until `confirmed`. With `require_partnership`, a file
    without a partnership column and no `partnership` raises PartnershipNeededError
    instead of falling back to a default name.
    """
    instrument = instrument or load_instrument()
    limits = limits or Limits.from_settings(load_settings())
    if max_bytes is not None:
        limits = replace(limits, max_bytes=max_bytes)
    data, sha256 = read_new_file(db, file, file_name, limits.max_bytes)
    sheet = read_sheet(data, file_name, limits)
    layout = detect_layout(sheet)
    fields, items, ignored = _locate_columns(sheet, instrument)
    proposal, comment_columns = None, []
    complete = items and all(f in fields for f in REQUIRED_FIELDS)
    reshaped = layout.sheet is not sheet or bool(layout.missing_codes)
    if mapping is not None or reshaped or not complete:
        proposal = propose_mapping(layout, instrument, saved=mapping)
        if not any(t in instrument.item_ids for t in proposal.mapping.targets.values()):
            proposal = None  # nothing to map: report the columns as they are
        else:
            sheet, comment_columns = _apply_mapping(layout, proposal.mapping, instrument, wave)
            fields, items, ignored = _locate_columns(sheet, instrument)
            dates = set(proposal.mapping.columns(DATE))
            ignored = [h for h in ignored if h not in comment_columns and h not in dates]
    if require_partnership and not partnership and "partnership" not in fields:
        raise PartnershipNeededError(file_name)
    problems = header_problems(sheet.header) + _missing_column_problems(fields, items, wave)
    if not reshaped:  # a plain table: its headers were typed, so may be mistyped
        problems += _unknown_header_problems(ignored, fields, items, instrument.item_ids)
    unconfirmed = proposal is not None and proposal.needs_confirmation and not confirmed
    pending = _confirm_problems(proposal) if unconfirmed else []
    if unconfirmed or problems and not _can_stage(fields, items, wave):
        problems += pending + sheet.problems
        error = (
            UnconfirmedMappingError(file_name, problems, proposal.uncertain, pending=pending)
            if unconfirmed
            else ValidationError(file_name, problems)
        )
        raise _with_proposal(error, layout, proposal)
    extra = proposal.mapping.answer_codes if proposal else None
    staged = _stage(db, sheet, instrument, fields, items, wave, partnership, extra)
    if staged.rows == 0:
        staged.problems.append(
            Problem("the file has column names but no response rows", "Add the responses")
        )
        staged.total_problems += 1
    counts, invited_problems = _invited_counts(
        db, read_named_sheet(data, file_name, INVITED_SHEET, limits), staged
    )
    problems += invited_problems
    if problems or sheet.problems or staged.problems:
        total = len(problems) + len(sheet.problems) + staged.total_problems
        error = ValidationError(file_name, problems + sheet.problems + staged.problems, total)
        raise _with_proposal(error, layout, proposal)
    answers = staged.answers
    comments = _comments(sheet, comment_columns, answers.respondents) if comment_columns else None
    return PreparedImport(
        file_name=file_name,
        sha256=sha256,
        rows=staged.rows,
        partnerships=staged.partnerships,
        waves=staged.waves,
        staged=answers,
        ignored_columns=ignored,
        missing_items=[i for i in instrument.item_ids if i not in items],
        layout=layout.name,
        proposal=proposal,
        comments=comments,
        adds_to=_stored_waves(db, staged.partnerships, staged.waves),
        invited=counts,
    )


def _invited_counts(
    db: Database, rows: list[list[str]], staged: StageResult
) -> tuple[dict[str, dict[str, int]], list[Problem]]:
    """The counts of the file's Invited sheet and their problems (none without the sheet:
    its checks are not even loaded, as for every CSV file)."""
    if not rows:
        return {}, []
    from monitor.ingest.invited import read_counts

    respondents = staged.answers.respondents if staged.answers is not None else None
    return read_counts(db, rows, staged.partnerships, staged.waves, respondents)


def _stored_waves(db: Database, partnerships: list[str], waves: list[str]) -> list[str]:
    """The waves of `waves` already stored for any of `partnerships`."""
    stored = {wave for _, wave in lookups.wave_starts(db, partnerships)}
    return [w for w in waves if w in stored]


def commit_survey(
    db: Database, prepared: PreparedImport, uploaded_by: str | None = None
) -> ImportResult:
    """Store a prepared file in one transaction (which refuses it if the same file was
    stored since it was checked)."""
    record = uploads.UploadRecord(
        file_name=prepared.file_name,
        sha256=prepared.sha256,
        partnership=", ".join(prepared.partnerships),
        waves=prepared.waves,
        n_rows=prepared.rows,
        uploaded_by=uploaded_by,
    )
    also = None
    if prepared.invited:  # the Invited sheet's counts, in the same transaction
        partnership = prepared.partnerships[0]

        def also(writer):
            invited.keep_counts(writer, partnership, prepared.invited, uploaded_by)

    upload_id = uploads.insert_survey(db, record, prepared.staged, prepared.comments, also)
    return ImportResult(
        upload_id=upload_id,
        file_name=prepared.file_name,
        rows=prepared.rows,
        answers=prepared.n_answers,
        partnerships=prepared.partnerships,
        waves=prepared.waves,
        warnings=prepared.warnings,
        adds_to=prepared.adds_to,
    )


def import_survey(
    db: Database,
    file: BinaryIO,
    file_name: str,
    *,
    instrument: Instrument | None = None,
    wave: str | None = None,
    partnership: str | None = None,
    uploaded_by: str | None = None,
    max_bytes: int | None = None,
    limits: Limits | None = None,
    mapping_name: str | None = None,
) -> ImportResult:
    """Read, validate and store one survey file (all or nothing).

    With `mapping_name`, the column mapping saved under that name is used; when there is
    none yet, the proposed mapping is accepted and saved under that name after the import.
    """
    saved = load_mapping(db, mapping_name) if mapping_name else None
    prepared = prepare_survey(
        db,
        file,
        file_name,
        instrument=instrument,
        wave=wave,
        partnership=partnership,
        max_bytes=max_bytes,
        limits=limits,
        mapping=saved,
        confirmed=bool(mapping_name),
    )
    result = commit_survey(db, prepared, uploaded_by)
    if mapping_name and saved is None and prepared.mapping is not None:
        save_mapping(db, mapping_name, prepared.mapping, uploaded_by)
        result.warnings.append(f"Column mapping saved as '{mapping_name}' for the next wave.")
    return result
