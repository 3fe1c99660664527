"""Response rates: counts of people invited stored per partnership, wave and agency (on
DuckDB and PostgreSQL, copied to replicas and by `copy`), checked before they are stored,
and the rate per agency with its flag, in the library, the command line and the report."""

from __future__ import annotations

import io
import math
import re

import pandas as pd
import pytest
from pypdf import PdfReader

from monitor import access, report, response_rates
from monitor.access import ADMIN, EVALUATOR, VIEWER, Actor
from monitor.errors import AccessDenied, InvitedCountError, MonitorError
from monitor.ingest.invited import read_invited_csv
from monitor.settings import Settings, load_settings
from monitor.store import close_all, config, invited, open_database, uploads
from monitor.store.copy import copy_store
from monitor.store.replica import ReplicaDatabase

P = "Northside Partnership"
HEADER = ["respondent_id", "partner", "wave", "trust_1", "trust_2", "trust_3"]
# Respondents per agency in 2025-Q1: Police 4, Council 2, Health 1.
ANSWERED = {"Police": 4, "Council": 2, "Health": 1}


def survey(wave: str = "2025-Q1", answered: dict[str, int] = ANSWERED) -> list[list[object]]:
    rows = [HEADER]
    for partner, n in answered.items():
        rows += [[f"{partner[:3]}-{i}", partner, wave, 4, 3, 2] for i in range(n)]
    return rows


@pytest.fixture
def northside(db, load):
    load(survey(), "q1.csv", partnership=P)
    return db


def save(db, counts, wave="2025-Q1", who="ana"):
    return access.save_invited(Actor(who, EVALUATOR, verified=True), db, P, {wave: counts})


# --- the store -------------------------------------------------------------------------------


def test_counts_round_trip_on_both_stores(any_db):
    first = invited.save_invited(any_db, P, {"2025-Q1": {"Police": 10, "Council": 5}}, "ana")
    assert first == {"2025-Q1": {"Council": (None, 5), "Police": (None, 10)}}
    again = invited.save_invited(any_db, P, {"2025-Q1": {"Police": 12}}, "bob")
    assert again == {"2025-Q1": {"Council": (5, None), "Police": (10, 12)}}
    stored = invited.invited_counts(any_db, P)
    assert stored[["wave", "partner", "invited", "recorded_by"]].values.tolist() == [
        ["2025-Q1", "Police", 12, "bob"]
    ]
    assert invited.save_invited(any_db, P, {"2025-Q1": {"Police": 12}}, "eve") == {}
    audit = uploads.audit_list(any_db)
    assert audit["action"].tolist() == ["invited", "invited"]  # the save without change: none
    assert audit["details"].tolist() == [
        f"{P}: invited in 2025-Q1, Council 5 -> none, Police 10 -> 12",
        f"{P}: invited in 2025-Q1, Council none -> 5, Police none -> 10",
    ]


def test_an_unchanged_count_keeps_who_recorded_it(db):
    invited.save_invited(db, P, {"2025-Q1": {"Police": 10, "Council": 5}}, "ana")
    invited.save_invited(db, P, {"2025-Q1": {"Police": 11, "Council": 5}}, "bob")
    stored = invited.invited_counts(db, P, "2025-Q1").set_index("partner")["recorded_by"]
    assert stored.to_dict() == {"Council": "ana", "Police": "bob"}


def test_a_failed_save_stores_nothing_of_any_wave(db, monkeypatch):
    calls = []
    real = invited._save_wave

    def fail_second(*args, **kwargs):
        calls.append(args[2])
        if len(calls) == 2:
            raise MonitorError("broken")
        return real(*args, **kwargs)

    monkeypatch.setattr(invited, "_save_wave", fail_second)
    with pytest.raises(MonitorError):
        invited.save_invited(db, P, {"2025-Q1": {"Police": 3}, "2025-Q2": {"Police": 4}})
    assert invited.invited_counts(db).empty
    assert uploads.audit_list(db).empty


def test_counts_reach_the_other_replica_and_copies(pg_url, tmp_path):
    a, b = ReplicaDatabase(pg_url), ReplicaDatabase(pg_url)
    try:
        invited.save_invited(a, P, {"2025-Q1": {"Police": 10}}, "ana")
        b.refresh()
        assert invited.invited_counts(b)[["partner", "invited"]].values.tolist() == [["Police", 10]]
        invited.save_invited(b, P, {"2025-Q1": {"Police": 9, "Health": 2}})
        a.refresh()
        assert invited.invited_counts(a)["invited"].tolist() == [2, 9]
        copy = open_database(tmp_path / "copy.duckdb")
        assert copy_store(a, copy)["invited"] == 2
        assert invited.invited_counts(copy)["invited"].tolist() == [2, 9]
    finally:
        a.close()
        b.close()
        close_all()


# --- checking what was typed -----------------------------------------------------------------


def test_every_bad_count_is_listed_and_nothing_is_stored(northside):
    with pytest.raises(InvitedCountError) as info:
        save(northside, {"Police": 3, "Council": 2.5, "Health": -1, "Housing": "many"})
    assert info.value.problems == [
        "Police: 3 invited, but 4 answered in 2025-Q1. Enter at least 4: everyone asked to "
        "answer, whether they did or not.",
        "Council: 2.5 is not a whole number of people. Enter how many people were invited "
        "(0, 1, 2 ...).",
        "Health: -1 is negative. Enter how many people were invited (0, 1, 2 ...).",
        "Housing: 'many' is not a number. Enter how many people were invited (0, 1, 2 ...).",
    ]
    message = str(info.value)
    assert message.startswith(f"The invited counts of {P}, 2025-Q1 were not saved: 4 problems.")
    assert message.endswith("Nothing was stored. Fix the counts and save them again.")
    assert invited.invited_counts(northside).empty


@pytest.mark.parametrize(
    "value,count",
    [(10, 10), (10.0, 10), ("10", 10), (" 1,200 ", 1200), (0, 0), (None, None), ("", None),
     (math.nan, None), (pd.NA, None)],
)  # fmt: skip
def test_accepted_values(value, count):
    assert response_rates.check_counts({"Youth": value}, {}, "W") == (
        {} if count is None else {"Youth": count}
    )


@pytest.mark.parametrize("value", [True, "inf", "1e400", "3.2", -0.5, "ten"])
def test_refused_values(value):
    with pytest.raises(InvitedCountError):
        response_rates.check_counts({"Youth": value}, {}, "W")


def test_counts_of_several_waves_are_checked_together(northside, load):
    load(survey("2025-Q2", {"Police": 2}), "q2.csv", partnership=P)
    actor = access.cli_actor()
    with pytest.raises(InvitedCountError) as info:
        access.save_invited(
            actor, northside, P, {"2025-Q1": {"Police": 1}, "2025-Q2": {"Police": 1}}
        )
    assert [p.split(":")[0] for p in info.value.problems] == [
        "2025-Q1, Police",
        "2025-Q2, Police",
    ]
    assert invited.invited_counts(northside).empty


@pytest.mark.parametrize(
    "actor,allowed",
    [
        (None, False),
        (Actor("v", VIEWER), False),
        (Actor("e", EVALUATOR, partnerships=("Other",)), False),
        (Actor("e", EVALUATOR, partnerships=(P,)), True),
        (Actor("a", ADMIN), True),
    ],
)
def test_recording_counts_needs_the_evaluator_role_for_the_partnership(northside, actor, allowed):
    def record():
        return access.save_invited(actor, northside, P, {"2025-Q1": {"Police": 8}})

    if allowed:
        assert record() == {"2025-Q1": {"Police": (None, 8)}}
    else:
        with pytest.raises(AccessDenied):
            record()
        assert invited.invited_counts(northside).empty


def test_the_audit_line_of_counts_is_seen_only_with_access_to_the_partnership(northside):
    save(northside, {"Police": 8})
    config.save_settings(northside, {"min_group_size": 4}, "admin")
    outsider = Actor("o", VIEWER, partnerships=("Other",))
    insider = Actor("i", VIEWER, partnerships=(P,))
    assert access.audit(outsider, northside)["action"].tolist() == ["settings"]
    assert access.audit(insider, northside)["action"].tolist() == ["settings", "invited", "upload"]


# --- the rates ---------------------------------------------------------------------------------


def test_rates_per_agency_against_a_hand_computation(northside):
    save(northside, {"Police": 5, "Council": 8, "Youth": 3})
    rates = response_rates.response_rates(northside, P, "2025-Q1", min_rate=50)
    assert rates["partner"].tolist() == ["Council", "Health", "Police", "Youth"]
    assert rates["respondents"].tolist() == [2, 1, 4, 0]
    assert rates["invited"].tolist()[:1] + rates["invited"].tolist()[2:] == [8, 5, 3]
    assert pd.isna(rates["invited"].iloc[1])
    expected = [2 / 8, math.nan, 4 / 5, 0 / 3]
    for got, want in zip(rates["rate"], expected, strict=True):
        assert (math.isnan(got) and math.isnan(want)) or got == pytest.approx(want)
    assert rates["flagged"].tolist() == [True, False, False, True]
    assert rates["note"].tolist() == [
        "low: below 50%",
        "invited not recorded",
        "",
        "low: below 50%",
    ]
    total = response_rates.overall(rates)
    assert (total.respondents, total.invited, total.agencies, total.missing) == (6, 16, 3, 1)
    assert total.rate == pytest.approx(6 / 16)
    assert response_rates.summary_sentence(rates, 50) == (
        "6 of 16 people invited answered (38%); 1 agency without a recorded count left out. "
        "Below 50%: Council (25%), Youth (0%)."
    )


@pytest.mark.parametrize(
    "min_rate,flagged",
    [(0, []), (25, []), (25.1, ["Council"]), (80, ["Council"]), (80.1, ["Council", "Police"])],
)
def test_the_flag_follows_the_minimum_rate(northside, min_rate, flagged):
    save(northside, {"Police": 5, "Council": 8})
    rates = response_rates.response_rates(northside, P, "2025-Q1", min_rate=min_rate)
    assert response_rates.flagged(rates)["partner"].tolist() == flagged


def test_rates_of_a_partner_selection_and_of_a_wave_without_counts(northside):
    save(northside, {"Police": 5, "Council": 8})
    chosen = response_rates.response_rates(northside, P, "2025-Q1", ("Police",))
    assert chosen["partner"].tolist() == ["Police"]
    assert response_rates.response_rates(northside, P, "2024-Q4").empty
    assert response_rates.summary_sentence(pd.DataFrame(), 50).startswith("Not recorded")


def test_more_answered_than_invited_is_noted(northside, load):
    save(northside, {"Health": 1})
    late = [HEADER, ["Hea-late", "Health", "2025-Q1", 4, 4, 4]]
    load(late, "late.csv", partnership=P)
    rates = response_rates.response_rates(northside, P, "2025-Q1")
    health = rates.set_index("partner").loc["Health"]
    assert health["rate"] == 2.0 and not health["flagged"]
    assert health["note"] == "more answered than invited: check the count"


def test_the_entry_table_lists_every_agency_with_its_count(northside):
    save(northside, {"Police": 5, "Youth": 3})
    entry = response_rates.entry(northside, P, "2025-Q1")
    assert entry["partner"].tolist() == ["Council", "Health", "Police", "Youth"]
    assert entry["respondents"].tolist() == [2, 1, 4, 0]
    assert entry["invited"].astype(object).where(entry["invited"].notna(), None).tolist() == [
        None,
        None,
        5,
        3,
    ]


# --- the setting -------------------------------------------------------------------------------


@pytest.mark.parametrize("value,ok", [("0", True), ("50", True), ("100", True), ("-1", False),
                                      ("100.5", False), ("half", False)])  # fmt: skip
def test_the_minimum_rate_setting_is_a_percentage(tmp_path, value, ok):
    if ok:
        assert load_settings(tmp_path / "none.toml", {"min_response_rate": value})
    else:
        with pytest.raises(MonitorError, match="min_response_rate"):
            load_settings(tmp_path / "none.toml", {"min_response_rate": value})


def test_the_minimum_rate_is_saved_by_an_admin(db):
    assert Settings().min_response_rate == 50.0
    saved = access.save_settings(Actor("a", ADMIN), db, {"min_response_rate": 60})
    assert saved.min_response_rate == 60.0
    assert config.stored_settings(db) == {"min_response_rate": "60"}
    with pytest.raises(MonitorError, match="percentage from 0 to 100"):
        access.save_settings(Actor("a", ADMIN), db, {"min_response_rate": 120})


# --- a CSV file and the command line ----------------------------------------------------------


def test_counts_read_from_a_csv_file():
    data = b"\xef\xbb\xbfAgency,Invited,Wave\nPolice,10,2025-Q1\n,,\nCouncil,,2025-Q1\n"
    assert read_invited_csv(data) == {"2025-Q1": {"Police": "10", "Council": ""}}
    assert read_invited_csv(b"partner,invited\nPolice,3\n", "2025-Q2") == {
        "2025-Q2": {"Police": "3"}
    }


@pytest.mark.parametrize(
    "data,problem",
    [
        (b"partner,count\nPolice,3\n", "It has no invited or wave column."),
        (b"partner,invited,wave\nPolice,3,W\nPolice,4,W\n", "Row 3: Police is listed twice for W."),
        (b"partner,invited,wave\n,3,W\n", "Row 2: no agency."),
        (b"partner,invited,wave\nPolice,3,\n", "Row 2: no wave."),
        (b"partner,invited,wave\n", "It has no rows of counts"),
        (b"\xff\xfe\x00", "It is not UTF-8 text."),
    ],
)
def test_a_bad_csv_file_is_explained(data, problem):
    with pytest.raises(InvitedCountError) as info:
        read_invited_csv(data)
    assert info.value.problems[0].startswith(problem)


def test_the_command_line_records_and_shows_rates(cli, tmp_path, files):
    db = tmp_path / "m.duckdb"
    source = tmp_path / "q1.csv"
    source.write_bytes(files.csv(survey()))
    assert cli("import", source, "--partnership", P, "--db", db)[0] == 0
    assert cli("response-rates", "--db", db)[1].startswith("No counts of people invited")
    counts = tmp_path / "invited.csv"
    counts.write_text("partner,invited\nPolice,2\nCouncil,x\n")
    code, out, err = cli("invited", counts, "--wave", "2025-Q1", "--db", db)
    assert (code, out) == (2, "")
    assert "Police: 2 invited, but 4 answered" in err and "Council: 'x' is not a number" in err
    counts.write_text("partner,invited\nPolice,5\nCouncil,8\n")
    code, out, err = cli("invited", counts, "--wave", "2025-Q1", "--db", db)
    assert (code, out, err) == (0, "2025-Q1: Council none -> 8, Police none -> 5.\n", "")
    assert cli("invited", counts, "--wave", "2025-Q1", "--db", db)[1] == "2025-Q1: no change.\n"
    code, out, _ = cli("response-rates", "--db", db)
    lines = [re.sub(r"\s+", " ", line.strip()) for line in out.splitlines()]
    assert lines == [
        "partner respondents invited rate flagged note",
        "Council 2 8 0.250 True low: below 50%",
        "Health 1 - - False invited not recorded",
        "Police 4 5 0.800 False",
    ]
    code, out, _ = cli("response-rates", "--db", db, "--format", "csv", "--partner", "Police")
    assert out.splitlines() == [
        "partner,respondents,invited,rate,flagged,note",
        "Police,4,5,0.8,False,",
    ]


# --- the report --------------------------------------------------------------------------------


def test_the_report_gives_the_rates(northside, instrument):
    save(northside, {"Police": 5, "Council": 8})
    data = report.report_data(northside, P, "2025-Q1", min_group_size=1, min_response_rate=30)
    assert data.invited["partner"].tolist() == ["Council", "Health", "Police"]
    pdf = report.document(data, instrument, images=False).output()
    pages = [re.sub(r"\s+", " ", p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]
    assert (
        "Response rates 6 of 13 people invited answered (46%); 1 agency without a recorded "
        "count left out. Below 30%: Council (25%)." in pages[0]
    )
    rest = " ".join(pages[1:])
    assert "Agency Respondents Invited Response rate Note" in rest
    assert "Council 2 8 25% low: below 30%" in rest
    assert "Health 1 - - invited not recorded" in rest
