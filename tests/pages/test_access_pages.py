"""Roles in the dashboard: logins (OIDC and the password fallback), the menu per role,
and write pages that refuse viewers however they are reached."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from monitor import access, dashboard
from monitor.access import ADMIN, EVALUATOR, VIEWER, Actor
from monitor.store import open_database, uploads
from monitor.untrusted import markdown_text as md

APP = Path(__file__).resolve().parents[2] / "app.py"
TIMEOUT = 30


EVALUATOR_PASSWORD, ADMIN_PASSWORD = "evaluate-this", "admin-this"
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-test-secret",
    "client_id": "id",
    "client_secret": "secret",
    "server_metadata_url": "https://login.example.org/.well-known/openid-configuration",
}


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, texts(at.exception)
    return at


@pytest.fixture
def passwords(monkeypatch: pytest.MonkeyPatch, db_path):
    """The password fallback: evaluator and admin passwords in the environment."""
    monkeypatch.setenv("MONITOR_EVALUATOR_PASSWORD_HASH", access.hash_password(EVALUATOR_PASSWORD))
    monkeypatch.setenv("MONITOR_ADMIN_PASSWORD_HASH", access.hash_password(ADMIN_PASSWORD))
    monkeypatch.delenv("MONITOR_OPEN_TO_VIEWERS", raising=False)
    return db_path


def new_app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=TIMEOUT)


def log_in(at: AppTest, password: str, role: str = "evaluator") -> AppTest:
    at.selectbox(key="login_name").select(role)
    at.text_input(key="login_password").input(password)
    at.button[0].click()
    return run(at)


def test_pages_offered_per_role():
    def offered(actor):
        return [p.path for p in dashboard.PAGES if p.allowed(actor)]

    writes = [p.path for p in dashboard.PAGES if p.writes or p.admin_only]
    assert "pages/upload.py" in writes
    assert not set(writes) & set(offered(Actor(None, VIEWER)))
    assert set(writes) - {p.path for p in dashboard.PAGES if p.admin_only} <= set(
        offered(Actor("e", EVALUATOR))
    )
    assert offered(Actor("a", ADMIN)) == [p.path for p in dashboard.PAGES]
    assert offered(None) == []


def test_local_install_without_login_works_as_before(open_app):
    at = open_app("pages/upload.py")
    assert len(at.file_uploader) == 1
    assert "login_password" not in [t.key for t in at.text_input]


def test_password_login_is_required_when_viewers_are_not_allowed(passwords):
    at = run(new_app())
    assert at.title[0].value == "Partnership Monitor"
    assert not at.metric  # no page ran
    log_in(at, "wrong")
    assert "That name or password is not right." in texts(at.error)
    assert not at.metric

    log_in(at, EVALUATOR_PASSWORD)
    assert at.metric  # the Overview
    assert "Logged in as **evaluator** (evaluator)" in texts(at.sidebar.caption)
    run(at.switch_page("pages/upload.py"))
    assert len(at.file_uploader) == 1


def test_a_viewer_cannot_open_the_upload_page_or_remove(passwords, monkeypatch):
    monkeypatch.setenv("MONITOR_OPEN_TO_VIEWERS", "true")
    at = run(new_app())
    assert at.metric  # viewers browse without logging in
    # Not in the menu: the page cannot be opened by its address.
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/upload.py")
    # Run on its own (as a stale link on a fresh server would): the page stops at once.
    alone = AppTest.from_file(str(APP.parent / "pages" / "upload.py"), default_timeout=TIMEOUT)
    run(alone)
    assert not alone.file_uploader
    # only the offer to log in (which role to log in as), nothing of the upload page
    assert all(box.label == "Log in as" for box in alone.selectbox)
    assert any("not available with your access (viewer)" in e for e in texts(alone.error))
    # And the library refuses a removal asked for by this session.
    assert dashboard.access_config().anonymous().role == VIEWER
    db = open_database()
    stored = len(uploads.list_uploads(db))
    assert stored == 10  # the sample's files
    with pytest.raises(access.AccessDenied):
        access.remove_upload(dashboard.access_config().anonymous(), db, 1)
    assert len(uploads.list_uploads(db)) == stored


def test_a_viewer_gets_no_raw_answers_on_the_data_page(passwords, monkeypatch):
    monkeypatch.setenv("MONITOR_OPEN_TO_VIEWERS", "true")
    at = run(new_app())
    run(at.switch_page("pages/data.py"))
    assert not at.dataframe
    assert not at.get("download_button")
    assert any("evaluators and administrators only" in i for i in texts(at.info))


def test_a_shared_link_to_the_upload_page_does_not_run_it_for_a_viewer(passwords, monkeypatch):
    monkeypatch.setenv("MONITOR_OPEN_TO_VIEWERS", "true")
    at = new_app()
    at.switch_page("pages/upload.py")
    run(at)
    assert not at.file_uploader


def test_a_viewer_is_not_offered_the_sample_data(passwords, monkeypatch):
    monkeypatch.setenv("MONITOR_OPEN_TO_VIEWERS", "true")
    monkeypatch.setenv("MONITOR_SAMPLE_ON_FIRST_RUN", "0")
    at = run(new_app())
    assert "load_sample" not in [b.key for b in at.button]
    assert any("An evaluator has to upload it first" in i for i in texts(at.info))


def test_oidc_login_screen_and_roles_from_the_secrets(db_path):
    secrets = {"auth": AUTH, "access": {"evaluators": ["eva@example.org"]}}

    at = new_app()
    at.secrets = secrets
    at.user = {"is_logged_in": False}
    run(at)
    assert [b.label for b in at.button] == ["Log in"]
    assert not at.metric

    viewer = new_app()
    viewer.secrets = secrets
    viewer.user = {"is_logged_in": True, "email": "manager@police.example"}
    run(viewer)
    assert viewer.metric
    # The name is escaped inside the caption (an e-mail address acts as nothing).
    name = md("manager@police.example")  # escaped, and no mail link made of it
    assert f"Logged in as **{name}** (viewer)" in texts(viewer.sidebar.caption)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        viewer.switch_page("pages/upload.py")

    evaluator = new_app()
    evaluator.secrets = secrets
    evaluator.user = {"is_logged_in": True, "email": "eva@example.org"}
    run(evaluator)
    run(evaluator.switch_page("pages/upload.py"))
    assert len(evaluator.file_uploader) == 1


def test_a_user_limited_to_one_partnership_sees_only_it(db_path):
    secrets = {"auth": AUTH, "access": {"restrict": {"manager@police.example": "Elsewhere"}}}
    at = new_app()
    at.secrets = secrets
    at.user = {"is_logged_in": True, "email": "manager@police.example"}
    run(at)
    assert not at.metric
    assert any("no survey data" in i.lower() for i in texts(at.info))


def test_the_upload_page_ends_with_the_audit_list(open_app):
    at = open_app("pages/upload.py")
    assert [h.value for h in at.subheader][-1] == "Audit list"
    audit = at.dataframe[-1].value
    assert list(audit.columns) == ["When", "Who", "Action", "Upload #", "File", "Details"]
    assert set(audit["Action"]) == {"upload"}
    assert set(audit["Who"]) == {"sample data"}

    at.selectbox(key="remove_choice").select(1).run()
    at.button(key="confirm_remove").click().run()
    assert not at.exception
    audit = at.dataframe[-1].value
    assert audit.iloc[0][["Action", "Upload #"]].tolist() == ["remove", 1]
