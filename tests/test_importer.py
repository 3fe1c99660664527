"""Importing wide survey files: every accepted form, and every reason to refuse one."""

from __future__ import annotations

import io
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime

import pyarrow as pa
import pytest

from monitor.errors import (
    DuplicateUploadError,
    Problem,
    UnreadableFileError,
    ValidationError,
)
from monitor.ingest import import_survey, prepare_survey
from monitor.store import open_database, staging
from monitor.store.staging import MAX_PROBLEMS

HEADER = ["respondent_id", "partner", "wave", "trust_1", "trust_2", "trust_3"]
ROWS = [
    HEADER,
    ["R1", "Café – Council", "2025-Q1", 4, 5, 2],
    ["R2", "Youth Services, North", "2025-Q1", 1, None, 3],
]
STORED = [
    ("R1", "Café – Council", "trust_1", 4.0),
    ("R1", "Café – Council", "trust_2", 5.0),
    ("R1", "Café – Council", "trust_3", 2.0),
    ("R2", "Youth Services, North", "trust_1", 1.0),
    ("R2", "Youth Services, North", "trust_2", None),
    ("R2", "Youth Services, North", "trust_3", 3.0),
]
AS_TEXT = [[str(c) if c is not None else "" for c in row] for row in ROWS]

UNKNOWN = "unknown answer"
OUTSIDE = "number outside the answer scale"
NO_DATE = "this wave has no date to place it in time"


def one_row(*cells, header=HEADER):
    """A file of the header and one respondent row."""
    return [header, list(cells)]


def located(problems: list[Problem]) -> list[tuple]:
    return [(p.row, p.column, p.value, p.message) for p in problems]


# Accepted forms ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "file_name,build",
    [
        ("comma.csv", lambda f: f.csv(ROWS)),
        ("semicolon.csv", lambda f: f.csv(ROWS, delimiter=";")),
        ("tab.csv", lambda f: f.csv(ROWS, delimiter="\t")),
        ("tab.tsv", lambda f: f.csv(ROWS, delimiter="\t")),
        ("unix-lines.csv", lambda f: f.csv(ROWS, line_end="\n")),
        ("bom.csv", lambda f: f.csv(ROWS, encoding="utf-8-sig")),
        ("bom-semicolon.csv", lambda f: f.csv(ROWS, delimiter=";", encoding="utf-8-sig")),
        ("windows.csv", lambda f: f.csv(ROWS, encoding="cp1252")),
        ("windows-semicolon.csv", lambda f: f.csv(ROWS, delimiter=";", encoding="cp1252")),
        ("UPPER.CSV", lambda f: f.csv(ROWS)),
        ("survey.xlsx", lambda f: f.xlsx(ROWS)),
        ("text-cells.xlsx", lambda f: f.xlsx(AS_TEXT)),
        ("other-sheet-name.xlsx", lambda f: f.xlsx(ROWS, sheet="Sheet1")),
        ("survey.xls", lambda f: f.xls(ROWS)),
        ("text-cells.xls", lambda f: f.xls(AS_TEXT)),
    ],
)
def test_accepted_file_forms(load, stored, files, file_name, build):
    result = load(build(files), file_name)
    assert (result.rows, result.answers, result.waves) == (2, 6, ["2025-Q1"])
    assert result.partnerships == ["Partnership"]
    assert stored() == STORED


MANY_ROWS = [
    HEADER,
    *[
        [f"R{i}", "Police" if i % 2 else "Council", "2025-Q1", 1 + i % 5, None, 5 - i % 5]
        for i in range(1, 12)
    ],
]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_file_staged_in_small_batches_stores_the_same(files, monkeypatch, kind):
    """DuckDB shares the staging out by batch of the file's rows: the answers and their
    row numbers do not depend on how the rows are cut into batches."""
    data = files.xlsx(MANY_ROWS) if kind == "xlsx" else files.csv(MANY_ROWS)
    sql = "SELECT source_row, respondent_id, partner, item_id, value FROM answers ORDER BY ALL"
    stored = []
    for rows_per_batch in (staging.SCAN_BATCH_ROWS, 2):
        monkeypatch.setattr(staging, "SCAN_BATCH_ROWS", rows_per_batch)
        db = open_database(":memory:")
        import_survey(db, io.BytesIO(data), f"survey.{kind}", partnership="P")
        stored.append(db.query_rows(sql))
        db.close()
    assert stored[0] == stored[1]
    assert len(stored[0]) == 11 * 3


def test_scan_batches_are_slices_of_the_table():
    table = pa.table({"a": list(range(20)), "b": [str(i) for i in range(20)]})
    batched = staging.in_scan_batches(table)
    assert batched.equals(table)
    assert [b.num_rows for b in batched.to_batches()] == [20]
    small = pa.Table.from_batches(table.to_batches(max_chunksize=7))
    assert staging.in_scan_batches(small).equals(table)


def test_each_staging_connection_has_its_own_tables():
    with staging.private_connection() as one, staging.private_connection() as two:
        one.execute("CREATE TEMP TABLE t AS SELECT 1 AS a")
        two.execute("CREATE TEMP TABLE t AS SELECT 2 AS a")
        assert one.execute("SELECT a FROM t").fetchall() == [(1,)]
        assert two.execute("SELECT a FROM t").fetchall() == [(2,)]
    with staging.private_connection() as three:
        assert three.execute("SELECT count(*) FROM duckdb_tables()").fetchall() == [(0,)]


def test_files_checked_at_once_in_threads_keep_their_own_answers_and_problems(db, files):
    """Sessions check files side by side: each staging has its own connection."""
    wrong = [ROWS[0], ["R1", "Police", "2025-Q1", 9, "maybe", 2]]
    other = [ROWS[0], *[[f"S{i}", "Health", "2025-Q2", 3, 3, 1] for i in range(40)]]
    inputs = [("a.csv", files.csv(ROWS)), ("b.csv", files.csv(other)), ("c.csv", files.csv(wrong))]

    def check(name_and_data):
        name, data = name_and_data
        try:
            return prepare_survey(db, io.BytesIO(data), name).staged.table().to_pylist()
        except ValidationError as exc:
            return located(exc.problems)

    alone = [check(given) for given in inputs]
    with ThreadPoolExecutor(max_workers=6) as pool:
        together = list(pool.map(check, inputs * 6))
    assert together == alone * 6
    assert len(alone[1]) == 40 * 3 and len(alone[2]) == 2


def test_cp1252_bytes_are_decoded(load, stored):
    data = "respondent_id;partner;wave;trust_1\r\nR1;Café – Council;2025-Q1;4\r\n".encode("cp1252")
    assert b"\xe9" in data and b"\x96" in data  # é and the en dash, as Windows writes them
    load(data, "export.csv")
    assert stored() == [("R1", "Café – Council", "trust_1", 4.0)]


def test_responses_sheet_is_preferred(load, stored, files):
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "Instructions"
    workbook.active.append(["Fill in the Responses sheet"])
    responses = workbook.create_sheet(" responses ")
    for row in ROWS:
        responses.append(row)
    out = io.BytesIO()
    workbook.save(out)
    load(out.getvalue(), "survey.xlsx")
    assert stored() == STORED


@pytest.mark.parametrize(
    "answer,value",
    [
        ("4", 4.0),
        (" 4 ", 4.0),
        ("4.0", 4.0),
        ("1", 1.0),
        ("5", 5.0),
        ("Agree", 4.0),
        ("  strongly AGREE ", 5.0),
        ("strongly\u00a0disagree", 1.0),
        ("Strongly   Disagree", 1.0),
        ("disagree", 2.0),
        ("Neither agree nor disagree", 3.0),
        ("4 - Agree", 4.0),
        ("Don't know", None),
        ("Don\u2019t know", None),
        ("DON'T KNOW", None),
        ("dont know", None),
        ("N/A", None),
        ("n/a", None),
        ("Not applicable", None),
        ("Prefer not to say", None),
        ("", None),
        ("   ", None),
    ],
)
def test_answer_forms(load, stored, answer, value):
    load(one_row("R1", "Police", "2025-Q1", answer, "3", "3"))
    assert stored()[0] == ("R1", "Police", "trust_1", value)


@pytest.mark.parametrize("kind", ["xlsx", "xls"])
@pytest.mark.parametrize("answer,value", [(4, 4.0), (4.0, 4.0), ("Agree", 4.0), (None, None)])
def test_answer_cells_in_workbooks(load, stored, files, kind, answer, value):
    build = getattr(files, kind)
    load(build(one_row("R1", "Police", "2025-Q1", answer, 3, 3)), f"survey.{kind}")
    assert stored()[0] == ("R1", "Police", "trust_1", value)


def test_missing_answers_are_stored_as_null(load, db):
    result = load(one_row("R1", "Police", "2025-Q1", "Don't know", "N/A", ""))
    assert result.answers == 3
    assert db.query_rows("SELECT count(*), count(value) FROM answers") == [(3, 0)]


@pytest.mark.parametrize(
    "header",
    [
        ["respondent_id", "partner", "wave"],
        ["Respondent ID", "Agency", "Wave"],
        ["RESPONDENT_ID", "Partner Agency", "Survey Wave"],
        ["respondent", "organisation", "period"],
        [" Respondent-Code ", "Organization", "survey-wave"],
        ["RespondentID", "partner_agency", "WAVE"],
    ],
)
def test_header_aliases_and_case(load, stored, header):
    load(one_row("R1", "Police", "2025-Q1", "4", header=[*header, "Trust_1"]))
    assert stored() == [("R1", "Police", "trust_1", 4.0)]


@pytest.mark.parametrize(
    "header,cell,wave_arg,expected",
    [
        (["wave"], ["2025 Q2"], None, ("2025-Q2", date(2025, 4, 1))),
        ([], [], "2025-Q3", ("2025-Q3", date(2025, 7, 1))),
        ([], [], "2025-03-31", ("2025-03-31", date(2025, 3, 31))),
        (["wave"], [""], "2025-H2", ("2025-H2", date(2025, 7, 1))),
        (["wave"], ["2025-Q1"], "2025-Q4", ("2025-Q1", date(2025, 1, 1))),
    ],
)
def test_wave_from_column_or_argument(load, db, header, cell, wave_arg, expected):
    rows = [["respondent_id", "partner", *header, "trust_1"], ["R1", "Police", *cell, "4"]]
    result = load(rows, wave=wave_arg)
    assert result.waves == [expected[0]]
    assert db.query_rows("SELECT wave, wave_start FROM answers") == [expected]


@pytest.mark.parametrize(
    "header,cell,partnership_arg,expected",
    [
        (["partnership"], ["Riverside"], None, "Riverside"),
        (["Partnership Name"], ["Riverside"], "Hillside", "Riverside"),
        ([], [], "Hillside", "Hillside"),
        (["partnership"], [""], "Hillside", "Hillside"),
        ([], [], None, "Partnership"),
    ],
)
def test_partnership_from_column_argument_or_default(
    load, db, header, cell, partnership_arg, expected
):
    rows = [["respondent_id", "partner", "wave", *header, "trust_1"]]
    rows.append(["R1", "Police", "2025-Q1", *cell, "4"])
    result = load(rows, partnership=partnership_arg)
    assert result.partnerships == [expected]
    assert db.query_rows("SELECT DISTINCT partnership FROM answers") == [(expected,)]


def test_several_partnerships_and_waves_in_one_file(load, db):
    rows = [
        ["respondent_id", "partner", "wave", "partnership", "trust_1"],
        ["R1", "Police", "2025-Q2", "Riverside", "4"],
        ["R1", "Police", "2025-Q1", "Riverside", "3"],
        ["R1", "Police", "2025-Q1", "Hillside", "2"],
    ]
    result = load(rows)
    assert result.partnerships == ["Hillside", "Riverside"]
    assert result.waves == ["2025-Q1", "2025-Q2"]
    assert result.rows == 3


def test_role_column_is_optional(load, db):
    rows = [
        ["respondent_id", "partner", "role", "wave", "trust_1"],
        ["R1", "Police", "Senior", "2025-Q1", "4"],
        ["R2", "Police", "", "2025-Q1", "4"],
    ]
    load(rows)
    assert db.query_rows("SELECT respondent_id, role FROM answers ORDER BY 1") == [
        ("R1", "Senior"),
        ("R2", None),
    ]


@pytest.mark.parametrize(
    "file_name,data",
    [
        ("blank-rows.csv", b"respondent_id,partner,wave,trust_1\r\nR1,Police,2025-Q1,4\r\n,,,\r\n"),
        ("blank-lines.csv", b"respondent_id,partner,wave,trust_1\nR1,Police,2025-Q1,4\n\n\n"),
        ("space-rows.csv", b"respondent_id;partner;wave;trust_1\nR1;Police;2025-Q1;4\n ; ;  ;\n"),
        ("short-blank.csv", b"respondent_id,partner,wave,trust_1\nR1,Police,2025-Q1,4\n,\n"),
    ],
)
def test_trailing_blank_rows_are_ignored(load, stored, file_name, data):
    result = load(data, file_name)
    assert result.rows == 1
    assert stored() == [("R1", "Police", "trust_1", 4.0)]


def test_trailing_blank_rows_in_a_workbook_are_ignored(load, stored, files):
    rows = [*one_row("R1", "Police", "2025-Q1", 4, 4, 4), ["", "", "", "", "", ""], [" "] * 6]
    assert load(files.xlsx(rows), "survey.xlsx").rows == 1


def test_blank_rows_keep_the_row_numbers_of_the_rows_after_them(load, db):
    data = b"respondent_id,partner,wave,trust_1\nR1,Police,2025-Q1,4\n\n,,,\nR2,Police,2025-Q1,5\n"
    load(data)
    assert db.query_rows("SELECT respondent_id, source_row FROM answers ORDER BY 2") == [
        ("R1", 2),
        ("R2", 5),
    ]


def test_extra_columns_are_ignored_and_reported(load, stored, instrument):
    rows = [
        ["Timestamp", *HEADER, "comments", "trust_9"],
        ["2025-03-01 10:00", "R1", "Police", "2025-Q1", "4", "4", "4", "all good", "5"],
    ]
    result = load(rows)
    assert result.warnings[0] == "Columns ignored: Timestamp, comments, trust_9."
    missing = [i for i in instrument.item_ids if not i.startswith("trust_")]
    assert result.warnings[1] == (
        "Items not in the file (counted as unanswered): " + ", ".join(missing)
    )
    assert {row[2] for row in stored()} == {"trust_1", "trust_2", "trust_3"}


def test_a_complete_file_has_no_warnings(load, instrument):
    header = ["respondent_id", "partner", "wave", *instrument.item_ids]
    result = load([header, ["R1", "Police", "2025-Q1", *["4"] * len(instrument.item_ids)]])
    assert result.warnings == []
    assert result.answers == len(instrument.item_ids)


def test_prepare_validates_without_storing(db, counts, files):
    prepared = prepare_survey(db, io.BytesIO(files.csv(ROWS)), "survey.csv")
    assert (prepared.rows, prepared.waves) == (2, ["2025-Q1"])
    assert prepared.preview(3)["value"].tolist()[:3] == [4.0, 5.0, 2.0]
    assert counts(db) == (0, 0)


# Rejections -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rows,kwargs,expected",
    [
        pytest.param(
            [["partner", "wave", "trust_1"], ["Police", "2025-Q1", "4"]],
            {},
            [(1, None, None, "required column 'respondent_id' is missing")],
            id="no respondent_id",
        ),
        pytest.param(
            [["respondent_id", "wave", "trust_1"], ["R1", "2025-Q1", "4"]],
            {},
            [(1, None, None, "required column 'partner' is missing")],
            id="no partner",
        ),
        pytest.param(
            [["respondent_id", "partner", "trust_1"], ["R1", "Police", "4"]],
            {},
            [(1, None, None, "required column 'wave' is missing")],
            id="no wave",
        ),
        pytest.param(
            [["name", "agency name", "date", "comments"], ["Ann", "Police", "2025", "ok"]],
            {},
            [
                (1, None, None, "required column 'respondent_id' is missing"),
                (1, None, None, "required column 'partner' is missing"),
                (1, None, None, "required column 'wave' is missing"),
                (1, None, None, "no survey item columns found"),
            ],
            id="nothing recognised",
        ),
        pytest.param(
            [["respondent_id", "partner", "wave", "comments"], ["R1", "Police", "2025-Q1", "x"]],
            {},
            [(1, None, None, "no survey item columns found")],
            id="no item columns",
        ),
        pytest.param(
            one_row("R1", "Police", "2025-Q1", "Agreed", "4", "4"),
            {},
            [(2, "trust_1", "Agreed", UNKNOWN)],
            id="unknown label",
        ),
        pytest.param(
            one_row("R1", "Police", "2025-Q1", "4", "yes", "4"),
            {},
            [(2, "trust_2", "yes", UNKNOWN)],
            id="yes is not an answer",
        ),
        pytest.param(
            one_row("R1", "Police", "2025-Q1", "4", "4", "0"),
            {},
            [(2, "trust_3", "0", OUTSIDE)],
            id="zero",
        ),
        pytest.param(
            one_row("R1", "Police", "2025-Q1", "6", "4", "4"),
            {},
            [(2, "trust_1", "6", OUTSIDE)],
            id="six",
        ),
        pytest.param(
            one_row("R1", "Police", "2025-Q1", "3.5", "4", "4"),
            {},
            [(2, "trust_1", "3.5", "not a whole answer")],
            id="three and a half",
        ),
        pytest.param(
            one_row("R1", "Police", "2025-Q1", "-1", "4", "4"),
            {},
            [(2, "trust_1", "-1", OUTSIDE)],
            id="negative",
        ),
        pytest.param(
            [
                HEADER,
                ["R1", "Police", "2025-Q1", "4", "4", "4"],
                ["R1", "Council", "2025 q1", "3", "", ""],
            ],
            {},
            [
                (
                    2,
                    "respondent_id",
                    "R1",
                    "respondent appears more than once in wave 2025-Q1 (rows 2, 3)",
                ),
                (
                    3,
                    "respondent_id",
                    "R1",
                    "respondent appears more than once in wave 2025-Q1 (rows 2, 3)",
                ),
            ],
            id="duplicate respondent and wave",
        ),
        pytest.param(
            [
                HEADER,
                ["R1", "Police", "Baseline", "4", "4", "4"],
                ["R2", "Police", "Baseline", "4", "", ""],
            ],
            {},
            [(2, "wave", "Baseline", NO_DATE)],
            id="wave without a date",
        ),
        pytest.param(
            one_row("R1", "Police", "2025-13", "4", "4", "4"),
            {},
            [(2, "wave", "2025-13", NO_DATE)],
            id="impossible month",
        ),
        pytest.param(
            [["respondent_id", "partner", "trust_1"], ["R1", "Police", "4"]],
            {"wave": "Baseline"},
            [(2, "wave", "Baseline", NO_DATE)],
            id="wave argument without a date",
        ),
        pytest.param(
            one_row("", "Police", "2025-Q1", "4", "4", "4"),
            {},
            [(2, "respondent_id", "", "respondent_id is empty")],
            id="empty respondent",
        ),
        pytest.param(
            one_row("R1", " ", "2025-Q1", "4", "4", "4"),
            {},
            [(2, "partner", "", "partner is empty")],
            id="empty partner",
        ),
        pytest.param(
            one_row("R1", "Police", "", "4", "4", "4"),
            {},
            [(2, "wave", "", "wave is empty")],
            id="empty wave",
        ),
        pytest.param(
            [[*HEADER, "Trust_1"], ["R1", "Police", "2025-Q1", "4", "4", "4", "5"]],
            {},
            [(1, "Trust_1", None, "column name repeats column 4")],
            id="duplicate column names",
        ),
        pytest.param(
            [["Respondent ID", "respondent_id", "partner", "wave", "trust_1"]],
            {},
            [
                (1, "respondent_id", None, "column name repeats column 1"),
                (None, None, None, "the file has column names but no response rows"),
            ],
            id="alias and name both present",
        ),
        pytest.param(
            [HEADER],
            {},
            [(None, None, None, "the file has column names but no response rows")],
            id="header only",
        ),
        pytest.param(
            [HEADER, ["", "", "", "", "", ""], ["", "", "", "", "", ""]],
            {},
            [(None, None, None, "the file has column names but no response rows")],
            id="header and blank rows",
        ),
    ],
)
def test_rejections(load, db, counts, rows, kwargs, expected):
    with pytest.raises(ValidationError) as info:
        load(rows, **kwargs)
    assert located(info.value.problems) == expected
    assert info.value.total == len(expected)
    assert all(p.fix for p in info.value.problems)
    assert counts(db) == (0, 0)


def test_ragged_csv_row(load, counts, db):
    data = (
        b"respondent_id,partner,wave,trust_1\n"
        b"R1,Police,2025-Q1,4\n"
        b"R2,Police,2025-Q1,4,5\n"
        b"R3,Police,2025-Q1,9\n"
    )
    with pytest.raises(ValidationError) as info:
        load(data)
    assert located(info.value.problems) == [
        (3, None, None, "this row has 5 cells but the header has 4"),
        (4, "trust_1", "9", OUTSIDE),  # the rows after a ragged row keep their numbers
    ]
    assert counts(db) == (0, 0)


def test_header_only_workbook(load, files):
    with pytest.raises(ValidationError) as info:
        load(files.xlsx([HEADER]), "survey.xlsx")
    assert located(info.value.problems) == [
        (None, None, None, "the file has column names but no response rows")
    ]


def test_respondent_already_stored_for_the_wave(load, counts, db):
    first = load(one_row("R1", "Police", "2025-Q1", "4", "4", "4"), "first.csv")
    # Another wave, or another partnership, is a different response: accepted.
    load(one_row("R1", "Police", "2025-Q2", "4", "4", "4"), "next-wave.csv")
    load(one_row("R1", "Police", "2025-Q1", "1", "1", "1"), "other.csv", partnership="Hillside")
    before = counts(db)
    with pytest.raises(ValidationError) as info:
        load(
            [
                HEADER,
                ["R2", "Police", "2025 Q1", "4", "4", "4"],
                ["R1", "Council", "Q1 2025", "3", "", ""],
            ],
            "again.csv",
        )
    assert located(info.value.problems) == [
        (
            3,
            "respondent_id",
            "R1",
            f"respondent already has answers for wave 2025-Q1 in upload #{first.upload_id}",
        )
    ]
    assert counts(db) == before


def test_all_problems_of_a_file_are_reported_together(load):
    rows = [
        HEADER,
        ["R1", "Police", "2025-Q1", "Agreed", "4", "4"],
        ["R2", "Police", "2025-Q1", "4", "7", "4"],
        ["R3", "Police", "Baseline", "4", "4", "4"],
    ]
    with pytest.raises(ValidationError) as info:
        load(rows, "three.csv")
    assert located(info.value.problems) == [
        (2, "trust_1", "Agreed", UNKNOWN),
        (3, "trust_2", "7", OUTSIDE),
        (4, "wave", "Baseline", NO_DATE),
    ]
    assert info.value.total == 3


def test_file_level_problems_are_reported_together(load):
    data = b"respondent_id,wave,trust_1,TRUST_1\nR1,2025-Q1,4,4\nR2,2025-Q1,4,4,4\n"
    with pytest.raises(ValidationError) as info:
        load(data)
    assert located(info.value.problems) == [
        (1, "TRUST_1", None, "column name repeats column 3"),
        (1, None, None, "required column 'partner' is missing"),
        (3, None, None, "this row has 5 cells but the header has 4"),
    ]


@pytest.mark.parametrize(
    ("header", "suggested"),
    [("trust two", "trust_2"), ("trust _2", "trust_2"), ("TRUST-TWO", "trust_2")],
)
def test_a_mistyped_item_header_is_reported_with_the_value_problems(load, header, suggested):
    rows = [
        ["respondent_id", "partner", "wave", "trust_1", header, "trust_3"],
        ["R1", "Police", "2025-Q1", "3.5", "4", "9"],
    ]
    with pytest.raises(ValidationError) as info:
        load(rows)
    assert located(info.value.problems) == [
        (1, header, None, f"column name not recognised: it looks like '{suggested}'"),
        (2, "trust_1", "3.5", "not a whole answer"),
        (2, "trust_3", "9", OUTSIDE),
    ]
    assert info.value.problems[0].fix.startswith(f"Rename the column to '{suggested}'")


def test_a_mistyped_field_header_is_named_with_its_suggestion(load):
    with pytest.raises(ValidationError) as info:
        load([["respondnt_id", "partner", "wave", "trust_1"], ["R1", "Police", "2025-Q1", "4"]])
    assert located(info.value.problems) == [
        (1, None, None, "required column 'respondent_id' is missing"),
        (1, "respondnt_id", None, "column name not recognised: it looks like 'respondent_id'"),
    ]


def test_an_unrelated_extra_column_is_still_ignored(load):
    result = load([[*HEADER, "notes"], ["R1", "Police", "2025-Q1", "4", "4", "4", "late"]])
    assert result.rows == 1


def test_validation_error_reads_as_a_list(load):
    rows = [HEADER, ["R1", "Police", "2025-Q1", "Agreed", "4", "9"]]
    with pytest.raises(ValidationError) as info:
        load(rows, "march.csv")
    text = str(info.value)
    assert text.splitlines() == [
        "march.csv was not imported: 2 problems found. Nothing was stored.",
        "  - row 2, column 'trust_1': unknown answer (value: 'Agreed'). Use a number from 1 to 5, "
        'one of the scale\'s labels (for example "Agree"), "Don\'t know", "N/A" or leave it '
        "blank",
        "  - row 2, column 'trust_3': number outside the answer scale (value: '9'). Answers are "
        "whole numbers from 1 to 5; correct the value or leave it blank if there was no answer",
    ]
    assert "Traceback" not in text and 'File "' not in text


def test_many_problems_are_capped_with_a_total(load):
    bad = 250
    rows = [HEADER] + [[f"R{i}", "Police", "2025-Q1", "x", "4", "4"] for i in range(bad)]
    with pytest.raises(ValidationError) as info:
        load(rows)
    assert len(info.value.problems) == MAX_PROBLEMS
    assert info.value.total == bad
    assert str(info.value).splitlines()[0].endswith(f"{bad} problems found. Nothing was stored.")
    assert str(info.value).splitlines()[-1] == (
        f"  ... and {bad - MAX_PROBLEMS} more (fix the ones above and upload again)."
    )


def _zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "not a workbook")
    return out.getvalue()


@pytest.mark.parametrize(
    "file_name,build,message",
    [
        (
            "survey.csv",
            lambda f: b"",
            "survey.csv is empty. Export the survey again and upload it.",
        ),
        (
            "survey.xlsx",
            lambda f: b"",
            "survey.xlsx is empty. Export the survey again and upload it.",
        ),
        (
            "survey.csv",
            lambda f: b" \r\n\r\n",
            "survey.csv is empty. Export the survey again and upload it.",
        ),
        (
            "survey.xlsx",
            lambda f: b"\x00\x01garbage bytes\xff" * 20,
            "survey.xlsx is not a valid Excel workbook (it may be damaged, or a different kind "
            "of file renamed). Open it in Excel and save it again as .xlsx.",
        ),
        (
            "survey.xlsx",
            lambda f: f.csv(ROWS),
            "survey.xlsx is not a valid Excel workbook (it may be damaged, or a different kind "
            "of file renamed). Open it in Excel and save it again as .xlsx.",
        ),
        (
            "survey.xls",
            lambda f: b"garbage",
            "survey.xls is not a valid Excel workbook (it may be damaged, or a different kind "
            "of file renamed). Open it in Excel and save it again as .xlsx.",
        ),
        (
            "survey.csv",
            lambda f: _zip_bytes(),
            "survey.csv is an Excel workbook saved with a '.csv' name. Rename it to .xlsx "
            "(or .xls), or save it from Excel as CSV.",
        ),
        (
            "survey.csv",
            lambda f: f.xlsx(ROWS),
            "survey.csv is an Excel workbook saved with a '.csv' name. Rename it to .xlsx "
            "(or .xls), or save it from Excel as CSV.",
        ),
        (
            "survey.csv",
            lambda f: f.xls(ROWS),
            "survey.csv is an Excel workbook saved with a '.csv' name. Rename it to .xlsx "
            "(or .xls), or save it from Excel as CSV.",
        ),
        (
            "survey.pdf",
            lambda f: b"%PDF-1.4",
            "survey.pdf: files of type '.pdf' cannot be imported. Upload an Excel workbook "
            "(.xlsx, .xls) or a CSV file (.csv).",
        ),
        (
            "survey",
            lambda f: f.csv(ROWS),
            "survey: files of type 'none' cannot be imported. Upload an Excel workbook "
            "(.xlsx, .xls) or a CSV file (.csv).",
        ),
        (
            "survey.xlsx",
            lambda f: f.xlsx([]),
            "The sheet 'Responses' of survey.xlsx is empty. Put the responses in the first "
            "sheet (or one named 'Responses') with the column names in row 1.",
        ),
    ],
)
def test_unreadable_files(load, files, counts, db, file_name, build, message):
    with pytest.raises(UnreadableFileError) as info:
        load(build(files), file_name)
    assert str(info.value) == message
    assert counts(db) == (0, 0)


def test_zip_named_xlsx_is_unreadable(load):
    with pytest.raises(UnreadableFileError) as info:
        load(_zip_bytes(), "survey.xlsx")
    message = str(info.value)
    assert message.startswith("survey.xlsx could not be read as an Excel workbook (")
    assert message.endswith("open it in Excel and save it again as .xlsx.")
    assert "\n" not in message


def test_same_bytes_twice_are_refused(load, counts, db, files):
    data = files.csv(ROWS)
    first = load(data, "march.csv")
    with pytest.raises(DuplicateUploadError) as info:
        load(data, "march (1).csv")
    assert str(info.value).startswith(
        f"march (1).csv was already imported as upload #{first.upload_id} (march.csv, "
    )
    assert counts(db) == (1, 6)


def test_waves_from_workbook_date_cells(load, db, files):
    rows = [
        ["respondent_id", "partner", "wave", "trust_1"],
        ["R1", "Police", datetime(2025, 3, 31), 4],
        ["R2", "Police", 2024, 4],
    ]
    load(files.xlsx(rows), "survey.xlsx")
    load(files.xls(rows), "survey.xls", partnership="Hillside")
    assert db.query_rows("SELECT DISTINCT wave, wave_start FROM answers ORDER BY 2") == [
        ("2024", date(2024, 1, 1)),
        ("2025-03-31", date(2025, 3, 31)),
    ]


def test_wave_label_dated_by_a_wave_start_column(load, db):
    header = ["respondent_id", "partner", "wave", "wave_start", "trust_1"]
    load(
        [header, ["R1", "Police", "Baseline", "2024-11-01", 4], ["R2", "Police", "Baseline", "", 3]]
    )
    # A later file may name the stored label alone: its date is reused.
    load([["respondent_id", "partner", "wave", "trust_1"], ["R3", "Police", "Baseline", 5]])
    assert db.query_rows("SELECT DISTINCT wave, wave_start FROM answers") == [
        ("Baseline", date(2024, 11, 1))
    ]


def test_unnamed_column_with_data_is_reported(load):
    result = load([[*HEADER, ""], ["R1", "Police", "2025-Q1", 4, 4, 4, "note"]])
    assert result.warnings[0] == "Columns ignored: (column 7, which has no name)."


def test_xls_workbook_named_xlsx_is_read(load, stored, files):
    load(files.xls(ROWS), "survey.xlsx")
    assert stored() == STORED


def test_late_responses_add_to_a_stored_wave(load):
    first = load([HEADER, ["R1", "Police", "2025-Q1", "4", "4", "4"]])
    assert first.adds_to == [] and "adds" not in first.summary()
    late = load([HEADER, ["R2", "Council", "2025-Q1", "3", "3", "3"]], "late.csv")
    assert late.adds_to == ["2025-Q1"]
    assert late.summary().endswith("It adds new respondents to wave 2025-Q1, already stored.")
    other = load([HEADER, ["R3", "Council", "2025-Q2", "3", "3", "3"]], "q2.csv")
    assert other.adds_to == []
