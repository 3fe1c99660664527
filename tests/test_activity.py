"""Continuity, capacity, cost and retention on the sample, checked against the raw files."""

from __future__ import annotations

import csv
from collections import defaultdict

import pytest

from monitor import activity, sample
from monitor.store import Database

RIVERSIDE = "Riverside Community Safety Partnership"
WESTBROOK = "Westbrook Safer Neighbourhoods Partnership"


def raw(name: str) -> list[dict]:
    with (sample.SAMPLE_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def quarter(day: str) -> str:
    return f"{day[:4]}-Q{(int(day[5:7]) - 1) // 3 + 1}"


def test_attendance_and_representative_changes(sample_db):
    rows = raw("riverside_activity_2025.csv")
    expected = {}
    for partner in {r["partner"] for r in rows}:
        mine = sorted((r for r in rows if r["partner"] == partner), key=lambda r: r["date"])
        came = [r for r in mine if r["attended"] == "yes"]
        reps = [r["representative"] for r in came]
        changes = sum(a != b for a, b in zip(reps, reps[1:], strict=False))
        expected[partner] = (len(mine), len(came), len(came) / len(mine), len(set(reps)), changes)
    got = activity.continuity(sample_db, RIVERSIDE)
    actual = {
        r.partner: (r.meetings, r.attended, r.attendance_rate, r.representatives, r.changes)
        for r in got.itertuples()
    }
    assert actual == expected
    assert actual["Housing"][4] == 1  # the change at Q3, as in the survey
    assert all(v[4] == 0 for k, v in actual.items() if k != "Housing")


def test_staff_hours_and_resources_per_partner_and_quarter(sample_db):
    hours = defaultdict(float)
    money = defaultdict(float)
    for r in raw("riverside_activity_2025.csv"):
        key = (r["partner"], quarter(r["date"]))
        hours[key] += float(r["staff_hours"] or 0)
        money[key] += float(r["resources"] or 0)
    got = activity.capacity(sample_db, RIVERSIDE)
    assert {(r.partner, r.period): r.staff_hours for r in got.itertuples()} == pytest.approx(
        dict(hours)
    )
    assert {(r.partner, r.period): r.resources for r in got.itertuples()} == pytest.approx(
        dict(money)
    )


def test_cost_per_quarter_and_its_decline(sample_db):
    totals = defaultdict(lambda: [0.0, 0.0, set()])
    for r in raw("riverside_activity_2025.csv"):
        entry = totals[quarter(r["date"])]
        entry[0] += float(r["staff_hours"] or 0)
        entry[1] += float(r["resources"] or 0)
        entry[2].add((r["date"], r["activity"]))
    got = activity.cost(sample_db, RIVERSIDE, hourly_cost=30.0)
    for row in got.itertuples():
        staff, money, meetings = totals[row.period]
        assert row.meetings == len(meetings)
        assert row.staff_hours == pytest.approx(staff)
        assert row.total_cost == pytest.approx(staff * 30.0 + money)
    hours = got["staff_hours"].tolist()
    assert hours == sorted(hours, reverse=True)  # staff time falls with the capacity score


def test_minutes_rate(sample_db):
    got = activity.minutes_rate(sample_db, RIVERSIDE).set_index("period")
    assert got.loc["2025-Q3", "with_minutes"] == 1
    assert got["meetings"].tolist() == [2, 2, 2, 2]


def test_respondent_retention_follows_ids_across_waves(sample_db):
    def ids(name: str, sep: str = ",", encoding: str = "utf-8") -> set[str]:
        with (sample.SAMPLE_DIR / name).open(encoding=encoding, newline="") as handle:
            return {r["respondent_id"] for r in csv.DictReader(handle, delimiter=sep)}

    import openpyxl

    def xlsx_ids(name: str) -> set[str]:
        ws = openpyxl.load_workbook(sample.SAMPLE_DIR / name, read_only=True).worksheets[0]
        return {r[0] for r in ws.iter_rows(min_row=2, values_only=True) if r[0]}

    waves = [
        xlsx_ids("riverside_2025-Q1.xlsx"),
        ids("riverside_2025-Q2.csv"),
        xlsx_ids("riverside_2025-Q3.xlsx"),
        ids("riverside_2025-Q4.csv", ";", "utf-8-sig"),
    ]
    got = activity.retention(sample_db, RIVERSIDE)
    assert got["respondents"].tolist() == [len(w) for w in waves]
    kept = [len(a & b) for a, b in zip(waves, waves[1:], strict=False)]
    assert got["retained"].tolist()[1:] == kept
    assert got["retention_rate"].iloc[1] == pytest.approx(kept[0] / len(waves[0]))
    both = activity.retention(sample_db, None)
    assert set(both["partnership"]) == {RIVERSIDE, WESTBROOK}


def test_empty_partnership_gives_empty_tables():
    db = Database(":memory:")
    assert activity.continuity(db, "None").empty
    assert activity.capacity(db, "None").empty
    assert activity.cost(db, "None").empty
    assert activity.retention(db, "None").empty
