"""Every write of the library takes the actor, checks its role, and names it in the audit
list; a restricted user's lists of uploads show only their partnerships."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from monitor import access
from monitor.access import ADMIN, EVALUATOR, VIEWER, Actor
from monitor.cli import main
from monitor.errors import AccessDenied, MonitorError
from monitor.ingest import mapping, prepare_survey, records
from monitor.settings import load_settings
from monitor.store import config, open_database, uploads

ADMIN_ACTOR = Actor("boss@example.org", ADMIN, verified=True)
VIEWERS = [None, Actor("v", VIEWER), Actor("v@example.org", VIEWER, verified=True)]
NOT_ADMINS = [*VIEWERS, Actor("e", EVALUATOR)]
ACTIVITY = Path(__file__).resolve().parents[1] / "sample_data" / "westbrook_activity_2025.csv"
HEADER = "respondent_id,partner,wave,trust_1,trust_2,trust_3\n"


def survey(db, partnership: str, wave: str = "2025-Q1", name: str | None = None):
    text = HEADER + "".join(f"{partnership}{i},Police,{wave},4,4,4\n" for i in range(3))
    file_name = name or f"{partnership}-{wave}.csv"
    return prepare_survey(db, io.BytesIO(text.encode()), file_name, partnership=partnership)


def activity(db, partnership: str):
    with ACTIVITY.open("rb") as handle:
        return records.prepare_records(
            db, handle, "activity.csv", "activity", partnership=partnership
        )


@pytest.mark.parametrize("actor", NOT_ADMINS, ids=["nobody", "viewer", "oidc-viewer", "evaluator"])
def test_only_an_admin_changes_the_settings(db, actor):
    with pytest.raises(AccessDenied, match="change the settings"):
        access.save_settings(actor, db, {"min_group_size": 1})
    assert config.stored_settings(db) == {}
    assert load_settings(stored=config.stored_settings(db)).min_group_size == 3


def test_an_admin_changes_settings_and_the_audit_names_them(db):
    access.save_settings(ADMIN_ACTOR, db, {"min_group_size": 5})
    access.save_settings(ADMIN_ACTOR, db, {"min_group_size": None})
    audit = uploads.audit_list(db)
    assert audit["action"].tolist() == ["settings", "settings"]
    assert audit["who"].tolist() == ["boss@example.org"] * 2
    assert audit["details"].tolist() == [
        "min_group_size: 5 -> the default",
        "min_group_size: the default -> 5",
    ]


def test_settings_that_contradict_are_refused_whole(db):
    with pytest.raises(MonitorError, match="min_group_size must be at least 1"):
        access.save_settings(ADMIN_ACTOR, db, {"min_group_size": 0})
    assert config.stored_settings(db) == {}
    with pytest.raises(ValueError, match="max_upload_mb"):
        access.save_settings(ADMIN_ACTOR, db, {"max_upload_mb": 1})


@pytest.mark.parametrize("actor", VIEWERS, ids=["nobody", "viewer", "oidc-viewer"])
def test_a_viewer_saves_no_mapping_and_stores_no_records(db, actor):
    with pytest.raises(AccessDenied):
        access.save_mapping(actor, db, "platform", mapping.ColumnMapping({"Q1": "partner"}))
    with pytest.raises(AccessDenied):
        access.commit_records(actor, db, activity(db, "Westbrook"))
    assert config.mapping_names(db) == []
    assert uploads.list_uploads(db).empty
    assert uploads.audit_list(db).empty


def test_an_evaluator_saves_a_mapping_and_records_under_their_name(db):
    limited = Actor("e", EVALUATOR, ("Riverside",))
    with pytest.raises(AccessDenied, match="Westbrook"):
        access.commit_records(limited, db, activity(db, "Westbrook"))
    sam = Actor("Sam", EVALUATOR, verified=True)
    access.save_mapping(sam, db, "platform", mapping.ColumnMapping({"Q1": "partner"}))
    access.commit_records(sam, db, activity(db, "Westbrook"))
    audit = uploads.audit_list(db)
    assert audit["action"].tolist() == ["upload", "mapping"]
    assert audit["who"].tolist() == ["Sam", "Sam"]


def test_a_restricted_user_lists_only_their_partnerships(db):
    for partnership in ("Riverside", "Westbrook", "Westbrook: North"):
        access.commit_survey(ADMIN_ACTOR, db, survey(db, partnership))
    gone = access.commit_survey(ADMIN_ACTOR, db, survey(db, "Westbrook: North", "2025-Q2"))
    access.remove_upload(ADMIN_ACTOR, db, gone.upload_id)
    access.save_settings(ADMIN_ACTOR, db, {"alpha_low": 0.6})

    limited = Actor("w", EVALUATOR, ("Westbrook",))
    assert access.uploads(limited, db)["partnership"].tolist() == ["Westbrook"]
    assert len(access.uploads(ADMIN_ACTOR, db)) == 3
    assert access.uploads(None, db).empty

    seen = access.audit(limited, db)
    assert seen["action"].tolist() == ["settings", "upload"]
    assert "Westbrook: North" not in " ".join(seen["details"])
    assert len(access.audit(ADMIN_ACTOR, db)) == 6


def test_command_line_writes_are_recorded_under_the_os_user(tmp_path, monkeypatch, shared_dbs):
    monkeypatch.setattr(access.roles.getpass, "getuser", lambda: "kim")
    path = tmp_path / "q1.csv"
    path.write_text(HEADER + "R1,Police,2025-Q1,4,4,4\n", encoding="utf-8")
    store = tmp_path / "m.duckdb"
    assert main(["import", str(path), "--db", str(store), "--partnership", "Hill"]) == 0
    assert main(["remove", "1", "--db", str(store)]) == 0
    audit = uploads.audit_list(open_database(str(store)))
    assert audit["who"].tolist() == ["cli:kim", "cli:kim"]
