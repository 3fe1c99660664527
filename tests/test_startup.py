"""Commands start light: the CLI loads only what the command it runs needs.

Each case runs the command in a fresh interpreter and lists which of the slow-to-import
packages ended up in `sys.modules`.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import monitor
from monitor.store import close_all, open_database

# A name stands for the package and every module under it.
HEAVY = ("altair", "openpyxl", "scipy", "monitor.charts", "monitor.template")
# The light commands print plain rows: they load neither pandas nor numpy either.
LIGHT_HEAVY = (*HEAVY, "pandas", "numpy", "pyarrow")

RUNNER = """
import json, sys
from monitor.cli import main

out, argv, heavy = sys.argv[1], sys.argv[2:], {heavy!r}
try:
    code = main(argv)
except SystemExit as exc:
    code = exc.code
loaded = sorted(
    name for name in heavy if any(m == name or m.startswith(name + ".") for m in sys.modules)
)
with open(out, "w") as handle:
    json.dump({{"code": code, "loaded": loaded}}, handle)
"""


@pytest.fixture(scope="module")
def scored_db(tmp_path_factory, files) -> Path:
    """A database file with a few respondents' answers."""
    from monitor.ingest import import_survey

    path = tmp_path_factory.mktemp("startup") / "monitor.duckdb"
    rows = [["respondent_id", "partner", "wave", "trust_1", "trust_2", "trust_3"]]
    rows += [[f"R{i}", "Police", "2025-Q1", 1 + i % 5, 2, 3] for i in range(6)]
    import_survey(open_database(path), io.BytesIO(files.csv(rows)), "survey.csv")
    close_all()
    return path


def run_cli(tmp_path: Path, *args: str, heavy: tuple[str, ...] = HEAVY) -> dict:
    """Run the CLI in a new interpreter; its exit code and the `heavy` modules it loaded."""
    out = tmp_path / "loaded.json"
    src = str(Path(monitor.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-c", RUNNER.format(heavy=heavy), str(out), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(out.read_text())


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["scores", "--db", "{db}"],
        ["scores", "--db", "{db}", "--by", "partner", "--format", "json"],
        ["uploads", "--db", "{db}"],
    ],
    ids=["help", "scores", "scores-json", "uploads"],
)
def test_light_commands_load_no_charts_excel_scipy_pandas_or_numpy(tmp_path, scored_db, args):
    result = run_cli(tmp_path, *(a.format(db=scored_db) for a in args), heavy=LIGHT_HEAVY)
    assert result == {"code": 0, "loaded": []}


def test_scores_of_fresh_answers_load_no_pandas(tmp_path, files):
    """The first reading of new answers makes their kept scores: without pandas too."""
    from monitor.ingest import import_survey

    path = tmp_path / "fresh.duckdb"
    rows = [["respondent_id", "partner", "wave", "trust_1", "trust_2"]]
    rows += [[f"R{i}", "Police", "2025-Q1", 1 + i % 5, 4] for i in range(4)]
    import_survey(open_database(path), io.BytesIO(files.csv(rows)), "survey.csv")
    close_all()
    result = run_cli(tmp_path, "scores", "--db", str(path), "--format", "csv", heavy=LIGHT_HEAVY)
    assert result == {"code": 0, "loaded": []}


def test_agency_weighting_may_load_pandas(tmp_path, scored_db):
    """The check above can fail: one agency, one vote is computed with pandas."""
    args = ("scores", "--db", str(scored_db), "--weighting", "agency")
    result = run_cli(tmp_path, *args, heavy=LIGHT_HEAVY)
    assert result["code"] == 0 and "pandas" in result["loaded"]


def test_the_runner_sees_heavy_modules(tmp_path, scored_db):
    """The check above can fail: `template` loads openpyxl and the template module."""
    result = run_cli(tmp_path, "template", str(tmp_path / "t.xlsx"))
    assert result["code"] == 0
    assert {"openpyxl", "monitor.template"} <= set(result["loaded"])


def test_importing_a_csv_loads_no_spreadsheet_library_charts_or_pandas(tmp_path, files):
    """A CSV import reads no workbook: neither openpyxl, a workbook reader (nor the module
    around them), the checks of an Invited sheet nor the template is loaded; and its checks
    and storing do without pandas (a third of a second to load) and without the wrappers of
    `pyarrow.compute` (80 ms of CPU; see arrow_kernels.py)."""
    survey = tmp_path / "survey.csv"
    rows = [["respondent_id", "partner", "wave", "trust_1", "trust_2", "trust_3"]]
    survey.write_bytes(
        files.csv(rows + [[f"R{i}", "Police", "2025-Q1", 4, 2, 3] for i in range(6)])
    )
    db = tmp_path / "import.duckdb"
    heavy = (*HEAVY, "fastexcel", "python_calamine_plus", "pandas", "pyarrow.compute")
    heavy += ("monitor.ingest.workbooks", "monitor.ingest.invited")
    result = run_cli(tmp_path, "import", str(survey), "--db", str(db), heavy=heavy)
    assert result == {"code": 0, "loaded": []}


def test_importing_a_workbook_streams_it_without_the_whole_sheet_reader(tmp_path, files):
    """The check above can fail: an .xlsx import loads its row-by-row reader; the reader
    of whole sheets (fastexcel, for .xls files), pandas and `pyarrow.compute` stay
    unloaded."""
    survey = tmp_path / "survey.xlsx"
    rows = [["respondent_id", "partner", "wave", "trust_1", "trust_2", "trust_3"]]
    survey.write_bytes(
        files.xlsx(rows + [[f"R{i}", "Police", "2025-Q1", 4, 2, 3] for i in range(6)])
    )
    db = tmp_path / "import.duckdb"
    heavy = ("fastexcel", "python_calamine_plus", "pandas", "pyarrow.compute")
    result = run_cli(tmp_path, "import", str(survey), "--db", str(db), heavy=heavy)
    assert result == {"code": 0, "loaded": ["python_calamine_plus"]}
