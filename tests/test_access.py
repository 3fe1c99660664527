"""Access: roles, passwords, the configuration, and writes refused in the library."""

from __future__ import annotations

import io
import time

import pytest

from monitor import access
from monitor.access import ADMIN, EVALUATOR, VIEWER, Actor, passwords
from monitor.errors import AccessDenied
from monitor.ingest import prepare_survey
from monitor.store import uploads

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-test-secret",
    "client_id": "id",
    "client_secret": "secret",
    "server_metadata_url": "https://login.example.org/.well-known/openid-configuration",
}
HEADER = ["respondent_id", "partner", "wave", "trust_1", "trust_2", "trust_3"]
PARTNERSHIP = "Northside CSP"


def survey_csv(wave: str = "2025-Q1") -> bytes:
    rows = [HEADER] + [[f"R{i}", "Police", wave, "4", "4", "4"] for i in range(3)]
    return "\n".join(",".join(r) for r in rows).encode()


def prepared(db, wave: str = "2025-Q1", partnership: str = PARTNERSHIP):
    return prepare_survey(db, io.BytesIO(survey_csv(wave)), f"{wave}.csv", partnership=partnership)


# --- roles -------------------------------------------------------------------------------


def test_roles_allow_what_they_should():
    viewer, evaluator, admin = Actor("v", VIEWER), Actor("e", EVALUATOR), Actor("a", ADMIN)
    assert viewer.can(access.BROWSE) and not viewer.can(access.UPLOAD)
    assert not viewer.can(access.REMOVE) and not viewer.can(access.SETTINGS)
    assert evaluator.can(access.UPLOAD) and evaluator.can(access.REMOVE)
    assert not evaluator.can(access.SETTINGS)
    assert admin.can(access.SETTINGS) and admin.can(access.UPLOAD)
    with pytest.raises(ValueError):
        Actor("x", "superuser")


def test_require_explains_what_is_missing():
    with pytest.raises(AccessDenied, match="cannot upload survey data with the viewer role"):
        access.require(Actor("v", VIEWER), access.UPLOAD)
    with pytest.raises(AccessDenied, match="with no login"):
        access.require(None, access.BROWSE)
    limited = Actor("e", EVALUATOR, ("Riverside",))
    access.require(limited, access.UPLOAD, ["Riverside"])
    with pytest.raises(AccessDenied, match="limited to Riverside"):
        access.require(limited, access.UPLOAD, ["Westbrook"])


# --- passwords ---------------------------------------------------------------------------


def test_password_hash_round_trip_and_salt():
    first, second = access.hash_password("s3cret"), access.hash_password("s3cret")
    assert first != second  # salted
    assert first.startswith("scrypt$")
    assert "s3cret" not in first
    assert access.check_password("s3cret", first)
    assert access.check_password("s3cret", second)
    assert not access.check_password("s3cret ", first)
    assert not access.check_password("", first)


@pytest.mark.parametrize("stored", ["", "plain", "scrypt$1$2", "md5$a$b$c$d$e", "scrypt$x$8$1$a$b"])
def test_malformed_hashes_never_match(stored):
    assert not access.check_password("anything", stored)


def test_password_check_compares_in_constant_time(monkeypatch):
    calls = []
    real = passwords.hmac.compare_digest
    monkeypatch.setattr(
        passwords.hmac, "compare_digest", lambda a, b: calls.append((a, b)) or real(a, b)
    )
    stored = access.hash_password("right")
    assert not access.check_password("wrong", stored)
    assert len(calls) == 1


def test_hashing_is_deliberately_slow():
    start = time.perf_counter()
    access.hash_password("x")
    assert time.perf_counter() - start > 0.005


# --- configuration -----------------------------------------------------------------------


def test_no_login_configured_means_a_local_admin():
    config = access.load_access_config(None, environ={})
    assert config.local
    assert config.anonymous() == access.LOCAL_ACTOR
    assert config.anonymous().can(access.SETTINGS)


def test_password_fallback_from_the_environment():
    environ = {
        "MONITOR_EVALUATOR_PASSWORD_HASH": access.hash_password("eval-pw"),
        "MONITOR_ADMIN_PASSWORD_HASH": access.hash_password("admin-pw"),
    }
    config = access.load_access_config(None, environ=environ)
    assert not config.local and config.passwords
    assert config.anonymous() is None  # viewers must log in unless the admin opens it
    assert config.shared_roles == (EVALUATOR, ADMIN)
    assert config.login("evaluator", "eval-pw").role == EVALUATOR
    assert config.login("Admin", "admin-pw").role == ADMIN
    assert config.login("admin", "eval-pw") is None  # each role's own password
    assert config.login("evaluator", "nope") is None

    opened = access.load_access_config(None, environ={**environ, "MONITOR_OPEN_TO_VIEWERS": "true"})
    assert opened.anonymous() == Actor(None, VIEWER)


def test_secrets_table_and_environment_override():
    section = {
        "evaluator_password_hash": access.hash_password("from-secrets"),
        "open_to_viewers": True,
        "restrict": {"viewer": "Riverside", "Ann@Council.example": ["Riverside", "Westbrook"]},
    }
    config = access.load_access_config(
        {"auth": AUTH, "access": section}, environ={"MONITOR_OPEN_TO_VIEWERS": "no"}
    )
    assert not config.open_to_viewers
    assert config.login("evaluator", "from-secrets").role == EVALUATOR
    assert config.login("evaluator", "from-secrets").partnerships is None
    assert config.for_login("ann@council.example").partnerships == ("Riverside", "Westbrook")
    assert config._actor(None, VIEWER).partnerships == ("Riverside",)


def test_oidc_roles_by_email():
    config = access.load_access_config(
        {
            "auth": AUTH,
            "access": {
                "admins": ["boss@example.org"],
                "evaluators": "eva@example.org, evan@example.org",
            },
        },
        environ={},
    )
    assert not config.local
    assert config.for_login("Boss@Example.org").role == ADMIN
    assert config.for_login("evan@example.org").role == EVALUATOR
    manager = config.for_login("manager@police.example")
    assert manager.role == VIEWER and manager.verified
    assert manager.signature("typed") == "manager@police.example"
    assert config.anonymous() is None


# --- guarded writes ----------------------------------------------------------------------


def test_a_viewer_cannot_write_through_the_library(db):
    viewer = Actor("manager", VIEWER)
    with pytest.raises(AccessDenied):
        access.commit_survey(viewer, db, prepared(db))
    with pytest.raises(AccessDenied):
        access.commit_survey(None, db, prepared(db))
    with pytest.raises(AccessDenied):
        access.load_sample(viewer, db)
    assert uploads.list_uploads(db).empty

    result = access.commit_survey(Actor(EVALUATOR, EVALUATOR), db, prepared(db), "Sam")
    with pytest.raises(AccessDenied):
        access.remove_upload(viewer, db, result.upload_id)
    assert len(uploads.list_uploads(db)) == 1


def test_an_evaluator_writes_and_the_audit_list_records_who_and_when(db):
    evaluator = Actor(EVALUATOR, EVALUATOR)
    result = access.commit_survey(evaluator, db, prepared(db), "Sam")
    assert uploads.list_uploads(db)["uploaded_by"].tolist() == ["Sam (evaluator)"]
    access.remove_upload(Actor("eva@example.org", EVALUATOR, verified=True), db, result.upload_id)
    assert uploads.list_uploads(db).empty

    audit = uploads.audit_list(db)
    assert audit["action"].tolist() == ["remove", "upload"]
    assert audit["who"].tolist() == ["eva@example.org", "Sam (evaluator)"]
    assert audit["upload_id"].tolist() == [result.upload_id] * 2
    assert audit["file_name"].tolist() == ["2025-Q1.csv"] * 2
    assert audit["happened_at"].notna().all()
    assert "Northside CSP: 2025-Q1, 3 rows" in audit["details"].iloc[1]


def test_a_failed_write_leaves_no_audit_line(db):
    with pytest.raises(AccessDenied):
        access.commit_survey(Actor("v", VIEWER), db, prepared(db))
    assert uploads.audit_list(db).empty


def test_a_restricted_evaluator_writes_only_their_partnership(db):
    admin = Actor("a", ADMIN)
    other = access.commit_survey(admin, db, prepared(db, partnership="Westbrook"))
    limited = Actor("e", EVALUATOR, (PARTNERSHIP,))
    with pytest.raises(AccessDenied, match="Westbrook"):
        access.commit_survey(limited, db, prepared(db, "2025-Q2", partnership="Westbrook"))
    with pytest.raises(AccessDenied, match="Westbrook"):
        access.remove_upload(limited, db, other.upload_id)
    access.commit_survey(limited, db, prepared(db, "2025-Q2"))
    assert access.visible(limited, ["Westbrook", PARTNERSHIP]) == [PARTNERSHIP]
    assert access.visible(None, ["Westbrook"]) == []
