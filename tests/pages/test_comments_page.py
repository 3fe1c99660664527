"""The Comments page: free-text answers of platform exports, small groups left out."""

from __future__ import annotations

import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from shown import shown  # noqa: E402
from test_platforms import ms_forms  # noqa: E402

from monitor.ingest import import_survey  # noqa: E402
from monitor.store import close_all, open_database  # noqa: E402


def _store_forms_export(db_path: Path) -> None:
    db = open_database(db_path)
    import_survey(db, io.BytesIO(ms_forms()), "forms.csv", partnership="Forms test")
    close_all()


def test_comments_page_on_the_sample_says_there_are_none(open_app):
    at = open_app("pages/comments.py")
    assert not at.exception
    assert [t.value for t in at.title] == ["Comments"]
    assert "No comments for this wave" in at.info[0].value


def test_comments_of_large_enough_groups_are_shown(open_app, empty_store, monkeypatch):
    monkeypatch.setenv("MONITOR_COMMENT_MIN_GROUP_SIZE", "1")
    _store_forms_export(empty_store)
    at = open_app("pages/comments.py")
    assert not at.exception
    labels = [shown(e.label) for e in at.expander]
    assert labels and all("Anything else you would like to tell us?" in label for label in labels)


def test_comments_of_small_groups_are_hidden(open_app, empty_store, monkeypatch):
    monkeypatch.setenv("MONITOR_COMMENT_MIN_GROUP_SIZE", "50")
    _store_forms_export(empty_store)
    at = open_app("pages/comments.py")
    assert not at.exception
    assert not at.expander
    assert any("at least 50 respondents" in c.value for c in at.caption)
    # Hidden comments are counted, with the reason.
    hidden = at.info[0].value
    assert "of this wave are not shown" in hidden
    assert "with fewer than 50 respondents who wrote a comment" in hidden
    assert "No comments for this wave" not in [i.value for i in at.info]
