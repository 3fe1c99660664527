"""The dashboard fails closed: a broken login configuration serves no data, and cached
results never carry one user's partnerships to another."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from monitor import access
from monitor.sample import SAMPLE_PARTNERSHIPS

APP = Path(__file__).resolve().parents[2] / "app.py"
TIMEOUT = 60
RIVERSIDE, WESTBROOK = SAMPLE_PARTNERSHIPS["riverside"], SAMPLE_PARTNERSHIPS["westbrook"]
PASSWORDS = {"admin": "admin-pw", "evaluator": "evaluator-pw", "viewer": "viewer-pw"}
MONITOR_PAGES = [
    "pages/overview.py",
    "pages/trends.py",
    "pages/partners.py",
    "pages/quality.py",
    "pages/comments.py",
    "pages/activity.py",
    "pages/outcomes.py",
    "pages/compare.py",
    "pages/data.py",
]
WRITE_PAGES = ["pages/upload.py", "pages/records.py"]


def protos(node) -> Iterator[object]:
    """Every element of a run (main area and sidebar), as its message."""
    proto = getattr(node, "proto", None)
    if proto is not None:
        yield proto
    for child in getattr(node, "children", {}).values():
        yield from protos(child)


def everything_shown(at: AppTest) -> str:
    return "\n".join(str(p) for p in protos(at._tree))


@pytest.fixture(autouse=True)
def fresh_secrets() -> Iterator[None]:
    """Streamlit keeps the secrets it read; each test has its own file."""
    st.secrets._reset()
    yield
    st.secrets._reset()


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def secrets_file(db_path: Path) -> Path:
    """`.streamlit/secrets.toml` of the working folder (the test's own)."""
    folder = db_path.parent / ".streamlit"
    folder.mkdir()
    return folder / "secrets.toml"


BROKEN = {
    "unclosed list": (
        '[access]\nadmins = ["boss@example.org",\nevaluators = []\n',
        "line 3",
        "not valid TOML",
    ),
    "misspelt hash key": (
        f'[access]\nadmin_pasword_hash = "{access.hash_password("x")}"\n',
        "line 2",
        "Did you mean 'admin_password_hash'",
    ),
    "empty hash": ('[access]\nadmin_password_hash = ""\n', "line 2", "is empty"),
    "OIDC section without its keys": (
        '[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\n',
        "line 1",
        "lacks cookie_secret",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_secrets_file_serves_no_data(secrets_file, case):
    text, line, words = BROKEN[case]
    secrets_file.write_text(text, encoding="utf-8")
    at = run(AppTest.from_file(str(APP), default_timeout=TIMEOUT))
    assert any("login configuration cannot be used" in e.value for e in at.error)
    detail = "\n".join(t.value for t in at.text)
    assert f"secrets.toml, {line}: " in detail and words in detail
    assert not at.metric and not at.dataframe and not at.selectbox
    assert RIVERSIDE not in everything_shown(at)
    # A page run on its own (a link to it on a fresh server) stops the same way.
    for page in ("pages/upload.py", "pages/settings.py", "pages/data.py"):
        alone = run(AppTest.from_file(str(APP.parent / page), default_timeout=TIMEOUT))
        assert any("login configuration cannot be used" in e.value for e in alone.error)
        assert not alone.file_uploader and not alone.dataframe and not alone.number_input


# --- two users, two restrictions, one process -------------------------------------------------


@pytest.fixture
def restricted_logins(monkeypatch, db_path: Path) -> Path:
    """Shared role passwords: the viewer sees Westbrook only, the evaluator Riverside only,
    the admin everything."""
    for role, password in PASSWORDS.items():
        monkeypatch.setenv(f"MONITOR_{role.upper()}_PASSWORD_HASH", access.hash_password(password))
    folder = db_path.parent / ".streamlit"
    folder.mkdir()
    (folder / "secrets.toml").write_text(
        f'[access.restrict]\nviewer = ["{WESTBROOK}"]\nevaluator = ["{RIVERSIDE}"]\n',
        encoding="utf-8",
    )
    return db_path


def logged_in(role: str) -> AppTest:
    at = run(AppTest.from_file(str(APP), default_timeout=TIMEOUT))
    names = [s.key for s in at.selectbox]
    if "login_name" in names:
        at.selectbox(key="login_name").select(role)
    at.text_input(key="login_password").input(PASSWORDS[role])
    at.button[0].click()
    return run(at)


def walk(role: str) -> dict[str, str]:
    """What a user of `role` is shown on every page they may open."""
    at = logged_in(role)
    pages = MONITOR_PAGES + (WRITE_PAGES if role != "viewer" else [])
    shown = {}
    for page in pages:
        run(at.switch_page(page))
        shown[page] = everything_shown(at)
    return shown


def test_two_users_with_different_restrictions_in_both_orders(restricted_logins):
    hidden = {"viewer": RIVERSIDE, "evaluator": WESTBROOK}
    for role in ("admin", "viewer", "evaluator", "viewer", "admin"):
        shown = walk(role)
        if role in hidden:
            leaks = [page for page, text in shown.items() if hidden[role] in text]
            assert not leaks, f"{role} was shown {hidden[role]} on {leaks}"
        else:  # the admin sees every partnership, whoever came before
            compare = shown["pages/compare.py"]
            assert RIVERSIDE in compare and WESTBROOK in compare
            assert "2 partnership" in compare


def test_the_login_form_slows_down_after_failed_logins(monkeypatch, db_path, caplog):
    monkeypatch.setenv("MONITOR_ADMIN_PASSWORD_HASH", access.hash_password(PASSWORDS["admin"]))
    at = run(AppTest.from_file(str(APP), default_timeout=TIMEOUT))

    def attempt(password: str) -> list[str]:
        if "login_name" in [s.key for s in at.selectbox]:
            at.selectbox(key="login_name").select("admin")
        at.text_input(key="login_password").input(password)
        at.button[0].click()
        run(at)
        return [e.value for e in at.error]

    for _ in range(3):
        assert "is not right" in " ".join(attempt("wrong"))
    errors = attempt(PASSWORDS["admin"])  # the right one, but too soon
    assert any("Too many failed logins" in e for e in errors)
    assert not at.metric  # still on the login form
    assert "wrong" not in caplog.text  # failures are logged without the password
    assert "Failed login as 'admin'" in caplog.text


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/compare.py", "pages/data.py"])
def test_a_page_run_on_its_own_before_login_shows_nothing(monkeypatch, db_path, page):
    """A link to a page, run without the app (Streamlit's first request on a fresh
    server), is refused to a visitor who has not logged in."""
    monkeypatch.setenv("MONITOR_ADMIN_PASSWORD_HASH", access.hash_password(PASSWORDS["admin"]))
    run(AppTest.from_file(str(APP), default_timeout=TIMEOUT))  # creates the store
    alone = run(AppTest.from_file(str(APP.parent / page), default_timeout=TIMEOUT))
    refused = any("not available with your access (no login)" in e.value for e in alone.error)
    asks_to_log_in = any(box.label == "Password" for box in alone.text_input)
    assert refused or asks_to_log_in
    assert not alone.metric and not alone.dataframe
    assert all(box.label == "Log in as" for box in alone.selectbox)  # only the login's own
    assert RIVERSIDE not in everything_shown(alone)
