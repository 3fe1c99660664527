"""The layer rules of the README's "Project layout", checked on the source itself.

import-linter (contracts in pyproject.toml, run by scripts/test.sh) checks the library's
packages; these tests check what it cannot see: the page scripts and app.py, which are not
a package, and SQL text, which is not an import.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ROOT / "src" / "monitor"
STORE = LIBRARY / "store"

# What a page script may import: the dashboard package, the chart builders and the
# display tables (and Streamlit itself).
PAGE_IMPORTS = ("streamlit", "monitor.dashboard", "monitor.charts", "monitor.tables")
APP_IMPORTS = ("streamlit", "monitor.dashboard")

# SQL statements as they start in this project's queries. A string literal matching one of
# these outside store/ is SQL that belongs in the store package.
SQL = re.compile(
    r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+\w+\s+SET|CREATE\s+"
    r"(TABLE|VIEW|INDEX|SEQUENCE)|DROP\s+(TABLE|VIEW)|ALTER\s+TABLE|COPY\s.+\s(TO|FROM))\b",
    re.DOTALL,
)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import statement of a Python file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
            found += [(node.lineno, name) for name in names]
    return found


def allowed(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def off_layer(path: Path, prefixes: tuple[str, ...]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for line, module in imported_modules(path)
        if not allowed(module, prefixes) and not module.startswith("__future__")
    ]


def sql_literals(path: Path) -> list[str]:
    """Places where a string literal of `path` holds SQL."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value)
    ]


@pytest.mark.parametrize("page", sorted((ROOT / "pages").glob("*.py")), ids=lambda p: p.name)
def test_pages_import_only_the_dashboard_charts_and_tables(page):
    wrong = off_layer(page, PAGE_IMPORTS)
    assert not wrong, (
        "A page script only draws: it may import " + ", ".join(PAGE_IMPORTS) + ". Move the "
        "logic into the library (an analytics module, or a reader in monitor.dashboard.cached "
        "when it needs caching) and call it from the page:\n  " + "\n  ".join(wrong)
    )


def test_app_imports_only_the_dashboard():
    wrong = off_layer(ROOT / "app.py", APP_IMPORTS)
    assert not wrong, (
        "app.py only sets up the page and runs the navigation of monitor.dashboard:\n  "
        + "\n  ".join(wrong)
    )


def test_no_sql_outside_the_store():
    places = [
        place
        for path in sorted(LIBRARY.rglob("*.py"))
        if STORE not in path.parents
        for place in sql_literals(path)
    ]
    places += [
        place for path in sorted((ROOT / "pages").glob("*.py")) for place in sql_literals(path)
    ]
    assert not places, (
        "SQL belongs in monitor.store (a .sql file in store/sql/ or a named constant there, "
        "behind a named query function):\n  " + "\n  ".join(places)
    )


@pytest.mark.parametrize(
    "text, is_sql",
    [
        ("SELECT wave FROM answers WHERE partnership = ?", True),
        ("INSERT INTO uploads VALUES (?)", True),
        ("insert the rows into the sheet", False),
        ("DELETE FROM answers WHERE upload_id = ?", True),
        ("CREATE TABLE x (a INT)", True),
        ("Select the wave from the sidebar", False),
        ("Update the file and upload it again", False),
        ("Delete from the list below", False),
    ],
)
def test_the_sql_pattern_tells_sql_from_prose(text, is_sql):
    assert bool(SQL.search(text)) is is_sql
