"""Proposing a column mapping: when an export names its columns by question text instead
of item ids, the questions are matched to the instrument's statements (exact text first,
then similar text), and each column says how it was matched, so the evaluator can
confirm or correct it."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa

from monitor.ingest.columns import FIELD_ALIASES, normalise_header
from monitor.ingest.mapping.scales import propose_scale
from monitor.ingest.mapping.targets import COMMENT, DATE, FIELDS, IGNORE, ColumnMapping
from monitor.ingest.platforms import Layout
from monitor.instrument import Instrument, normalise_answer

SIMILAR_MIN = 0.8  # similarity (0-1) from which question text is proposed as an item


# Question wordings that identify a field (matched on the normalised question text).
FIELD_WORDS = {
    "partner": ("agency", "organisation", "organization", "partner", "which service"),
    "role": ("role", "position", "job title", "seniority"),
    "wave": ("wave", "survey round", "period"),
    "partnership": ("partnership",),
    "respondent_id": ("respondent code", "respondent id", "participant id", "pseudonym"),
}


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
