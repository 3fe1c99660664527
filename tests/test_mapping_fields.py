"""Column mapping of the fields (role, partner, respondent...) in platform exports: the
question that asks for a field gets it; when two columns could hold one field, the
better one is chosen and both are marked for the evaluator to check, never dropped
silently. Each case is tried in the layouts of several platforms."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from test_platforms import ITEMS, LABELS, PEOPLE, _answer, _csv, _xlsx

from monitor.errors import AmbiguousMappingError, UnconfirmedMappingError
from monitor.ingest import prepare_survey
from monitor.ingest.mapping import ColumnMapping, edited_mapping
from monitor.ingest.mapping.match import field_from_question

AGENCY = "Which agency do you work for?"
ROLE_QUESTION = "What is your role in your organisation?"
JOB_TITLE = "Job title"
AGENCIES = [p for p, _ in PEOPLE]
ROLES = [r for _, r in PEOPLE]
EMPTY = [""] * len(PEOPLE)


def _rows(columns: list[tuple[str, list[str]]]) -> list[list[str]]:
    """Per respondent: the values of the extra columns, then the item answers."""
    return [
        [values[n] for _, values in columns] + [LABELS[_answer(n + 1, k)] for k in range(6)]
        for n in range(len(PEOPLE))
    ]


def ms_forms(columns: list[tuple[str, list[str]]]) -> tuple[bytes, str]:
    header = ["Id", "Start time", "Completion time", "Email", "Name"]
    header += [q for q, _ in columns] + [i.statement for i in ITEMS]
    when = "3/10/2025 9:00:00"
    rows = [[n, when, when, "anonymous", "", *row] for n, row in enumerate(_rows(columns), 1)]
    return _csv([header, *rows]), "forms.csv"


def google_forms(columns: list[tuple[str, list[str]]]) -> tuple[bytes, str]:
    grid = "How far do you agree with these statements?"
    header = ["Timestamp", "Email address", *[q for q, _ in columns]]
    header += [f"{grid} [{i.statement}]" for i in ITEMS]
    rows = [[f"2025/06/1{n} 10:00:00 AM GMT+1", "", *row] for n, row in enumerate(_rows(columns))]
    return _xlsx({"Form responses 1": [header, *rows]}), "responses.xlsx"


def qualtrics(columns: list[tuple[str, list[str]]]) -> tuple[bytes, str]:
    meta = ["StartDate", "EndDate", "Finished", "RecordedDate", "ResponseId"]
    ids = meta + [f"Q{k}" for k in range(1, len(columns) + 1)]
    ids += [f"Q9_{k}" for k in range(1, 7)]
    texts = meta + [q for q, _ in columns] + [f"Please rate - {i.statement}" for i in ITEMS]
    imports = [json.dumps({"ImportId": i}) for i in ids]
    rows = [
        ["2025-09-01 10:00:00", "2025-09-01 10:15:00", "True", "2025-09-01 10:15:01", f"R_{n}"]
        + row
        for n, row in enumerate(_rows(columns))
    ]
    return _csv([ids, texts, imports, *rows]), "qualtrics.csv"


def surveymonkey(columns: list[tuple[str, list[str]]]) -> tuple[bytes, str]:
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date"]
    matrix = "To what extent do you agree with the following statements?"
    top = meta + [q for q, _ in columns] + [matrix] + [""] * 5
    second = [""] * len(meta) + ["Response"] * len(columns) + [i.statement for i in ITEMS]
    rows = [
        [11000 + n, 42, "11/01/2025 08:00:00", "11/01/2025 08:09:00", *row]
        for n, row in enumerate(_rows(columns))
    ]
    return _csv([top, second, *rows]), "monkey.csv"


PLATFORMS = {
    "ms_forms": ms_forms,
    "google_forms": google_forms,
    "qualtrics": qualtrics,
    "surveymonkey": surveymonkey,
}

# The extra columns of an export; what each question maps to; the questions to check.
CASES = {
    "role in your organisation": (
        [(AGENCY, AGENCIES), (ROLE_QUESTION, ROLES)],
        {AGENCY: "partner", ROLE_QUESTION: "role"},
        set(),
    ),
    "role question before the agency question": (
        [(ROLE_QUESTION, ROLES), ("Your organisation", AGENCIES)],
        {ROLE_QUESTION: "role", "Your organisation": "partner"},
        set(),
    ),
    "a role question beats a looser job title": (
        [(AGENCY, AGENCIES), (JOB_TITLE, ROLES), (ROLE_QUESTION, ROLES)],
        {AGENCY: "partner", ROLE_QUESTION: "role", JOB_TITLE: "ignore"},
        {ROLE_QUESTION, JOB_TITLE},
    ),
    "a column with values beats an empty one": (
        [(AGENCY, AGENCIES), ("Your role", EMPTY), ("Your position in your agency", ROLES)],
        {AGENCY: "partner", "Your position in your agency": "role", "Your role": "ignore"},
        {"Your role", "Your position in your agency"},
    ),
    "an agency question beats an organisation question": (
        [("Which organisation employs you?", AGENCIES), (AGENCY, AGENCIES), ("Role", ROLES)],
        {AGENCY: "partner", "Which organisation employs you?": "ignore", "Role": "role"},
        {AGENCY, "Which organisation employs you?"},
    ),
    "a role question answered with codes is shown, not dropped": (
        [(AGENCY, AGENCIES), ("What is your role?", ["1", "2", "2", "3"])],
        {AGENCY: "partner", "What is your role?": "ignore"},
        {"What is your role?"},
    ),
    "a statement about partners is no field": (
        [(AGENCY, AGENCIES), ("Role", ROLES), ("Partners share data well", ["4", "2", "5", "3"])],
        {AGENCY: "partner", "Role": "role", "Partners share data well": "ignore"},
        set(),
    ),
    "time in the role is not the role": (
        [(AGENCY, AGENCIES), ("Role", ROLES), ("How long have you been in your role?", EMPTY)],
        {AGENCY: "partner", "Role": "role", "How long have you been in your role?": "ignore"},
        set(),
    ),
}


def two_role_questions() -> bytes:
    """A Microsoft Forms export with a job title and a role question (a choice to check)."""
    return ms_forms(CASES["a role question beats a looser job title"][0])[0]


def _targets(table) -> dict[str, str]:
    """Question text (or column name) -> what the proposal maps it to."""
    return {
        (q or c): t
        for q, c, t in zip(table["question"], table["column"], table["maps_to"], strict=True)
    }


def _checked(table) -> set[str]:
    marked = table[table["check"] != ""]
    return {q or c for q, c in zip(marked["question"], marked["column"], strict=True)}


def _proposal(db, build, columns):
    data, name = build(columns)
    try:
        return prepare_survey(db, io.BytesIO(data), name, partnership="Northside").proposal
    except UnconfirmedMappingError as error:
        return error.proposal


@pytest.mark.parametrize("platform", list(PLATFORMS))
@pytest.mark.parametrize("case", list(CASES))
def test_fields_go_to_the_question_that_asks_for_them(db, platform, case):
    columns, expected, to_check = CASES[case]
    proposal = _proposal(db, PLATFORMS[platform], columns)
    targets = _targets(proposal.table)
    assert {q: targets[q] for q in expected} == expected
    assert _checked(proposal.table) == to_check
    assert proposal.needs_confirmation == bool(to_check)
    assert proposal.by_question_text


@pytest.mark.parametrize("platform", list(PLATFORMS))
def test_the_role_in_your_organisation_is_kept(db, platform):
    data, name = PLATFORMS[platform](CASES["role in your organisation"][0])
    prepared = prepare_survey(db, io.BytesIO(data), name, partnership="Northside")
    stored = prepared.answers.to_pandas()
    assert set(stored["role"]) == set(ROLES) and set(stored["partner"]) == set(AGENCIES)


def test_a_choice_between_two_columns_waits_for_the_evaluator(db):
    data, name = ms_forms(CASES["a role question beats a looser job title"][0])
    with pytest.raises(UnconfirmedMappingError) as info:
        prepare_survey(db, io.BytesIO(data), name, partnership="Northside")
    error = info.value
    assert error.uncertain == [JOB_TITLE, ROLE_QUESTION]  # in file order
    assert error.others() is None  # nothing else is wrong with the file
    assert "could hold role" in str(error)
    checks = error.proposal.checks
    assert checks[ROLE_QUESTION] == (
        f"chosen for role over '{JOB_TITLE}': its question names the role"
    )
    assert checks[JOB_TITLE] == f"left out: could hold role, but '{ROLE_QUESTION}' was chosen"
    prepared = prepare_survey(db, io.BytesIO(data), name, partnership="Northside", confirmed=True)
    assert set(prepared.answers.to_pandas()["role"]) == set(ROLES)


def test_the_other_problems_are_kept_apart_from_the_confirmation(db, files):
    data, name = ms_forms([(JOB_TITLE, ROLES), (ROLE_QUESTION, ROLES)])  # no agency column
    with pytest.raises(UnconfirmedMappingError) as info:
        prepare_survey(db, io.BytesIO(data), name, partnership="Northside")
    others = info.value.others()
    assert [p.message for p in others.problems] == ["required column 'partner' is missing"]
    assert others.total == 1 and len(info.value.pending) == 2


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (ROLE_QUESTION, ("role", True)),
        ("Your role in the partnership", ("role", True)),
        ("Your position at your agency", ("role", False)),
        ("Which agency do you represent in the partnership?", ("partner", True)),
        ("Your organisation", ("partner", False)),
        ("Which partnership is this?", ("partnership", True)),
        ("Survey round", ("wave", True)),
        ("Your respondent code", ("respondent_id", True)),
        ("How long have you been in your role?", None),
        ("How many years in your organisation?", None),
        ("The partners trust each other", ("partner", True)),  # values decide: see above
    ],
)
def test_the_field_a_question_asks_for(question, expected):
    assert field_from_question(question) == expected


def test_a_template_is_matched_by_names_not_question_text(db, files):
    rows = [["respondent_id", "agency name", "wave", "mission_1"], ["r1", "Police", "2025-Q1", 4]]
    prepared = prepare_survey(db, io.BytesIO(files.csv(rows)), "t.csv")
    assert prepared.answers.to_pandas()["partner"].tolist() == ["Police"]
    assert prepared.proposal is not None and not prepared.proposal.by_question_text


def test_an_edited_mapping_with_two_columns_for_one_field_is_refused():
    base = ColumnMapping({"A": "role", "B": "ignore", "C": "comment", "D": "comment"})
    table = {"column": ["A", "B", "C", "D"], "maps_to": ["role", "role", "comment", "comment"]}
    with pytest.raises(AmbiguousMappingError) as info:
        edited_mapping(base, pd.DataFrame(table))
    assert info.value.doubled == {"role": ["A", "B"]}
    assert "2 columns map to role ('A', 'B')" in str(info.value)
