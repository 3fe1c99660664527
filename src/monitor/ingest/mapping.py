"""Column mapping: which column of an export is the respondent, the partner, each item...

When an export names its columns by question text instead of item ids, `propose_mapping`
matches them to the instrument's statements (exact text first, then similar text) and
says how each column was matched, so the evaluator can confirm or correct it. A confirmed
mapping is saved under a name (store) and reused for the next wave's export.

Answers on another scale (1-7, 0-10, or agreement wordings in other languages) are
converted to the instrument's scale through extra answer codes, and the conversion is
stated.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from monitor.errors import NotFoundError, Problem, ValidationError
from monitor.ingest.platforms import Layout
from monitor.instrument import Instrument, normalise_answer

FIELDS = ("respondent_id", "partner", "role", "wave", "wave_start", "partnership")
COMMENT = "comment"
DATE = "date"
IGNORE = "ignore"
SIMILAR_MIN = 0.8  # similarity (0-1) from which question text is proposed as an item

# Question wordings that identify a field (matched on the normalised question text).
FIELD_WORDS = {
    "partner": ("agency", "organisation", "organization", "partner", "which service"),
    "role": ("role", "position", "job title", "seniority"),
    "wave": ("wave", "survey round", "period"),
    "partnership": ("partnership",),
    "respondent_id": ("respondent code", "respondent id", "participant id", "pseudonym"),
}

# Agreement wordings of other languages, by the instrument's 5-point value.
AGREEMENT_5 = {
    1: (
        "pas du tout d'accord",
        "tout à fait en désaccord",
        "totalmente en desacuerdo",
        "muy en desacuerdo",
        "stimme überhaupt nicht zu",
        "helemaal oneens",
        "cryf anghytuno",
    ),
    2: (
        "pas d'accord",
        "plutôt pas d'accord",
        "en desacuerdo",
        "stimme nicht zu",
        "oneens",
        "anghytuno",
    ),
    3: (
        "ni d'accord ni pas d'accord",
        "neutre",
        "ni de acuerdo ni en desacuerdo",
        "weder noch",
        "neutraal",
        "niet eens, niet oneens",
        "neutral",
        "neither agree or disagree",
    ),
    4: ("d'accord", "plutôt d'accord", "de acuerdo", "stimme zu", "eens", "cytuno"),
    5: (
        "tout à fait d'accord",
        "totalement d'accord",
        "totalmente de acuerdo",
        "muy de acuerdo",
        "stimme voll und ganz zu",
        "helemaal eens",
        "cryf gytuno",
    ),
}
# A 7-point agreement scale in English, by its own value.
AGREEMENT_7 = {
    1: ("strongly disagree",),
    2: ("disagree",),
    3: ("somewhat disagree", "slightly disagree", "mildly disagree"),
    4: ("neither agree nor disagree", "neutral"),
    5: ("somewhat agree", "slightly agree", "mildly agree"),
    6: ("agree",),
    7: ("strongly agree",),
}


@dataclass
class ColumnMapping:
    """What each file column holds (header -> target) and extra answer codes."""

    targets: dict[str, str] = field(default_factory=dict)
    answer_codes: dict[str, float | None] = field(default_factory=dict)
    scale_note: str = ""
    date_column: str | None = None  # completion date, when it also identifies the response

    def to_json(self) -> str:
        return json.dumps(
            {
                "targets": self.targets,
                "answer_codes": self.answer_codes,
                "scale_note": self.scale_note,
                "date_column": self.date_column,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> ColumnMapping:
        data = json.loads(text)
        return cls(
            targets=dict(data.get("targets", {})),
            answer_codes=dict(data.get("answer_codes", {})),
            scale_note=str(data.get("scale_note", "")),
            date_column=data.get("date_column"),
        )

    def columns(self, target: str) -> list[str]:
        return [h for h, t in self.targets.items() if t == target]


@dataclass
class Proposal:
    """A proposed mapping with, per column, how it was matched."""

    mapping: ColumnMapping
    table: pd.DataFrame  # column, question, maps_to, how, example
    uncertain: list[str] = field(default_factory=list)  # columns matched by similar text

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.uncertain)


def _text_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text)).lower().replace("\u2019", "'")
    text = re.sub(r"^\s*(q\d+[\w.]*|\d+)[.):\s-]+", "", text)
    return re.sub(r"[^\w']+", " ", text).strip()


def _candidates(*texts: str) -> list[str]:
    """Texts to compare with statements: the whole question and its grid/matrix parts."""
    out = []
    for text in texts:
        if not text:
            continue
        out.append(text)
        out += re.findall(r"\[([^\]]+)\]", text)  # Google Forms grid: Question [Statement]
        out += [part for part in re.split(r"\s+-\s+|\.\s*(?=[A-Z])|:\s+", text)[1:] if part]
    return [k for k in dict.fromkeys(_text_key(t) for t in out) if k]


def _field_from_question(text: str) -> str | None:
    key = _text_key(text)
    if not key or len(key) > 80:
        return None
    for name, words in FIELD_WORDS.items():
        if any(re.search(rf"\b{re.escape(w)}\b", key) for w in words):
            return name
    return None


def _sample(cells: pa.Table, pos: int, limit: int = 200) -> list[str]:
    column = cells.column(pos).slice(0, limit)
    return [v.strip() for v in column.to_pylist() if v and v.strip()]


def _looks_like_free_text(values: list[str], codes: dict) -> bool:
    if not values:
        return False
    unknown = [v for v in values if normalise_answer(v) not in codes]
    return len(unknown) > len(values) / 2 and sum(len(v) for v in unknown) / len(unknown) > 15


def propose_mapping(
    layout: Layout,
    instrument: Instrument,
    saved: ColumnMapping | None = None,
    aliases: dict[str, tuple[str, ...]] | None = None,
) -> Proposal:
    """Propose what each column holds; a saved mapping wins for the columns it names."""
    from monitor.ingest.survey import FIELD_ALIASES, normalise_header

    aliases = aliases or FIELD_ALIASES
    sheet = layout.sheet
    statements = {_text_key(i.statement): i.id for i in instrument.items}
    item_ids = set(instrument.item_ids)
    codes = instrument.answer_codes()
    targets: dict[str, str] = {}
    rows, uncertain, taken = [], [], set()
    questions = layout.questions or list(sheet.header)

    def assign(header: str, target: str, how: str, question: str, pos: int) -> None:
        if target in item_ids or target in FIELDS:
            if target in taken:
                target, how = IGNORE, f"{how}, but another column already holds it"
            taken.add(target)
        targets[header] = target
        example = next(iter(_sample(sheet.cells, pos, 20)), "")
        rows.append(
            {
                "column": header,
                "question": question if question != header else "",
                "maps_to": target,
                "how": how,
                "example": example[:60],
            }
        )

    named = {
        f for h in sheet.header for f, names in aliases.items() if normalise_header(h) in names
    }
    for pos, header in enumerate(sheet.header):
        if not header:
            continue
        question = questions[pos] if pos < len(questions) else header
        key = normalise_header(header)
        if saved and header in saved.targets:
            assign(header, saved.targets[header], "saved mapping", question, pos)
            continue
        field_name = next((f for f, names in aliases.items() if key in names), None)
        if field_name:
            assign(header, field_name, "column name", question, pos)
        elif key in item_ids:
            assign(header, key, "item id", question, pos)
        elif pos == layout.respondent and not {"respondent_id"} & (taken | named):
            assign(header, "respondent_id", "the platform's response id", question, pos)
            if pos == layout.date:
                targets[header] = "respondent_id"
        elif pos == layout.date and "wave" not in named:
            assign(header, DATE, "completion date (gives the wave when none is set)", question, pos)
        elif pos in layout.metadata:
            assign(header, IGNORE, "platform metadata", question, pos)
        else:
            _match_text(header, question, pos, statements, codes, assign, uncertain, sheet)
    if layout.date is not None and layout.date == layout.respondent and "wave" not in named:
        _add_date_row(rows, sheet.header[layout.date])
    mapping = ColumnMapping(targets=targets)
    if layout.date is not None and layout.date == layout.respondent and "wave" not in named:
        mapping.date_column = sheet.header[layout.date]
    if saved:
        mapping.answer_codes, mapping.scale_note = dict(saved.answer_codes), saved.scale_note
        mapping.date_column = saved.date_column or mapping.date_column
    else:
        mapping.answer_codes, mapping.scale_note = propose_scale(layout, mapping, instrument)
    return Proposal(
        mapping,
        pd.DataFrame(rows, columns=["column", "question", "maps_to", "how", "example"]),
        uncertain,
    )


def _add_date_row(rows: list[dict], header: str) -> None:
    rows.append(
        {
            "column": header,
            "question": "",
            "maps_to": DATE,
            "how": "completion date (also the response id)",
            "example": "",
        }
    )


def _looks_like_answers(values: list[str], codes: dict) -> bool:
    """Most values are scale answers (labels or numbers)."""
    known = [v for v in values if normalise_answer(v) in codes or v.lstrip("-").isdigit()]
    return bool(values) and len(known) > len(values) / 2


def _match_text(header, question, pos, statements, codes, assign, uncertain, sheet) -> None:
    texts = _candidates(question, header)
    exact = next((statements[t] for t in texts if t in statements), None)
    if exact:
        assign(header, exact, "exact question text", question, pos)
        return
    best, score = None, 0.0
    for text in texts:
        for statement, item in statements.items():
            matcher = difflib.SequenceMatcher(None, text, statement, autojunk=False)
            if matcher.real_quick_ratio() < SIMILAR_MIN or matcher.quick_ratio() < SIMILAR_MIN:
                continue
            ratio = matcher.ratio()
            if ratio > score:
                best, score = item, ratio
    if best and score >= SIMILAR_MIN:
        assign(header, best, f"similar question text ({score:.0%}): please check", question, pos)
        uncertain.append(header)
        return
    values = _sample(sheet.cells, pos)
    free_text = _looks_like_free_text(values, codes)
    field_name = _field_from_question(question) or _field_from_question(header)
    if field_name and not free_text and not _looks_like_answers(values, codes):
        assign(header, field_name, "question wording", question, pos)
    elif free_text:
        assign(header, COMMENT, "free-text answers (kept as comments)", question, pos)
    else:
        assign(header, IGNORE, "no matching item", question, pos)


def _linear(values: range, low: int, high: int, instrument: Instrument) -> dict[str, float]:
    span = instrument.scale_max - instrument.scale_min
    return {
        str(v): round(instrument.scale_min + (v - low) * span / (high - low), 4) for v in values
    }


def propose_scale(
    layout: Layout, mapping: ColumnMapping, instrument: Instrument
) -> tuple[dict[str, float | None], str]:
    """Extra answer codes (and a note) when the item answers use another scale."""
    sheet = layout.sheet
    positions = [
        p for p, h in enumerate(sheet.header) if mapping.targets.get(h) in set(instrument.item_ids)
    ]
    if not positions:
        return {}, ""
    values: set[str] = set()
    for pos in positions:
        values.update(v for v in pc.unique(sheet.cells.column(pos)).to_pylist() if v)
    codes = instrument.answer_codes()
    unknown = {normalise_answer(v) for v in values} - set(codes) - set(layout.missing_codes)
    if not unknown:
        return {}, ""
    extra: dict[str, float | None] = {}
    notes = []
    labels = {normalise_answer(t): v for v, texts in AGREEMENT_5.items() for t in texts}
    if unknown & set(labels):
        extra.update({k: float(v) for k, v in labels.items() if k in unknown})
        notes.append(
            "agreement wordings in another language were read as the matching "
            "points of the 1-5 scale"
        )
    seven = {normalise_answer(t): v for v, texts in AGREEMENT_7.items() for t in texts}
    if unknown - set(extra) and (unknown - set(extra)) <= set(seven) | set(codes):
        converted = _linear(range(1, 8), 1, 7, instrument)
        extra.update({k: converted[str(v)] for k, v in seven.items()})
        notes.append(
            "a 7-point agreement scale was converted linearly to "
            f"{instrument.scale_min}-{instrument.scale_max} ("
            + ", ".join(
                f"{t} = {converted[str(v)]:g}"
                for t, v in [("strongly disagree", 1), ("somewhat agree", 5), ("agree", 6)]
            )
            + ")"
        )
    numbers = []
    for value in unknown - set(extra):
        try:
            numbers.append(float(value))
        except ValueError:
            numbers = []
            break
    if numbers and all(n == int(n) for n in numbers):
        low = 0 if min(numbers) == 0 else 1
        high = 10 if max(numbers) > 7 else 7
        if max(numbers) <= high:
            converted = _linear(range(low, high + 1), low, high, instrument)
            extra.update(converted)
            notes.append(
                f"answers on a {low}-{high} scale were converted linearly to "
                f"{instrument.scale_min}-{instrument.scale_max} ("
                + ", ".join(f"{k} = {v:g}" for k, v in converted.items())
                + ")"
            )
    note = ("Answer scale: " + "; ".join(notes) + ".") if notes else ""
    return extra, note


def _date_parts(text: str) -> tuple[int, int, int] | None:
    text = (text or "").strip()
    match = re.match(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text)
    if match:
        return 0, int(match.group(1)), int(match.group(2))  # (flag, year, month)
    match = re.match(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text)
    if match:
        return int(match.group(1)), int(match.group(3)), int(match.group(2))  # first, year, second
    return None


def quarters(values: list[str]) -> list[str]:
    """The quarter (`YYYY-Qn`) of each platform date (2025-03-14 10:22, 3/14/2025, 14/03/2025).

    Day-first or month-first is decided for the whole column: day-first when any date
    has a first number above 12 (as in 14/03/2025), else month-first.
    """
    parts = [_date_parts(v) for v in values]
    day_first = any(p and p[0] > 12 for p in parts)
    out = []
    for p in parts:
        if p is None:
            out.append("")
            continue
        first, year, second = p
        month = second if first == 0 or day_first else first
        out.append(f"{year}-Q{(month - 1) // 3 + 1}" if 1 <= month <= 12 else "")
    return out


def save_mapping(db, name: str, mapping: ColumnMapping, who: str | None = None) -> None:
    """Save a confirmed mapping under `name` (replacing one of the same name)."""
    from monitor.store import config

    name = name.strip()
    if not name:
        raise ValidationError(
            "mapping", [Problem("the mapping has no name", "Give the mapping a name")]
        )
    config.save_mapping(db, name, mapping.to_json(), who)


def load_mapping(db, name: str) -> ColumnMapping | None:
    """The mapping saved under `name`, or None."""
    from monitor.store import config

    text = config.load_mapping(db, name.strip())
    return ColumnMapping.from_json(text) if text else None


def require_mapping(db, name: str) -> ColumnMapping:
    found = load_mapping(db, name)
    if found is None:
        raise NotFoundError(f"There is no saved column mapping named '{name}'.")
    return found


def edited_mapping(base: ColumnMapping, table: pd.DataFrame) -> ColumnMapping:
    """`base` with the targets chosen in an edited mapping table (column, maps_to)."""
    targets = dict(base.targets)
    for column, target in zip(table["column"], table["maps_to"], strict=True):
        targets[str(column)] = str(target or IGNORE)
    return ColumnMapping(targets, dict(base.answer_codes), base.scale_note, base.date_column)


def target_options(instrument: Instrument) -> list[str]:
    """Every target a column can be mapped to, for a choice list."""
    return [*FIELDS, *instrument.item_ids, DATE, COMMENT, IGNORE]
