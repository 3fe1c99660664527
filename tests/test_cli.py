"""The command line, run in-process (and once as `python -m monitor`)."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest

from monitor import sample
from monitor.cli import main

SAMPLE_WAVES = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
RIVERSIDE = "Riverside Community Safety Partnership"
SAMPLE_FILES = 10  # 4 + 3 survey waves of two partnerships, 2 activity files, 1 outcomes file
SCORE_KEYS = {"partnership", "wave", "factor", "n", "mean", "sd", "ci_low", "ci_high"}
HEADER = "respondent_id,partner,wave,trust_1,trust_2,trust_3\n"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """A database file with the sample data loaded through the CLI."""
    path = tmp_path_factory.mktemp("demo") / "monitor.duckdb"
    assert main(["demo", "--db", str(path)]) == 0
    return path


@pytest.fixture
def survey_file(tmp_path):
    def write(name: str, text: str) -> str:
        path = tmp_path / name
        path.write_bytes(text.encode("utf-8"))
        return str(path)

    return write


def test_demo_uploads_and_scores(cli, tmp_path):
    db = tmp_path / "monitor.duckdb"
    code, out, err = cli("demo", "--db", db)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert len(lines) == SAMPLE_FILES
    assert lines[0].startswith("Imported riverside_2025-Q1.xlsx as upload #1: ")
    assert all(RIVERSIDE in line for line in lines[:4])

    assert cli("demo", "--db", db) == (0, "The sample data is already loaded.\n", "")

    code, out, _ = cli("uploads", "--db", db)
    assert code == 0
    rows = out.splitlines()
    assert rows[0].split()[:3] == ["upload_id", "kind", "file_name"]
    assert [r.split()[0] for r in rows[1:]] == [str(n) for n in range(SAMPLE_FILES, 0, -1)]

    code, out, _ = cli("scores", "--db", db, "--partnership", RIVERSIDE)
    assert code == 0
    assert out.splitlines()[0].split() == [
        "partnership", "wave", "factor", "n", "mean", "sd", "ci_low", "ci_high", "band",
        "suppressed",
    ]  # fmt: skip
    assert len(out.splitlines()) == 1 + 4 * 10


def test_scores_json(cli, demo_db, instrument):
    code, out, err = cli("scores", "--db", demo_db, "--format", "json", "--partnership", RIVERSIDE)
    assert (code, err) == (0, "")
    records = json.loads(out)
    assert len(records) == len(SAMPLE_WAVES) * len(instrument.factors)
    assert all(set(r) >= SCORE_KEYS for r in records)
    assert all("partner" not in r for r in records)
    assert list(dict.fromkeys(r["wave"] for r in records)) == SAMPLE_WAVES
    assert [r["factor"] for r in records[:10]] == list(instrument.factor_keys)
    first = records[0]
    assert first["wave_start"] == "2025-01-01"
    assert first["ci_low"] < first["mean"] < first["ci_high"]
    assert isinstance(first["n"], int)


def test_scores_json_by_partner(cli, demo_db):
    code, out, _ = cli(
        "scores", "--db", demo_db, "--format", "json", "--by", "partner", "--partnership", RIVERSIDE
    )
    assert code == 0
    records = json.loads(out)
    assert all((SCORE_KEYS | {"partner"}) <= set(r) for r in records)
    assert len({r["partner"] for r in records}) > 1
    assert list(dict.fromkeys(r["wave"] for r in records)) == SAMPLE_WAVES
    # No NaN in the output: a missing sd or interval is null.
    assert "NaN" not in out


def test_sample_small_partner_is_hidden_by_default(cli, demo_db):
    """Youth Service has 2 respondents in 2025-Q2 and Q3 of the sample."""
    args = ("scores", "--db", demo_db, "--format", "json", "--by", "partner")
    records = pd.DataFrame(json.loads(cli(*args, "--partnership", RIVERSIDE)[1]))
    youth = records[(records["partner"] == "Youth Service") & (records["n"] < 3)]
    assert set(youth["wave"]) == {"2025-Q2", "2025-Q3"}
    assert youth["mean"].isna().all() and youth["suppressed"].all()
    assert youth["sd"].isna().all() and youth["ci_low"].isna().all()
    roles = pd.DataFrame(json.loads(cli(*args[:-1], "role")[1]))
    assert roles.loc[roles["n"] < 3, "mean"].isna().all()


def test_sample_selection_change_hides_the_small_previous_wave(cli, demo_db):
    code, out, _ = cli(
        "scorecard", "--db", demo_db, "--partnership", RIVERSIDE, "--wave", "2025-Q4",
        "--partner", "Youth Service", "--format", "json",
    )  # fmt: skip
    card = pd.DataFrame(json.loads(out))
    assert code == 0 and card["mean"].notna().any()
    assert card["previous_mean"].isna().all() and card["change"].isna().all()
    code, out, _ = cli(
        "scores", "--db", demo_db, "--partnership", RIVERSIDE, "--partner", "Youth Service",
        "--format", "json",
    )  # fmt: skip
    trend = pd.DataFrame(json.loads(out))
    assert trend.loc[trend["wave"].isin(["2025-Q2", "2025-Q3"]), "mean"].isna().all()
    assert trend.loc[trend["wave"] == "2025-Q1", "mean"].notna().all()


def test_scores_csv(cli, demo_db):
    code, out, _ = cli(
        "scores", "--db", demo_db, "--format", "csv", "--by", "role", "--partnership", RIVERSIDE
    )
    assert code == 0
    frame = pd.read_csv(io.StringIO(out))
    assert SCORE_KEYS | {"role"} <= set(frame.columns)
    assert list(dict.fromkeys(frame["wave"])) == SAMPLE_WAVES
    assert frame["wave_start"].iloc[0] == "2025-01-01"


def test_scores_of_one_partnership(cli, demo_db):
    code, out, _ = cli("scores", "--db", demo_db, "--format", "json", "--partnership", "Nowhere")
    assert (code, json.loads(out)) == (0, [])


def test_scores_of_an_empty_database(cli, tmp_path):
    code, out, _ = cli("scores", "--db", tmp_path / "empty.duckdb")
    assert code == 0
    assert out.startswith("No survey data yet.")
    assert cli("uploads", "--db", tmp_path / "empty.duckdb") == (0, "No uploads yet.\n", "")


def test_import(cli, tmp_path, survey_file):
    path = survey_file("q1.csv", HEADER + "R1,Police,2025-Q1,4,4,4\nR2,Council,2025-Q1,2,,3\n")
    code, out, err = cli("import", path, "--db", tmp_path / "m.duckdb", "--partnership", "Hill")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == (
        "Imported q1.csv as upload #1: 2 respondent rows, 6 answers, wave(s) 2025-Q1 of Hill."
    )
    assert out.splitlines()[1].startswith("  note: Items not in the file")


def test_import_with_wave_option(cli, tmp_path, survey_file):
    path = survey_file("x.csv", "respondent_id,partner,trust_1,trust_2\nR1,Police,4,4\n")
    code, out, _ = cli("import", path, "--wave", "2025 Q3", "--db", tmp_path / "m.duckdb")
    assert code == 0
    assert "wave(s) 2025-Q3 of Partnership." in out


def test_import_of_a_bad_file(cli, tmp_path, survey_file):
    path = survey_file("bad.csv", HEADER + "R1,Police,2025-Q1,Agreed,4,4\n")
    code, out, err = cli("import", path, "--db", tmp_path / "m.duckdb")
    assert (code, out) == (2, "")
    assert err.splitlines()[0] == "bad.csv was not imported: 1 problem found. Nothing was stored."
    assert err.splitlines()[1].startswith(
        "  - row 2, column 'trust_1': unknown answer (value: 'Agreed')."
    )
    assert "Traceback" not in err
    assert cli("uploads", "--db", tmp_path / "m.duckdb")[1] == "No uploads yet.\n"


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("empty.csv", b"", "empty.csv is empty."),
        ("notes.pdf", b"%PDF", "notes.pdf: files of type '.pdf' cannot be imported."),
        ("broken.xlsx", b"not a workbook", "broken.xlsx is not a valid Excel workbook"),
    ],
)
def test_import_of_an_unreadable_file(cli, tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    code, out, err = cli("import", path, "--db", tmp_path / "m.duckdb")
    assert (code, out) == (2, "")
    assert err.startswith(message)
    assert "Traceback" not in err


def test_import_of_a_missing_file(cli, tmp_path):
    code, _, err = cli("import", tmp_path / "nowhere.csv", "--db", tmp_path / "m.duckdb")
    assert code == 2
    assert err.startswith(f"{tmp_path / 'nowhere.csv'}: cannot open the file (")


def test_import_of_the_same_file_twice(cli, tmp_path, survey_file):
    path = survey_file("q1.csv", HEADER + "R1,Police,2025-Q1,4,4,4\n")
    db = tmp_path / "m.duckdb"
    assert cli("import", path, "--db", db)[0] == 0
    code, out, err = cli("import", path, "--db", db)
    assert (code, out) == (2, "")
    assert err.startswith("q1.csv was already imported as upload #1 (q1.csv, ")
    assert "Traceback" not in err


def test_import_goes_on_after_a_rejected_file(cli, tmp_path, survey_file):
    bad = survey_file("bad.csv", HEADER + "R1,Police,2025-Q1,9,4,4\n")
    good = survey_file("good.csv", HEADER + "R1,Police,2025-Q1,4,4,4\n")
    code, out, err = cli("import", bad, good, "--db", tmp_path / "m.duckdb")
    assert code == 2
    assert err.startswith("bad.csv was not imported")
    assert out.startswith("Imported good.csv as upload #1")


def test_remove(cli, tmp_path, survey_file):
    db = tmp_path / "m.duckdb"
    cli("import", survey_file("q1.csv", HEADER + "R1,Police,2025-Q1,4,4,4\n"), "--db", db)
    code, out, err = cli("remove", "99", "--db", db)
    assert (code, out) == (2, "")
    assert err == "There is no upload #99. List uploads to see their numbers.\n"
    assert cli("remove", "1", "--db", db) == (0, "Removed upload #1 (q1.csv, 1 rows).\n", "")
    assert cli("uploads", "--db", db)[1] == "No uploads yet.\n"


def test_template(cli, tmp_path, instrument):
    out_path = tmp_path / "forms" / "template.xlsx"
    out_path.parent.mkdir()
    code, out, _ = cli("template", out_path)
    assert (code, out) == (0, f"Wrote the survey template to {out_path}.\n")
    header = next(openpyxl.load_workbook(out_path)["Responses"].iter_rows(values_only=True))
    assert list(header[:4]) == ["respondent_id", "partner", "role", "wave"]
    assert set(instrument.item_ids) <= set(header)


def test_template_into_a_missing_folder(cli, tmp_path):
    code, _, err = cli("template", tmp_path / "no" / "such" / "dir" / "t.xlsx")
    assert code == 2
    assert err.startswith(f"Cannot write {tmp_path / 'no' / 'such' / 'dir' / 't.xlsx'}: ")
    assert "Traceback" not in err


def test_python_m_monitor(demo_db):
    done = subprocess.run(
        [sys.executable, "-m", "monitor", "scores", "--db", str(demo_db), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stderr) == (0, "")
    records = json.loads(done.stdout)
    riverside = [r["wave"] for r in records if r["partnership"] == RIVERSIDE]
    assert list(dict.fromkeys(riverside)) == SAMPLE_WAVES


def test_import_and_template_of_activity_records(cli, tmp_path):
    db = tmp_path / "m.duckdb"
    sample_file = sample.SAMPLE_DIR / "westbrook_activity_2025.csv"
    code, out, err = cli(
        "import", "--kind", "activity", sample_file, "--db", db, "--partnership", "W"
    )
    assert (code, err) == (0, "")
    assert "24 activity rows" in out and "of W." in out
    code, _, err = cli("import", "--kind", "activity", sample_file, "--db", db)
    assert code == 2 and "already imported" in err
    target = tmp_path / "activity.xlsx"
    assert cli("template", "--kind", "activity", target)[0] == 0
    assert openpyxl.load_workbook(target).sheetnames == ["Activity", "Instructions"]


# Both stores: a DuckDB file and PostgreSQL ---------------------------------------------


def test_round_trip_on_each_store(cli, store_url, tmp_path, request):
    """import, uploads, scores, remove, migrate, and copy into the other kind of store
    and back: the scores stay the same all the way."""
    code, out, err = cli("demo", "--db", store_url)
    assert (code, err, len(out.splitlines())) == (0, "", SAMPLE_FILES)
    code, out, _ = cli("migrate", "--db", store_url)
    assert code == 0 and out.endswith("(nothing to apply).\n")
    code, out, _ = cli("remove", 3, "--db", store_url)
    assert out == "Removed upload #3 (riverside_2025-Q3.xlsx, 36 rows).\n"
    code, before, _ = cli("scores", "--format", "csv", "--db", store_url)
    assert code == 0 and "2025-Q3" not in before

    if store_url.startswith("postgresql"):
        other = str(tmp_path / "copy.duckdb")
    else:
        other = request.getfixturevalue("pg_url")
    back = str(tmp_path / "back.duckdb")
    for source, target in ((store_url, other), (other, back)):
        code, out, err = cli("copy", "--from", source, "--to", target)
        assert (code, err) == (0, "")
        assert out.startswith("Copied 9 uploads (")
        assert "s3cret" not in out
    for copy in (other, back):
        code, after, _ = cli("scores", "--format", "json", "--db", copy)
        expected = json.loads(cli("scores", "--format", "json", "--db", store_url)[1])
        for got, want in zip(json.loads(after), expected, strict=True):
            assert got.keys() == want.keys()
            for key, value in want.items():
                assert got[key] == (pytest.approx(value) if isinstance(value, float) else value)
        code, out, _ = cli("uploads", "--db", copy)
        assert len(out.splitlines()) == 1 + 9
    # Upload numbers go on after the highest ever used, also in the copies.
    code, out, _ = cli("demo", "--db", back)
    assert out.splitlines() == [out.splitlines()[0]]
    assert out.startswith("Imported riverside_2025-Q3.xlsx as upload #11: ")


def test_copy_refuses_a_store_that_holds_data(cli, tmp_path, demo_db):
    target = tmp_path / "full.duckdb"
    cli("import", "--db", target, *sample.sample_files()[:1])
    code, out, err = cli("copy", "--from", demo_db, "--to", target)
    assert (code, out) == (2, "")
    assert err == (
        f"{target} already holds data (1 uploads, 1 audit lines, 0 settings). Copy only "
        "into an empty store: a new DuckDB file or a new PostgreSQL database.\n"
    )


@pytest.mark.parametrize(
    "source,target,message",
    [
        ("missing.duckdb", "b.duckdb", "missing.duckdb: no such database file. Check the --from"),
        ("a.duckdb", "a.duckdb", "The source and the target are the same store."),
    ],
)
def test_copy_refusals(cli, tmp_path, monkeypatch, source, target, message):
    monkeypatch.chdir(tmp_path)
    from monitor.store.database import MIGRATIONS, SCHEMA_VERSION

    applied = ", ".join(str(version) for version in MIGRATIONS)
    assert cli("migrate", "--db", "a.duckdb")[1] == (
        f"a.duckdb: schema version {SCHEMA_VERSION} (applied migrations {applied}).\n"
    )
    code, out, err = cli("copy", "--from", source, "--to", target)
    assert (code, out) == (2, "")
    assert err.startswith(message)


def test_template_for_a_partnership(cli, tmp_path, survey_file):
    db = tmp_path / "m.duckdb"
    cli("import", survey_file("q1.csv", HEADER + "R1,Police,2025-Q1,4,4,4\n"), "--db", db)
    out_path = tmp_path / "riverside.xlsx"
    code, out, err = cli("template", out_path, "--partnership", "partnership", "--db", db)
    assert code == 0
    assert err.startswith("Note: no partnership named 'partnership' is stored; did you mean")
    rows = openpyxl.load_workbook(out_path)["Responses"].iter_rows(values_only=True)
    header, first = next(rows), next(rows)
    assert header[:5] == ("partnership", "respondent_id", "partner", "role", "wave")
    assert (first[0], first[4]) == ("partnership", None)
    code, _, err = cli("template", out_path, "--kind", "activity", "--partnership", "X")
    assert code == 2 and "survey template only" in err


TABLE_COMMANDS = [
    ("scorecard", "--wave", "2025-Q4"),
    ("scorecard", "--weighting", "agency"),
    ("partners",),
    ("power", "--from", "2025-Q2"),
    ("name-only",),
    ("reliability",),
    ("missing",),
    ("continuity",),
    ("cost", "--hourly-cost", "45"),
    ("outcomes",),
    ("outcomes", "--monthly"),
]


@pytest.mark.parametrize("command", TABLE_COMMANDS, ids=" ".join)
def test_table_commands_as_json_csv_and_table(cli, demo_db, command):
    args = (*command, "--db", demo_db, "--partnership", RIVERSIDE)
    code, out, err = cli(*args, "--format", "json")
    assert (code, err) == (0, "")
    records = json.loads(out)
    assert records and "NaN" not in out
    code, out, _ = cli(*args, "--format", "csv")
    frame = pd.read_csv(io.StringIO(out))
    assert code == 0 and len(frame) == len(records) and list(frame.columns) == list(records[0])
    code, out, _ = cli(*args)
    assert code == 0 and len(out.splitlines()) == len(records) + 1


def test_table_commands_match_the_library(cli, demo_db):
    from monitor import power, scorecard
    from monitor.store import close_all, open_database

    db = open_database(str(demo_db))
    view = scorecard.View(RIVERSIDE, "2025-Q3", weighting="agency")
    card = scorecard.scorecard(db, view)
    index = power.power_index(db, scorecard.View(RIVERSIDE, "2025-Q4"), 3)
    close_all()
    args = ("--db", demo_db, "--partnership", RIVERSIDE, "--format", "json")
    got = pd.DataFrame(json.loads(cli("scorecard", *args, "--wave", "2025-Q3",
                                      "--weighting", "agency")[1]))  # fmt: skip
    assert list(got.columns) == list(card.columns)
    assert got["change"].tolist() == pytest.approx(card["change"].tolist(), rel=1e-12)
    assert got["respondents"].tolist() == card["respondents"].tolist()
    got = pd.DataFrame(json.loads(cli("power", *args)[1]))
    assert got["sd"].tolist() == pytest.approx(index["sd"].tolist(), rel=1e-12, nan_ok=True)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("scorecard", "--partnership", "Nowhere"), "no survey data for 'Nowhere'"),
        (("scorecard", "--partnership", RIVERSIDE, "--wave", "2031-Q1"), "no wave '2031-Q1'"),
        (("partners", "--partnership", RIVERSIDE, "--partner", "Nobody"), "no partner 'Nobody'"),
        (("scorecard",), "Choose a partnership with --partnership"),
        (("cost", "--partnership", "Nowhere"), "Nothing is stored for 'Nowhere'"),
    ],
)
def test_table_commands_refuse_unknown_selections(cli, demo_db, args, message):
    code, out, err = cli(*args, "--db", demo_db)
    assert code == 2 and out == "" and message in err
