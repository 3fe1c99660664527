"""Column mapping: saved mappings (also from the CLI), other answer scales, comments."""

from __future__ import annotations

import io

import pytest
from test_platforms import ITEMS, LABELS, PEOPLE, _answer, _csv, ms_forms, qualtrics

from monitor.cli import main
from monitor.errors import UnconfirmedMappingError, ValidationError
from monitor.ingest import import_survey, prepare_survey
from monitor.ingest.cells import quarters
from monitor.ingest.mapping import ColumnMapping, edited_mapping, load_mapping
from monitor.store import config, open_database, responses, uploads


def _forms(reworded: bool = False, answers=None, month: int = 5) -> bytes:
    """A Microsoft Forms export; `reworded` changes the wording of the first statement."""
    statements = [i.statement for i in ITEMS]
    if reworded:
        statements[0] = statements[0].replace("clear purpose", "clear aim").rstrip(".")
    header = ["Id", "Start time", "Completion time", "Email", "Name", "Agency", "Role"]
    rows = [header + statements]
    for n, (partner, role) in enumerate(PEOPLE, start=1):
        values = [answers(n, k) if answers else LABELS[_answer(n, k)] for k in range(6)]
        when = f"2025-{month:02d}-{10 + n} 09:00:00"
        rows.append([n, when, when, "anonymous", "", partner, role, *values])
    return _csv(rows)


def test_similar_text_needs_confirmation(db):
    with pytest.raises(UnconfirmedMappingError) as info:
        prepare_survey(db, io.BytesIO(_forms(reworded=True)), "f.csv")
    assert "similar, not identical, question text" in str(info.value)
    assert "--mapping" not in str(info.value) and "page" not in str(info.value)
    table = info.value.proposal.table.set_index("column")
    reworded = ITEMS[0].statement.replace("clear purpose", "clear aim").rstrip(".")
    assert info.value.uncertain == [reworded]
    assert table.loc[reworded, "maps_to"] == ITEMS[0].id
    assert "please check" in table.loc[reworded, "how"]
    prepared = prepare_survey(db, io.BytesIO(_forms(reworded=True)), "f.csv", confirmed=True)
    assert prepared.rows == len(PEOPLE)


def test_corrected_mapping_is_used(db):
    with pytest.raises(ValidationError) as info:
        prepare_survey(db, io.BytesIO(_forms(reworded=True)), "f.csv")
    proposal = info.value.proposal
    table = proposal.table.copy()
    table.loc[table["maps_to"] == ITEMS[0].id, "maps_to"] = "ignore"
    mapping = edited_mapping(proposal.mapping, table)
    prepared = prepare_survey(
        db, io.BytesIO(_forms(reworded=True)), "f.csv", mapping=mapping, confirmed=True
    )
    assert ITEMS[0].id in prepared.missing_items


def test_saved_mapping_maps_the_next_wave(db):
    first = import_survey(db, io.BytesIO(_forms(reworded=True)), "w1.csv", mapping_name="Forms")
    assert "Column mapping saved as 'Forms' for the next wave." in first.warnings
    assert load_mapping(db, "Forms").targets["Agency"] == "partner"
    second = import_survey(
        db, io.BytesIO(_forms(reworded=True, month=8)), "w2.csv", mapping_name="Forms"
    )
    assert second.waves == ["2025-Q3"] and first.waves == ["2025-Q2"]
    table = prepare_survey(
        db,
        io.BytesIO(_forms(reworded=True, month=11)),
        "w3.csv",
        mapping=load_mapping(db, "Forms"),
    ).proposal.table
    assert set(table["how"]) == {"saved mapping"}


def test_cli_import_with_a_mapping(tmp_path, capsys, shared_dbs):
    path = tmp_path / "forms.csv"
    path.write_bytes(_forms(reworded=True))
    db_file = tmp_path / "m.duckdb"
    assert main(["import", str(path), "--db", str(db_file)]) == 2
    assert "To accept the proposed mapping, import with --mapping NAME" in capsys.readouterr().err
    assert main(["import", str(path), "--db", str(db_file), "--mapping", "Forms"]) == 0
    out = capsys.readouterr().out
    assert "Detected layout: Microsoft Forms export." in out
    assert "saved as 'Forms'" in out
    later = tmp_path / "forms2.csv"
    later.write_bytes(_forms(reworded=True, month=8))
    assert main(["import", str(later), "--db", str(db_file), "--mapping", "Forms"]) == 0
    assert "Imported forms2.csv" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answers", "expected", "note"),
    [
        (lambda n, k: 7 if k == 0 else 1, 5.0, "1-7 scale were converted linearly to 1-5"),
        (lambda n, k: 10 if k == 0 else 0, 5.0, "0-10 scale were converted linearly to 1-5"),
        (lambda n, k: 4 if k == 0 else 1, 3.0, "1-7 scale"),  # 4 of 1-7 is the midpoint
        (lambda n, k: "Tout à fait d'accord", 5.0, "another language"),
        (lambda n, k: "Somewhat agree" if k == 0 else "Strongly agree", 3.6667, "7-point"),
    ],
)
def test_other_answer_scales_are_converted_and_stated(db, answers, expected, note):
    if expected == 3.0:
        answers_ = answers

        def answers(n, k):  # noqa: F811 - a 1-7 file must show a value above 5 somewhere
            return 7 if k == 1 else answers_(n, k)

    prepared = prepare_survey(db, io.BytesIO(_forms(answers=answers)), "f.csv")
    values = prepared.answers.to_pandas()
    first = values[values["item_id"] == ITEMS[0].id]["value"].round(4).unique().tolist()
    assert first == [expected]
    assert any(note in w for w in prepared.warnings)


def test_comments_hidden_below_the_comment_minimum(db):
    import_survey(db, io.BytesIO(ms_forms()), "forms.csv")
    import_survey(db, io.BytesIO(qualtrics()), "q.csv")
    assert responses.visible_comments(db, None, min_group_size=3).empty
    shown = responses.visible_comments(db, None, min_group_size=1)
    assert len(shown) == 3
    assert set(shown["group"]) == {"Police", "Council"}
    by_role = responses.visible_comments(db, None, min_group_size=2, by="role")
    assert by_role.empty


def test_comments_leave_with_their_upload(db):
    result = import_survey(db, io.BytesIO(qualtrics()), "q.csv")
    assert len(responses.visible_comments(db, None, 1)) == 1
    uploads.remove_upload(db, result.upload_id)
    assert responses.visible_comments(db, None, 1).empty


def test_mapping_round_trips_as_json():
    mapping = ColumnMapping({"Q1": "partner"}, {"7": 5.0}, "note", "Timestamp")
    assert ColumnMapping.from_json(mapping.to_json()) == mapping


def test_quarters_of_platform_dates():
    assert quarters(["2025-03-14 10:00", "2025/07/01 1:00 PM GMT", ""]) == [
        "2025-Q1",
        "2025-Q3",
        "",
    ]
    assert quarters(["3/14/2025 9:00", "4/02/2025 9:00"]) == ["2025-Q1", "2025-Q2"]
    assert quarters(["14/03/2025", "04/10/2025"]) == ["2025-Q1", "2025-Q4"]


def test_saved_mappings_survive_reopening(tmp_path, shared_dbs):
    path = tmp_path / "m.duckdb"
    database = open_database(str(path))
    import_survey(database, io.BytesIO(_forms(reworded=True)), "w1.csv", mapping_name="Forms")
    assert config.mapping_names(database) == ["Forms"]


def test_comments_are_stored_in_the_uploads_transaction(db, monkeypatch):
    real = uploads.upload_rows

    def fail_on_comments(table, *args):
        if table == "comments":
            raise RuntimeError("disk full")
        return real(table, *args)

    monkeypatch.setattr(uploads, "upload_rows", fail_on_comments)
    with pytest.raises(RuntimeError):
        import_survey(db, io.BytesIO(ms_forms()), "forms.csv")
    counts = db.query_rows(
        "SELECT (SELECT count(*) FROM uploads), (SELECT count(*) FROM answers), "
        "(SELECT count(*) FROM comments), (SELECT count(*) FROM audit)"
    )
    assert counts == [(0, 0, 0, 0)]


def test_removing_an_upload_deletes_its_comments(db):
    result = import_survey(db, io.BytesIO(ms_forms()), "forms.csv")
    assert db.query_rows("SELECT count(*) FROM comments")[0][0] > 0
    uploads.remove_upload(db, result.upload_id)
    assert db.query_rows("SELECT count(*) FROM comments")[0][0] == 0


def test_comments_of_one_wave(db):
    import_survey(db, io.BytesIO(ms_forms()), "forms.csv")
    shown = responses.visible_comments(db, None, min_group_size=1)
    wave = shown["wave"].iloc[0]
    assert len(responses.visible_comments(db, None, 1, wave=wave)) == len(
        shown[shown["wave"] == wave]
    )
    assert responses.visible_comments(db, None, 1, wave="1999-Q1").empty
