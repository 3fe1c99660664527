"""Survey platform exports, each built here in the platform's own layout."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest

from monitor.errors import ValidationError
from monitor.ingest import import_survey, prepare_survey
from monitor.instrument import load_instrument

INSTRUMENT = load_instrument()
ITEMS = INSTRUMENT.items[:6]  # mission_1..3, trust_1..3
LABELS = INSTRUMENT.labels
PEOPLE = [
    ("Police", "Manager"),
    ("Council", "Practitioner"),
    ("Police", "Practitioner"),
    ("Health", "Senior manager"),
]


def _answer(n: int, k: int) -> int:
    return (n + k) % 5 + 1


def _csv(rows, encoding="utf-8", end="\r\n") -> bytes:
    import csv

    out = io.StringIO()
    csv.writer(out, lineterminator=end).writerows(rows)
    return out.getvalue().encode(encoding)


def _xlsx(sheets: dict[str, list[list]], table: bool = False) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
        if table:
            from openpyxl.worksheet.table import Table

            ref = f"A1:{openpyxl.utils.get_column_letter(len(rows[0]))}{len(rows)}"
            sheet.add_table(Table(displayName="Responses1", ref=ref))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def ms_forms() -> bytes:
    header = ["Id", "Start time", "Completion time", "Email", "Name", "Last modified time"]
    header += ["Which agency do you represent?", "What is your role?"]
    header += [i.statement for i in ITEMS] + ["Anything else you would like to tell us?"]
    rows = [header]
    for n, (partner, role) in enumerate(PEOPLE, start=1):
        rows.append(
            [n, f"3/{10 + n}/2025 9:01:02", f"3/{10 + n}/2025 9:14:40", "anonymous", "", ""]
            + [partner, role]
            + [LABELS[_answer(n, k)] for k in range(6)]
            + ["Meetings run over and minutes arrive late, café notes are lost." if n < 3 else ""]
        )
    return _csv(rows, encoding="cp1252")


def google_forms() -> bytes:
    question = "How far do you agree with these statements?"
    header = ["Timestamp", "Email address", "Your agency", "Your role"]
    header += [f"{question} [{i.statement}]" for i in ITEMS]
    rows = [header]
    for n, (partner, role) in enumerate(PEOPLE, start=1):
        rows.append(
            [f"2025/06/{10 + n} 10:22:0{n} AM GMT+1", "", partner, role]
            + [_answer(n, k) for k in range(6)]
        )
    return _xlsx({"Form responses 1": rows}, table=True)


def qualtrics(legacy: bool = False, scale_7: bool = False) -> bytes:
    meta = ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)"]
    meta += ["Finished", "RecordedDate", "ResponseId", "DistributionChannel", "UserLanguage"]
    ids = meta + ["Q1", "Q2"] + [f"Q3_{k}" for k in range(1, 7)] + ["Q4"]
    texts = meta[:] + ["Which agency do you work for?", "Your role"]
    texts = [t.replace("ResponseId", "Response ID") for t in texts]
    texts += [f"Please rate each statement - {i.statement}" for i in ITEMS]
    texts += ["Any comments on the partnership?"]
    imports = [json.dumps({"ImportId": i}) for i in ids]
    rows = [ids, texts] if legacy else [ids, texts, imports]
    if legacy:
        rows[0] = ["V1", "V8", "V9", "V10"] + ids[4:]
        rows[0][8] = "ResponseID"
        rows[1][8] = "ResponseID"
    for n, (partner, role) in enumerate(PEOPLE, start=1):
        answers = [_answer(n, k) for k in range(6)]
        if scale_7:
            answers = [1 + (a - 1) * 3 // 2 for a in answers]
        answers[2] = -99 if n == 2 else answers[2]
        rows.append(
            ["2025-09-01 10:00:00", f"2025-09-0{n} 10:15:00", "IP Address", "", "100", "900"]
            + ["True", f"2025-09-0{n} 10:15:01", f"R_{n}abcDEF", "anonymous", "EN"]
            + [partner, role]
            + answers
            + ["Too much talk, too little action" if n == 1 else ""]
        )
    return _csv(rows)


def surveymonkey() -> bytes:
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address"]
    meta += ["Email Address", "First Name", "Last Name", "Custom Data 1"]
    matrix = "To what extent do you agree with the following statements?"
    top = meta + ["Which agency do you represent?", "What is your role?", matrix]
    top += [""] * 5
    second = [""] * len(meta) + ["Response", "Response"] + [i.statement for i in ITEMS]
    rows = [top, second]
    for n, (partner, role) in enumerate(PEOPLE, start=1):
        rows.append(
            [11000 + n, 4200, f"11/0{n}/2025 08:00:00", f"11/0{n}/2025 08:09:00", "", "", "", ""]
            + ["", partner, role]
            + [LABELS[_answer(n, k)] for k in range(6)]
        )
    return _csv(rows)


def kobo() -> bytes:
    header = ["start", "end", "Agency", "Role"] + [i.statement for i in ITEMS]
    header += ["_id", "_uuid", "_submission_time", "_validation_status", "_index"]
    rows = [header]
    for n, (partner, role) in enumerate(PEOPLE, start=1):
        rows.append(
            ["2025-03-01T09:00:00", "2025-03-01T09:10:00", partner, role]
            + [LABELS[_answer(n, k)] for k in range(6)]
            + [900 + n, f"uuid-{n}", f"2025-03-0{n}T09:10:00", "", n]
        )
    return _xlsx({"Partnership survey": rows, "repeat_group": [["_index", "x"], [1, "y"]]})


def limesurvey() -> bytes:
    header = ["id", "submitdate", "lastpage", "startlanguage", "seed", "partner", "role"]
    header += [i.id.upper().replace("_", "") for i in ITEMS]
    header = header[:7] + [i.statement for i in ITEMS]
    rows = [header]
    for n, (partner, role) in enumerate(PEOPLE, start=1):
        rows.append(
            [n, f"2025-12-0{n} 10:00:00", 3, "en", 12345, partner, role]
            + [LABELS[_answer(n, k)] for k in range(6)]
        )
    return _csv(rows, end="\n")


def redcap() -> bytes:
    header = ["record_id", "redcap_survey_identifier", "partnership_survey_timestamp"]
    header += ["agency", "role"] + [i.id for i in ITEMS] + ["partnership_survey_complete"]
    rows = [header]
    for n, (partner, role) in enumerate(PEOPLE, start=1):
        rows.append(
            [n, "", f"2025-05-0{n} 12:00:00", partner, role]
            + [_answer(n, k) for k in range(6)]
            + [2]
        )
    return _csv(rows)


def long_format() -> bytes:
    rows = [["respondent_id", "partner", "role", "wave", "item", "value"]]
    for n, (partner, role) in enumerate(PEOPLE, start=1):
        for k, item in enumerate(ITEMS):
            rows.append([f"r{n}", partner, role, "2025-Q2", item.id, _answer(n, k)])
    return _csv(rows)


EXPORTS = {
    "ms_forms": (ms_forms, "forms.csv", "Microsoft Forms", "2025-Q1"),
    "google_forms": (google_forms, "responses.xlsx", "Google Forms", "2025-Q2"),
    "qualtrics": (qualtrics, "qualtrics.csv", "Qualtrics CSV (three", "2025-Q3"),
    "qualtrics_legacy": (
        lambda: qualtrics(legacy=True),
        "old.csv",
        "older two header rows",
        "2025-Q3",
    ),
    "surveymonkey": (surveymonkey, "monkey.csv", "SurveyMonkey", "2025-Q4"),
    "kobo": (kobo, "kobo.xlsx", "KoboToolbox", "2025-Q1"),
    "limesurvey": (limesurvey, "lime.csv", "LimeSurvey", "2025-Q4"),
    "redcap": (redcap, "redcap.csv", "REDCap", "2025-Q2"),
    "long": (long_format, "long.csv", "Long format", "2025-Q2"),
}


@pytest.mark.parametrize("key", list(EXPORTS))
def test_platform_export_is_detected_and_imported(db, counts, key):
    build, name, layout, wave = EXPORTS[key]
    prepared = prepare_survey(db, io.BytesIO(build()), name, partnership="Northside CSP")
    assert layout in prepared.layout
    assert f"Detected layout: {prepared.layout}." in prepared.warnings
    assert prepared.rows == len(PEOPLE)
    assert prepared.waves == [wave]
    stored = prepared.answers.to_pandas()
    assert set(stored["item_id"]) == {i.id for i in ITEMS}
    assert set(stored["partner"]) == {p for p, _ in PEOPLE}
    assert set(stored["role"]) == {r for _, r in PEOPLE}
    first = stored[stored["item_id"] == ITEMS[0].id].sort_values("source_row")
    assert first["value"].tolist() == [float(_answer(n, 0)) for n in range(1, len(PEOPLE) + 1)]
    assert counts(db) == (0, 0)


def test_qualtrics_minus_99_is_missing(db):
    prepared = prepare_survey(db, io.BytesIO(qualtrics()), "q.csv")
    values = prepared.answers.to_pandas()
    row = values[(values["respondent_id"] == "R_2abcDEF") & (values["item_id"] == "mission_3")]
    assert row["value"].isna().all()
    assert prepared.answers.to_pandas()["source_row"].min() == 4  # after three header rows


def test_qualtrics_comments_are_kept(db, load):
    result = import_survey(db, io.BytesIO(qualtrics()), "q.csv")
    assert any("1 free-text comments kept" in w for w in result.warnings)
    rows = db.query_rows("SELECT respondent_id, partner, wave, text FROM comments")
    assert rows == [("R_1abcDEF", "Police", "2025-Q3", "Too much talk, too little action")]


def test_ms_forms_cp1252_text_survives(db):
    prepared = prepare_survey(db, io.BytesIO(ms_forms()), "forms.csv")
    assert "café notes" in prepared.comments.to_pandas()["text"].iloc[0]


def test_explicit_wave_wins_over_completion_dates(db):
    prepared = prepare_survey(db, io.BytesIO(ms_forms()), "forms.csv", wave="2025-H1")
    assert prepared.waves == ["2025-H1"]


def test_proposed_mapping_lists_every_column(db):
    prepared = prepare_survey(db, io.BytesIO(surveymonkey()), "monkey.csv")
    table = prepared.proposal.table.set_index("column")
    assert table.loc["Respondent ID", "maps_to"] == "respondent_id"
    assert table.loc["Collector ID", "maps_to"] == "ignore"
    assert table.loc["End Date", "maps_to"] == "date"
    assert table.loc["Which agency do you represent?", "maps_to"] == "partner"
    assert (table["how"] == "exact question text").sum() == len(ITEMS)


def test_template_files_skip_the_mapping(db, files):
    rows = [["respondent_id", "partner", "wave", "mission_1"], ["r1", "Police", "2025-Q1", 4]]
    prepared = prepare_survey(db, io.BytesIO(files.csv(rows)), "t.csv")
    assert prepared.proposal is None and prepared.warnings == [
        "Items not in the file (counted as unanswered): "
        + ", ".join(i for i in INSTRUMENT.item_ids if i != "mission_1")
    ]


def test_unknown_platform_columns_without_items_are_reported(db, files):
    rows = [["Timestamp", "Colour"], ["2025/01/01 10:00", "blue"]]
    with pytest.raises(ValidationError) as info:
        prepare_survey(db, io.BytesIO(files.csv(rows)), "x.csv")
    assert "no survey item columns found" in str(info.value)
    assert "Google Forms" in info.value.layout


def test_surveymonkey_legacy_xls(db, files):
    import csv

    rows = list(csv.reader(io.StringIO(surveymonkey().decode())))
    data = files.xls([[int(c) if c.isdigit() else c for c in row] for row in rows])
    prepared = prepare_survey(db, io.BytesIO(data), "monkey.xls")
    assert "SurveyMonkey" in prepared.layout and prepared.rows == len(PEOPLE)
