"""Recognise the export layout of common survey platforms and bring it to one shape.

Each platform writes its own header rows and metadata columns. `detect_layout` looks
only at the header and the first two rows (cheap on any file size) and returns the
sheet with one header row, plus what the platform tells us about each column: its
question text, whether it is platform metadata, and which columns identify the
respondent and the completion date. Column mapping (mapping.py) then works the same
for every layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import pyarrow as pa

from monitor import arrow_kernels as kernels
from monitor.errors import UnreadableFileError
from monitor.ingest.readers import Sheet


@dataclass
class Layout:
    """A detected layout: the reshaped sheet and what is known about its columns."""

    key: str  # template, ms_forms, google_forms, qualtrics, qualtrics_legacy, ...
    name: str  # shown to the evaluator
    sheet: Sheet
    questions: list[str] = field(default_factory=list)  # question text per column
    metadata: set[int] = field(default_factory=set)  # platform columns to ignore
    respondent: int | None = None  # column holding the platform's response id
    date: int | None = None  # column holding the completion date
    missing_codes: tuple[str, ...] = ()  # platform codes meaning "no answer"

    @property
    def description(self) -> str:
        return f"Detected layout: {self.name}."


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(text).lower()).strip()


def _row(sheet: Sheet, index: int) -> list[str]:
    if index >= sheet.cells.num_rows:
        return [""] * len(sheet.header)
    return [
        ("" if v is None else str(v)) for v in sheet.cells.slice(index, 1).to_pylist()[0].values()
    ]


def _drop_rows(sheet: Sheet, count: int, header: list[str] | None = None) -> Sheet:
    return replace(
        sheet,
        header=header or sheet.header,
        cells=sheet.cells.slice(count),
        first_data_row=sheet.first_data_row + count,
        problems=[
            p for p in sheet.problems if p.row is None or p.row > sheet.first_data_row + count - 1
        ],
    )


def _find(keys: list[str], *names: str) -> int | None:
    for name in names:
        if name in keys:
            return keys.index(name)
    return None


def _positions(keys: list[str], names: set[str]) -> set[int]:
    return {i for i, k in enumerate(keys) if k in names}


MS_FORMS_META = {"id", "start time", "completion time", "email", "name", "last modified time"}
GOOGLE_META = {"timestamp", "email address", "score", "horodateur", "marca temporal", "zeitstempel"}
QUALTRICS_META = {
    "startdate",
    "enddate",
    "status",
    "ipaddress",
    "progress",
    "durationinseconds",
    "finished",
    "recordeddate",
    "responseid",
    "recipientlastname",
    "recipientfirstname",
    "recipientemail",
    "externalreference",
    "locationlatitude",
    "locationlongitude",
    "distributionchannel",
    "userlanguage",
    "responseset",
    "name",
    "externaldatareference",
    "emailaddress",
    "v1",
    "v2",
    "v3",
    "v4",
    "v5",
    "v6",
    "v7",
    "v8",
    "v9",
    "v10",
}
MONKEY_META = {
    "respondent id",
    "collector id",
    "start date",
    "end date",
    "ip address",
    "email address",
    "first name",
    "last name",
    "custom data 1",
    "custom data",
}
KOBO_META = {
    "start",
    "end",
    "today",
    "deviceid",
    "username",
    "phonenumber",
    "simserial",
    "subscriberid",
    "audit",
    " id",
    "id",
    "uuid",
    "submission time",
    "validation status",
    "notes",
    "status",
    "submitted by",
    "version",
    "tags",
    "index",
    "parent table name",
    "parent index",
    "instanceid",
    "meta instanceid",
    "meta instancename",
    "formhub uuid",
}
LIME_META = {
    "id",
    "response id",
    "submitdate",
    "date submitted",
    "lastpage",
    "last page",
    "startlanguage",
    "start language",
    "seed",
    "startdate",
    "date started",
    "datestamp",
    "date last action",
    "ipaddr",
    "ip address",
    "refurl",
    "referrer url",
    "token",
}
REDCAP_META = {
    "record id",
    "redcap event name",
    "redcap survey identifier",
    "redcap repeat instrument",
    "redcap repeat instance",
    "redcap data access group",
}


def _ms_forms(sheet: Sheet, keys: list[str]) -> Layout | None:
    if keys[:3] != ["id", "start time", "completion time"]:
        return None
    return Layout(
        "ms_forms",
        "Microsoft Forms export",
        sheet,
        questions=list(sheet.header),
        metadata=_positions(keys, MS_FORMS_META),
        respondent=0,
        date=2,
    )


def _google(sheet: Sheet, keys: list[str]) -> Layout | None:
    if not keys or keys[0] not in {"timestamp", "horodateur", "marca temporal", "zeitstempel"}:
        return None
    return Layout(
        "google_forms",
        "Google Forms responses",
        sheet,
        questions=list(sheet.header),
        metadata=_positions(keys, GOOGLE_META),
        respondent=0,
        date=0,
    )


def _qualtrics(sheet: Sheet, keys: list[str]) -> Layout | None:
    compact = [k.replace(" ", "") for k in keys]
    if "responseid" not in compact and not ({"startdate", "enddate", "finished"} <= set(compact)):
        return None
    second, third = _row(sheet, 0), _row(sheet, 1)
    meta = {i for i, k in enumerate(compact) if k in QUALTRICS_META}
    respondent = next((i for i, k in enumerate(compact) if k == "responseid"), None)
    date = next((i for i, k in enumerate(compact) if k in {"recordeddate", "enddate"}), None)
    if any(cell.strip().startswith('{"ImportId"') for cell in third):
        return Layout(
            "qualtrics",
            "Qualtrics CSV (three header rows)",
            _drop_rows(sheet, 2),
            questions=second,
            metadata=meta,
            respondent=respondent,
            date=date,
            missing_codes=("-99",),
        )
    if (
        second
        and _key(second[respondent or 0]) in {"responseid", "response id"}
        or (keys and keys[0] == "v1")
    ):
        return Layout(
            "qualtrics_legacy",
            "Qualtrics CSV (older two header rows)",
            _drop_rows(sheet, 1),
            questions=second,
            metadata=meta,
            respondent=respondent,
            date=date,
            missing_codes=("-99",),
        )
    return Layout(
        "qualtrics",
        "Qualtrics CSV (one header row)",
        sheet,
        questions=list(sheet.header),
        metadata=meta,
        respondent=respondent,
        date=date,
        missing_codes=("-99",),
    )


def _monkey(sheet: Sheet, keys: list[str]) -> Layout | None:
    if "respondent id" not in keys or "collector id" not in keys:
        return None
    second = _row(sheet, 0)
    header, questions, current = [], [], ""
    for pos, (top, sub) in enumerate(zip(sheet.header, second, strict=False)):
        current = top or current
        sub = sub.strip()
        if (
            pos in _positions(keys, MONKEY_META)
            or not sub
            or _key(sub)
            in {
                "response",
                "open ended response",
                "other please specify",
            }
        ):
            text = top or current
        else:
            text = f"{current} - {sub}" if current and sub != current else sub
        header.append(text if top or sub else "")
        questions.append(
            sub if sub and _key(sub) not in {"response", "open ended response"} else text
        )
    header = _unique(header)
    return Layout(
        "surveymonkey",
        "SurveyMonkey export (two header rows)",
        _drop_rows(sheet, 1, header),
        questions=questions,
        metadata=_positions(keys, MONKEY_META),
        respondent=keys.index("respondent id"),
        date=_find(keys, "end date"),
    )


def _kobo(sheet: Sheet, keys: list[str]) -> Layout | None:
    if not ({"uuid", "submission time"} & set(keys)):
        return None
    return Layout(
        "kobotoolbox",
        "KoboToolbox export",
        sheet,
        questions=list(sheet.header),
        metadata=_positions(keys, KOBO_META),
        respondent=_find(keys, "uuid", "id"),
        date=_find(keys, "submission time", "end"),
    )


def _lime(sheet: Sheet, keys: list[str]) -> Layout | None:
    if not ({"submitdate", "date submitted"} & set(keys) and {"lastpage", "last page"} & set(keys)):
        return None
    return Layout(
        "limesurvey",
        "LimeSurvey export",
        sheet,
        questions=list(sheet.header),
        metadata=_positions(keys, LIME_META),
        respondent=_find(keys, "id", "response id"),
        date=_find(keys, "submitdate", "date submitted"),
    )


def _redcap(sheet: Sheet, keys: list[str]) -> Layout | None:
    if (
        not keys
        or keys[0] not in {"record id", "record id "}
        and "redcap survey identifier" not in keys
    ):
        return None
    meta = _positions(keys, REDCAP_META) | {
        i for i, k in enumerate(keys) if k.endswith(" complete") or k.endswith(" timestamp")
    }
    date = next((i for i, k in enumerate(keys) if k.endswith(" timestamp")), None)
    return Layout(
        "redcap",
        "REDCap export",
        sheet,
        questions=list(sheet.header),
        metadata=meta,
        respondent=0,
        date=date,
    )


LONG_ITEM = {"item", "item id", "question", "question id", "variable", "field name"}
LONG_VALUE = {"value", "answer", "response", "score"}
LONG_ID = {"respondent id", "respondent", "id", "record id", "response id"}


def _long(sheet: Sheet, keys: list[str]) -> Layout | None:
    item = _find(keys, *sorted(LONG_ITEM))
    value = _find(keys, *sorted(LONG_VALUE))
    respondent = _find(keys, *sorted(LONG_ID))
    if item is None or value is None or respondent is None or len(keys) > 12:
        return None
    return Layout(
        "long",
        "Long format (one row per respondent and item)",
        _pivot(sheet, keys, item, value),
    )


def _pivot(sheet: Sheet, keys: list[str], item: int, value: int) -> Sheet:
    """One row per respondent (and wave): the other columns identify the row."""
    others = [i for i in range(len(keys)) if i not in (item, value)]
    items = sheet.cells.column(item).to_pylist()
    values = sheet.cells.column(value).to_pylist()
    ident = (
        list(zip(*(sheet.cells.column(i).to_pylist() for i in others), strict=True))
        if others
        else []
    )
    order: dict[tuple, dict[str, str]] = {}
    item_names: list[str] = []
    for n, (name, answer) in enumerate(zip(items, values, strict=True)):
        name = (name or "").strip()
        if not name:
            continue
        if name not in item_names:
            item_names.append(name)
        order.setdefault(ident[n] if ident else (n,), {})[name] = answer or ""
    header = [sheet.header[i] for i in others] + item_names
    rows = [list(key) + [answers.get(n, "") for n in item_names] for key, answers in order.items()]
    if len(header) > 2_000:
        raise UnreadableFileError("The long-format file names more than 2,000 different items.")
    columns = {f"c{i}": pa.array([r[i] for r in rows], pa.string()) for i in range(len(header))}
    return Sheet(
        header=header, cells=pa.table(columns), first_data_row=2, sheet_name=sheet.sheet_name
    )


def _unique(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in header:
        if name and name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        seen.setdefault(name, 1)
        out.append(name)
    return out


DETECTORS = (_ms_forms, _google, _qualtrics, _monkey, _kobo, _lime, _redcap, _long)


def detect_layout(sheet: Sheet) -> Layout:
    """The platform layout of `sheet`, reshaped to one header row (template if none)."""
    keys = [_key(h) for h in sheet.header]
    for detector in DETECTORS:
        layout = detector(sheet, keys)
        if layout is not None:
            return layout
    return Layout(
        "template",
        "Partnership Monitor template (or a plain table)",
        sheet,
        questions=list(sheet.header),
    )


def blank_missing_codes(layout: Layout, positions: list[int]) -> Sheet:
    """The sheet with the platform's "no answer" codes (Qualtrics -99) blanked in `positions`."""
    if not layout.missing_codes:
        return layout.sheet
    cells = layout.sheet.cells
    codes = pa.array(list(layout.missing_codes), pa.string())
    for pos in positions:
        column = cells.column(pos)
        blanked = kernels.blank_where_in(column, codes)
        cells = cells.set_column(pos, cells.column_names[pos], blanked)
    return replace(layout.sheet, cells=cells)
