"""Library errors carry the facts; the command line and the dashboard each add the hint
that fits them (a flag there, the app's settings or a page here)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from monitor import cli
from monitor.dashboard import session as dashboard
from monitor.errors import (
    DatabaseOpenError,
    DatabaseUnreachableError,
    MonitorError,
    NotADatabaseError,
    Problem,
    StoreBusyError,
    UnconfirmedMappingError,
    ValidationError,
)

LIBRARY = Path(cli.__file__).parent
FACES = {"cli.py", "dashboard"}  # modules that speak to one face
# The Excel templates are documents for the user, who may use either face.
DOCUMENTS = {"template.py"}
FACE_WORDS = re.compile(r"(?<![\w-])--[a-z][a-z-]*|\b[A-Z][a-z]+ (?:records )?page\b")

UNCERTAIN = Problem("some columns were matched by similar text: Q1", "Check the mapping", row=1)

# error, what the library says, the command line's hint, the dashboard's hint
CASES = [
    (
        NotADatabaseError("notes.duckdb"),
        "notes.duckdb is not a Partnership Monitor database.",
        "Point --db or MONITOR_DB at another file.",
        "Set MONITOR_DB (environment or the app's secrets) to another file.",
    ),
    (
        DatabaseOpenError("m.duckdb", "Could not set lock on file"),
        "Cannot open the database m.duckdb: Could not set lock on file.",
        "Or point --db at another file.",
        "Then reload this page.",
    ),
    (
        StoreBusyError("m.duckdb", 30, "python3, process 41", writing=True),
        "The database m.duckdb is busy: it is in use elsewhere (held by python3, process 41), "
        "as by an import that is still being stored. Waited 30 seconds for a turn. "
        "Nothing was stored.",
        "Try again when it has finished. To wait longer, set MONITOR_DB_WAIT",
        "Try again in a moment.",
    ),
    (
        StoreBusyError("m.duckdb", 1, None, writing=False),
        "The database m.duckdb is busy: it is in use elsewhere, as by an import that is "
        "still being stored. Waited 1 second for a turn. Nothing was read or stored.",
        "To wait longer, set MONITOR_DB_WAIT to a number of seconds.",
        "Reload this page in a moment.",
    ),
    (
        DatabaseUnreachableError("postgresql://db/monitor", "connection refused"),
        "Cannot connect to the PostgreSQL database postgresql://db/monitor: connection refused.",
        "The address is the one given with --db or in MONITOR_DB.",
        "The address is MONITOR_DB, in the environment or the app's secrets.",
    ),
    (
        UnconfirmedMappingError("forms.csv", [UNCERTAIN], ["Q1"]),
        "forms.csv was not imported: 1 problem found.",
        "import with --mapping NAME",
        "Open the column mapping above, check the marked rows and confirm it.",
    ),
]


@pytest.mark.parametrize(("error", "fact", "cli_hint", "dashboard_hint"), CASES)
def test_each_face_adds_its_own_hint(error, fact, cli_hint, dashboard_hint):
    library = str(error)
    assert library.startswith(fact)
    assert not FACE_WORDS.search(library) and "MONITOR_DB" not in library
    on_cli, on_dashboard = cli.explain(error), dashboard.explain(error)
    assert on_cli.startswith(library) and cli_hint in on_cli
    assert on_dashboard.startswith(library) and dashboard_hint in on_dashboard
    assert not FACE_WORDS.search(on_dashboard)


def test_the_facts_are_attributes():
    assert NotADatabaseError("a.duckdb", "bad header").path == "a.duckdb"
    assert DatabaseOpenError("a.duckdb", "locked").reason == "locked"
    assert DatabaseUnreachableError("postgresql://db/m", "refused").where == "postgresql://db/m"
    error = UnconfirmedMappingError("f.csv", [UNCERTAIN], ["Q1"])
    assert isinstance(error, ValidationError) and error.uncertain == ["Q1"]


@pytest.mark.parametrize(
    "error", [MonitorError("Nothing to say."), ValidationError("f.csv", [UNCERTAIN])]
)
def test_an_error_without_a_hint_reads_the_same_on_both_faces(error):
    assert cli.explain(error) == dashboard.explain(error) == str(error)


def _messages(path: Path) -> list[tuple[int, str]]:
    """The string constants of a module, without its docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_library_messages_name_no_flag_and_no_page():
    found = []
    for path in sorted(LIBRARY.rglob("*.py")):
        relative = path.relative_to(LIBRARY)
        if relative.parts[0] in FACES or relative.name in DOCUMENTS:
            continue
        found += [
            f"{relative}:{line}: {text!r}"
            for line, text in _messages(path)
            if FACE_WORDS.search(text)
        ]
    assert not found, (
        "Library messages must not name a command-line flag or a dashboard page; raise a "
        "typed error (monitor.errors) and add the hint in cli.py or the dashboard:\n"
        + "\n".join(found)
    )
