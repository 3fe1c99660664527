"""Proposing a column mapping: when an export names its columns by question text instead
of item ids, the questions are matched to the instrument's statements (exact text first,
then similar text), and each column says how it was matched, so the evaluator can
confirm or correct it.

A field or item is held by one column only. When two columns could hold the same one,
the better match is chosen (a column with answers over an empty one, then the surer way
of matching) and both rows are marked for the evaluator to check: a column that could
hold a field is never left out silently."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyarrow as pa

from monitor.ingest.columns import FIELD_ALIASES, normalise_header
from monitor.ingest.mapping.scales import propose_scale
from monitor.ingest.mapping.targets import COMMENT, DATE, FIELDS, IGNORE, ColumnMapping
from monitor.ingest.platforms import Layout
from monitor.instrument import Instrument, normalise_answer

if TYPE_CHECKING:
    import pandas as pd

SIMILAR_MIN = 0.8  # similarity (0-1) from which question text is proposed as an item

# Question wordings that identify a field (matched on the normalised question text), in
# the order they are tried: a question naming a role "in your organisation" asks for the
# role, and one naming an agency "in the partnership" asks for the agency. Per field, the
# words that name it and looser words that only suggest it.
FIELD_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "respondent_id": (
        ("respondent code", "respondent id", "participant id", "participant code"),
        ("pseudonym", "personal code"),
    ),
    "role": (("role", "job role"), ("position", "job title", "seniority", "grade")),
    "partner": (
        ("agency", "partner", "which service"),
        ("organisation", "organization", "employer", "service"),
    ),
    "wave": (("wave", "survey round"), ("period",)),
    "partnership": (("partnership",), ()),
}
# Questions about an amount or a duration (how long in the role...) are not the field.
NOT_A_FIELD = re.compile(r"^(how (long|many|much|often)|since when|for how long)\b|\byears?\b")

# A question asking for the respondent's own field ("your role", "which agency...").
ASKS_YOURS = re.compile(r"\byour\b|^(which|what)\b")

COLUMNS = ["column", "question", "maps_to", "how", "check", "example"]

# How sure each way of matching is: a better match wins a field or item from a worse one.
SAVED, NAME, EXACT, SIMILAR, WORDING, LOOSE, PLATFORM_ID, OTHER = 7, 6, 5, 4, 3, 2, 1, 0
BY_TEXT = {EXACT, SIMILAR, WORDING, LOOSE}  # the ways that read the question text
REASONS = {
    SAVED: "it is in the saved mapping",
    NAME: "its column name is {target}",
    EXACT: "its question text is the statement's own",
    SIMILAR: "its question text is closer to the statement",
    WORDING: "its question names the {target}",
    LOOSE: "its question suggests the {target}",
    PLATFORM_ID: "it is the platform's response id",
}


@dataclass
class _Row:
    """One column of the file, what it maps to and how sure that is."""

    column: str
    question: str
    target: str
    how: str
    pos: int
    level: int
    filled: bool  # the column holds values
    score: float = 1.0  # similarity of the question text, for similar matches
    example: str = ""
    check: str = ""  # why the evaluator must check this row ("" when nothing to check)

    @property
    def rank(self) -> tuple:
        return (self.filled, self.level, self.score)

    def record(self) -> dict:
        return {
            "column": self.column,
            "question": self.question if self.question != self.column else "",
            "maps_to": self.target,
            "how": self.how,
            "check": self.check,
            "example": self.example,
        }


@dataclass
class Proposal:
    """A proposed mapping with, per column, how it was matched and what to check."""

    mapping: ColumnMapping
    table: pd.DataFrame  # column, question, maps_to, how, check, example
    uncertain: list[str] = field(default_factory=list)  # columns the evaluator must check
    # Some columns of a platform export were matched by their question text (a plain
    # table's or the template's columns are matched by their names).
    by_question_text: bool = False

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.uncertain)

    @property
    def checks(self) -> dict[str, str]:
        """Why each column to check must be checked."""
        marked = self.table[self.table["check"] != ""]
        return dict(zip(marked["column"], marked["check"], strict=True))


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


def _has_word(key: str, words: tuple[str, ...]) -> bool:
    return any(re.search(rf"\b{re.escape(w)}s?\b", key) for w in words)


def field_from_question(text: str) -> tuple[str, bool] | None:
    """The field a question asks for, and whether it names it (True) or only suggests it;
    None for a question that asks for none."""
    key = _text_key(text)
    if not key or len(key) > 80 or NOT_A_FIELD.search(key):
        return None
    for name, (names, looser) in FIELD_WORDS.items():
        if _has_word(key, names):
            return name, True
        if _has_word(key, looser):
            return name, False
    return None


def _sample(cells: pa.Table, pos: int, limit: int = 200) -> list[str]:
    column = cells.column(pos).slice(0, limit)
    return [v.strip() for v in column.to_pylist() if v and v.strip()]


def _looks_like_free_text(values: list[str], codes: dict) -> bool:
    if not values:
        return False
    unknown = [v for v in values if normalise_answer(v) not in codes]
    return len(unknown) > len(values) / 2 and sum(len(v) for v in unknown) / len(unknown) > 15


def _looks_like_sentences(values: list[str]) -> bool:
    """Most values are several words long: comments, not names of agencies or roles."""
    long = [v for v in values if len(v.split()) > 5]
    return bool(values) and len(long) > len(values) / 2


def _looks_like_answers(values: list[str], codes: dict) -> bool:
    """Most values are scale answers (labels or numbers)."""
    known = [v for v in values if normalise_answer(v) in codes or v.lstrip("-").isdigit()]
    return bool(values) and len(known) > len(values) / 2


class _Proposer:
    """Collects a row per column, then settles the columns that compete for one target."""

    def __init__(self, layout: Layout, instrument: Instrument, aliases: dict) -> None:
        self.layout, self.sheet, self.aliases = layout, layout.sheet, aliases
        self.statements = {_text_key(i.statement): i.id for i in instrument.items}
        self.item_ids = set(instrument.item_ids)
        self.codes = instrument.answer_codes()
        self.rows: list[_Row] = []

    def add(self, pos: int, question: str, target: str, how: str, level: int, score=1.0):
        values = _sample(self.sheet.cells, pos)
        self.rows.append(
            _Row(
                column=self.sheet.header[pos],
                question=question,
                target=target,
                how=how,
                pos=pos,
                level=level,
                filled=bool(values),
                score=score,
                example=next(iter(values), "")[:60],
            )
        )

    def settle(self) -> None:
        """One column per field or item: the best one keeps it, the others are ignored;
        both sides are marked to check."""
        unique = self.item_ids | set(FIELDS)
        groups: dict[str, list[_Row]] = {}
        for row in self.rows:
            if row.target in unique:
                groups.setdefault(row.target, []).append(row)
        for target, rivals in groups.items():
            if len(rivals) < 2:
                continue
            if len({normalise_header(r.column) for r in rivals}) == 1:
                for row in rivals[1:]:  # a repeated column name: refused as a header problem
                    row.target, row.how = IGNORE, f"{row.how} (a repeated column name)"
                continue
            ranked = sorted(rivals, key=lambda r: (r.rank, -r.pos), reverse=True)
            best, others = ranked[0], ranked[1:]
            names = ", ".join(f"'{r.column}'" for r in others)
            _mark(best, f"chosen for {target} over {names}: {_why(best, others[0], target)}")
            for row in others:
                _mark(row, f"left out: could hold {target}, but '{best.column}' was chosen")
                row.target = IGNORE


def _mark(row: _Row, reason: str) -> None:
    row.check = f"{row.check}; {reason}" if row.check else reason


def _why(best: _Row, other: _Row, target: str) -> str:
    if best.filled and not other.filled:
        return "it has values; the other is empty"
    if best.level != other.level or best.score != other.score:
        return REASONS[best.level].format(target=target)
    return "it comes first in the file"


def propose_mapping(
    layout: Layout,
    instrument: Instrument,
    saved: ColumnMapping | None = None,
    aliases: dict[str, tuple[str, ...]] | None = None,
) -> Proposal:
    """Propose what each column holds; a saved mapping wins for the columns it names."""
    import pandas as pd  # the table is for the mapping page; a template's import needs none

    aliases = aliases or FIELD_ALIASES
    sheet = layout.sheet
    proposer = _Proposer(layout, instrument, aliases)
    questions = layout.questions or list(sheet.header)
    named = {
        f for h in sheet.header for f, names in aliases.items() if normalise_header(h) in names
    }
    for pos, header in enumerate(sheet.header):
        if header:
            question = questions[pos] if pos < len(questions) else header
            _propose_column(proposer, pos, question, named, saved)
    proposer.settle()
    rows = proposer.rows
    mapping = ColumnMapping(targets={r.column: r.target for r in rows})
    if layout.date is not None and layout.date == layout.respondent and "wave" not in named:
        header = sheet.header[layout.date]
        mapping.date_column = header
        how = "completion date (also the response id)"
        rows.append(_Row(header, "", DATE, how, layout.date, OTHER, True))
    if saved:
        mapping.answer_codes, mapping.scale_note = dict(saved.answer_codes), saved.scale_note
        mapping.date_column = saved.date_column or mapping.date_column
    else:
        mapping.answer_codes, mapping.scale_note = propose_scale(layout, mapping, instrument)
    return Proposal(
        mapping,
        pd.DataFrame([r.record() for r in rows], columns=COLUMNS),
        [r.column for r in rows if r.check],
        layout.key != "template" and any(r.level in BY_TEXT for r in rows),
    )


def _propose_column(
    proposer: _Proposer, pos: int, question: str, named: set[str], saved: ColumnMapping | None
) -> None:
    layout, header = proposer.layout, proposer.sheet.header[pos]
    key = normalise_header(header)
    alias = next((f for f, names in proposer.aliases.items() if key in names), None)
    if saved and header in saved.targets:
        proposer.add(pos, question, saved.targets[header], "saved mapping", SAVED)
    elif alias:
        proposer.add(pos, question, alias, "column name", NAME)
    elif key in proposer.item_ids:
        proposer.add(pos, question, key, "item id", NAME)
    elif pos == layout.respondent and "respondent_id" not in named:
        proposer.add(pos, question, "respondent_id", "the platform's response id", PLATFORM_ID)
    elif pos == layout.date and "wave" not in named:
        how = "completion date (gives the wave when none is set)"
        proposer.add(pos, question, DATE, how, OTHER)
    elif pos in layout.metadata:
        proposer.add(pos, question, IGNORE, "platform metadata", OTHER)
    else:
        _match_text(proposer, pos, question)


def _closest_statement(proposer: _Proposer, texts: list[str]) -> tuple[str | None, float]:
    best, score = None, 0.0
    for text in texts:
        for statement, item in proposer.statements.items():
            matcher = difflib.SequenceMatcher(None, text, statement, autojunk=False)
            if matcher.real_quick_ratio() < SIMILAR_MIN or matcher.quick_ratio() < SIMILAR_MIN:
                continue
            ratio = matcher.ratio()
            if ratio > score:
                best, score = item, ratio
    return best, score


def _match_text(proposer: _Proposer, pos: int, question: str) -> None:
    header = proposer.sheet.header[pos]
    texts = _candidates(question, header)
    exact = next((proposer.statements[t] for t in texts if t in proposer.statements), None)
    if exact:
        proposer.add(pos, question, exact, "exact question text", EXACT)
        return
    best, score = _closest_statement(proposer, texts)
    if best and score >= SIMILAR_MIN:
        how = f"similar question text ({score:.0%}): please check"
        proposer.add(pos, question, best, how, SIMILAR, score)
        _mark(proposer.rows[-1], f"similar, not identical, question text ({score:.0%})")
        return
    values = _sample(proposer.sheet.cells, pos)
    found = field_from_question(question) or field_from_question(header)
    answers = _looks_like_answers(values, proposer.codes)
    if found and not answers and not _looks_like_sentences(values):
        name, strict = found
        how = f"question wording ({'names' if strict else 'suggests'} the {name})"
        proposer.add(pos, question, name, how, WORDING if strict else LOOSE)
    elif found and answers and ASKS_YOURS.search(_text_key(question or header)):
        name = found[0]
        proposer.add(pos, question, IGNORE, f"asks for the {name}; answers look like codes", OTHER)
        _mark(
            proposer.rows[-1],
            f"asks for the {name}, but its answers are numbers or scale "
            f"answers: map it to {name} if it holds the {name}",
        )
    elif _looks_like_free_text(values, proposer.codes):
        proposer.add(pos, question, COMMENT, "free-text answers (kept as comments)", OTHER)
    else:
        proposer.add(pos, question, IGNORE, "no matching item", OTHER)
