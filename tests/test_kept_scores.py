"""Kept respondent factor scores equal those computed from the answers, in both stores,
after imports, removals and a change of instrument."""

from __future__ import annotations

import io
from dataclasses import replace
from unittest import mock

import duckdb
import numpy as np
import pandas as pd
from analytics_helpers import raw_answers
from analytics_helpers import respondent_scores as reference_scores

from monitor import scores
from monitor.ingest import import_survey
from monitor.store import close_all, kept_scores, open_database, scoring, uploads
from monitor.store.kept_scores import KEPT_TABLE
from monitor.store.replica import ReplicaDatabase

KEYS = ["partnership", "wave", "respondent_id", "partner", "factor"]
PARTNERS = ("Police", "Council", "Health", "Housing")


def generated_csv(instrument, wave: str, n: int, seed: int) -> bytes:
    """`n` respondents of one wave with random answers, a quarter of them missing."""
    rng = np.random.default_rng(seed)
    items = instrument.item_ids
    answers = rng.integers(instrument.scale_min, instrument.scale_max + 1, (n, len(items)))
    missing = rng.random((n, len(items))) < 0.25
    lines = [",".join(["respondent_id", "partner", "role", "wave", *items])]
    for r in range(n):
        cells = ["" if missing[r, j] else str(answers[r, j]) for j in range(len(items))]
        role = ["Manager", "Practitioner", ""][r % 3]
        lines.append(",".join([f"R{r:03d}", PARTNERS[r % len(PARTNERS)], role, wave, *cells]))
    return ("\n".join(lines) + "\n").encode()


def kept(db, instrument) -> pd.DataFrame:
    frame = scoring.respondent_scores(db, instrument)[[*KEYS, "score", "n_answered"]]
    return frame.sort_values(KEYS, ignore_index=True)


def expected(db, instrument) -> pd.DataFrame:
    frame = reference_scores(raw_answers(db), instrument)
    frame = frame.rename(columns={"count": "n_answered"})[[*KEYS, "score", "n_answered"]]
    return frame.sort_values(KEYS, ignore_index=True)


COUNTED = (
    "SELECT upload_id, partnership, wave, wave_start, partner, {respondents} FROM {table} "
    "GROUP BY ALL ORDER BY ALL"
)


def assert_counts_equal_answers(db) -> None:
    """The respondents counted per upload, wave and agency are those of the answers."""
    kept_counts = COUNTED.format(respondents="sum(respondents)", table="respondent_counts")
    answered = COUNTED.format(respondents="count(DISTINCT respondent_id)", table="answers")
    assert db.query_rows(kept_counts) == db.query_rows(answered)


NUMBERING = {
    # every respondent (partnership and respondent_id) with kept scores has one number
    "respondents with two numbers": (
        f"SELECT partnership, respondent_id FROM {KEPT_TABLE} "
        "GROUP BY ALL HAVING count(DISTINCT person) > 1"
    ),
    # and no number is given to two respondents
    "numbers of two respondents": (
        "SELECT person FROM respondent_keys GROUP BY person HAVING count(*) > 1 "
        f"UNION ALL SELECT person FROM {KEPT_TABLE} "
        "GROUP BY person HAVING count(DISTINCT (partnership, respondent_id)) > 1"
    ),
    # the scores carry the number listed for their respondent
    "numbers not listed": (
        f"SELECT k.person FROM {KEPT_TABLE} AS k LEFT JOIN respondent_keys AS p "
        "USING (partnership, respondent_id) WHERE p.person IS DISTINCT FROM k.person"
    ),
    # and the list keeps no respondent whose answers were removed
    "numbers left over": (
        "SELECT person FROM respondent_keys ANTI JOIN answers USING (partnership, respondent_id)"
    ),
}


def assert_respondents_numbered(db) -> None:
    for what, sql in NUMBERING.items():
        assert db.query_rows(sql) == [], what


PAIR_KEYS = ["partnership", "factor", "wave_a", "partner_a", "wave_b", "partner_b"]
PAIR_SUMS = [
    "n", "sum_a", "sum_b", "sum_aa", "sum_bb", "sum_ab", "min_a", "max_a", "min_b", "max_b"
]  # fmt: skip
KEPT_PAIRS = (
    f"SELECT {', '.join(PAIR_KEYS)}, sum(n) AS n, sum(sum_a) AS sum_a, sum(sum_b) AS sum_b, "
    "sum(sum_aa) AS sum_aa, sum(sum_bb) AS sum_bb, sum(sum_ab) AS sum_ab, min(min_a) AS min_a, "
    "max(max_a) AS max_a, min(min_b) AS min_b, max(max_b) AS max_b "
    "FROM wave_pair_sums GROUP BY ALL ORDER BY ALL"
)


def pair_sums(scored: pd.DataFrame) -> pd.DataFrame:
    """Every respondent's scores of two waves (same partnership, respondent_id and factor)
    matched with pandas and summed per partnership, factor, waves and agencies."""
    pairs = scored.merge(
        scored, on=["partnership", "respondent_id", "factor"], suffixes=("_a", "_b")
    )
    pairs = pairs[pairs["wave_a"] != pairs["wave_b"]]
    pairs = pairs.assign(
        aa=pairs["score_a"] ** 2, bb=pairs["score_b"] ** 2, ab=pairs["score_a"] * pairs["score_b"]
    )
    summed = pairs.groupby(PAIR_KEYS).agg(
        n=("score_a", "size"), sum_a=("score_a", "sum"), sum_b=("score_b", "sum"),
        sum_aa=("aa", "sum"), sum_bb=("bb", "sum"), sum_ab=("ab", "sum"),
        min_a=("score_a", "min"), max_a=("score_a", "max"),
        min_b=("score_b", "min"), max_b=("score_b", "max"),
    )  # fmt: skip
    return summed.reset_index().sort_values(PAIR_KEYS, ignore_index=True)


def assert_pair_sums_equal_scores(db, want: pd.DataFrame) -> None:
    """The sums kept for the repeat respondents of every two waves are those of their
    scores (`want`, computed from the answers)."""
    got, summed = db.query_df(KEPT_PAIRS), pair_sums(want)
    assert len(got) == len(summed)
    assert got[PAIR_KEYS].astype(str).equals(summed[PAIR_KEYS].astype(str))
    assert np.allclose(got[PAIR_SUMS].to_numpy(float), summed[PAIR_SUMS].to_numpy(float))


def assert_kept_equal_computed(db, instrument) -> None:
    assert_counts_equal_answers(db)
    got, want = kept(db, instrument), expected(db, instrument)
    assert len(got) == len(want) > 0
    assert got[KEYS].astype(str).equals(want[KEYS].astype(str))
    assert np.allclose(got["score"], want["score"])
    assert (got["n_answered"].to_numpy() == want["n_answered"].to_numpy()).all()
    assert_respondents_numbered(db)
    assert_pair_sums_equal_scores(db, want)
    groups = (
        want.groupby(["partnership", "wave", "factor"])["score"]
        .agg(n="count", mean="mean")
        .reset_index()
    )
    grouped = scores.factor_scores(db, instrument=instrument).merge(
        groups, on=["partnership", "wave", "factor"], suffixes=("", "_want")
    )
    assert len(grouped) == len(groups)
    assert (grouped["n"] == grouped["n_want"]).all()
    assert np.allclose(grouped["mean"], grouped["mean_want"])


def reversed_first_item(instrument):
    """The instrument with the reverse flag of its first item turned over."""
    first = instrument.factors[0]
    items = (replace(first.items[0], reverse=not first.items[0].reverse), *first.items[1:])
    return replace(instrument, factors=(replace(first, items=items), *instrument.factors[1:]))


def test_kept_scores_follow_imports_removals_and_instrument(any_db, instrument):
    one = import_survey(any_db, io.BytesIO(generated_csv(instrument, "2025-Q1", 60, 1)), "q1.csv")
    assert_kept_equal_computed(any_db, instrument)  # made whole on first reading
    import_survey(any_db, io.BytesIO(generated_csv(instrument, "2025-Q2", 80, 2)), "q2.csv")
    assert_kept_equal_computed(any_db, instrument)  # kept when the upload was stored

    uploads.remove_upload(any_db, one.upload_id)
    assert_kept_equal_computed(any_db, instrument)
    left = any_db.query_rows(f"SELECT DISTINCT wave FROM {KEPT_TABLE}")
    assert left == [("2025-Q2",)]

    changed = reversed_first_item(instrument)
    before = kept(any_db, instrument)
    assert_kept_equal_computed(any_db, changed)  # another instrument: made again
    assert not kept(any_db, changed)["score"].equals(before["score"])
    assert_kept_equal_computed(any_db, instrument)


def test_a_new_replica_makes_its_own_kept_scores(pg_url, shared_dbs, instrument):
    first = open_database(pg_url)
    import_survey(first, io.BytesIO(generated_csv(instrument, "2025-Q1", 50, 3)), "q1.csv")
    scoring.respondent_scores(first, instrument)  # the first replica notes the instrument
    other = ReplicaDatabase(pg_url)  # PostgreSQL holds no scores: this copy makes them
    try:
        assert_kept_equal_computed(other, instrument)
        import_survey(first, io.BytesIO(generated_csv(instrument, "2025-Q2", 40, 4)), "q2.csv")
        other.refresh()  # catching up makes the new upload's scores in this copy
        counts = dict(other.query_rows(f"SELECT wave, count(*) FROM {KEPT_TABLE} GROUP BY 1"))
        assert set(counts) == {"2025-Q1", "2025-Q2"}
        assert_kept_equal_computed(other, instrument)
    finally:
        other.close()


def reopened_as_older(tmp_path, instrument, version: int, undo: list[str], seeds, sizes=(25, 25)):
    """A store of two waves (scores made), closed, turned back into schema `version` by
    the statements `undo` with migration `version` + 1 forgotten, and opened again (which
    applies that migration)."""
    path = tmp_path / "older.duckdb"
    db = open_database(path)
    for wave, seed, n in zip(("2025-Q1", "2025-Q2"), seeds, sizes, strict=True):
        import_survey(db, io.BytesIO(generated_csv(instrument, wave, n, seed)), f"{wave}.csv")
    assert_kept_equal_computed(db, instrument)
    close_all()
    with duckdb.connect(str(path)) as con:
        for statement in undo:
            con.execute(statement)
        con.execute("DELETE FROM schema_migrations WHERE version = ?", [version + 1])
        con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(version)])
    return open_database(path)


def test_an_older_store_counts_its_respondents_when_migrated(tmp_path, instrument):
    undo = ["DROP TABLE respondent_counts"]
    db = reopened_as_older(tmp_path, instrument, 7, undo, seeds=(5, 6), sizes=(30, 20))
    assert db.query_rows("SELECT count(*) FROM respondent_counts")[0][0] == 8
    assert_counts_equal_answers(db)
    close_all()


def test_a_respondent_keeps_one_number_across_waves_and_partnerships(db, instrument):
    """The same code is one respondent in two waves of a partnership, and two respondents
    in two partnerships; removing a wave keeps the numbers of those still answering."""
    for wave, partnership, seed in (("2025-Q1", "P", 7), ("2025-Q2", "P", 8), ("2025-Q1", "Q", 9)):
        csv = generated_csv(instrument, wave, 20, seed)
        import_survey(db, io.BytesIO(csv), f"{partnership}{wave}.csv", partnership=partnership)
    assert_kept_equal_computed(db, instrument)
    numbers = f"SELECT DISTINCT partnership, respondent_id, person FROM {KEPT_TABLE}"
    before = set(db.query_rows(numbers))
    assert len(before) == 40  # R000..R019 in P and in Q
    ids = [row[0] for row in db.query_rows("SELECT upload_id FROM uploads ORDER BY upload_id")]
    uploads.remove_upload(db, ids[0])  # P's first wave: its respondents answered the second
    assert_kept_equal_computed(db, instrument)
    assert set(db.query_rows(numbers)) == before
    uploads.remove_upload(db, ids[2])  # Q's only wave: its respondents' numbers go
    assert_kept_equal_computed(db, instrument)
    assert set(db.query_rows(numbers)) == {row for row in before if row[0] == "P"}
    assert "person" not in scores.respondent_scores(db, instrument=instrument).columns  # inner


def test_an_older_store_numbers_its_respondents_when_migrated(tmp_path, instrument):
    undo = ["DROP TABLE respondent_keys", f"ALTER TABLE {KEPT_TABLE} DROP COLUMN person"]
    db = reopened_as_older(tmp_path, instrument, 8, undo, seeds=(10, 11))
    assert db.applied == [9]
    made_again = mock.patch.object(kept_scores, "make_scores", side_effect=AssertionError)
    with made_again:  # the scores kept are numbered by the migration, not made again
        assert_kept_equal_computed(db, instrument)
    close_all()


def test_kept_scores_are_stored_in_wave_order(db, instrument):
    """A file of several waves, and every upload made again, store their scores wave by
    wave, so that a reading of some waves skips the blocks of the others."""
    header, *q2 = generated_csv(instrument, "2025-Q2", 30, 12).decode().splitlines()
    q1 = generated_csv(instrument, "2025-Q1", 30, 13).decode().splitlines()[1:]
    mixed = [row for pair in zip(q2, q1, strict=True) for row in pair]  # Q2, Q1, Q2, ...
    import_survey(db, io.BytesIO("\n".join([header, *mixed, ""]).encode()), "mixed.csv")
    stored_order = f"SELECT wave_start FROM {KEPT_TABLE} ORDER BY rowid"
    scoring.respondent_scores(db, instrument)  # made whole at the first reading
    first = [row[0] for row in db.query_rows(stored_order)]
    assert first == sorted(first) and len(set(first)) == 2
    import_survey(db, io.BytesIO(generated_csv(instrument, "2025-Q3", 10, 14)), "q3.csv")
    scoring.respondent_scores(db, reversed_first_item(instrument))  # all made again
    again = [row[0] for row in db.query_rows(stored_order)]
    assert again == sorted(again) and len(set(again)) == 3


def test_repeat_respondents_are_summed_within_and_across_uploads(db, instrument):
    """A file of two waves stored after another wave was read: its own two waves are
    matched once, and each with the earlier upload's; removing either upload removes
    the sums involving it."""
    q1 = generated_csv(instrument, "2025-Q1", 40, 15)
    first = import_survey(db, io.BytesIO(q1), "q1.csv")
    assert_kept_equal_computed(db, instrument)  # the instrument is noted from here on
    header, *q2 = generated_csv(instrument, "2025-Q2", 30, 16).decode().splitlines()
    q3 = generated_csv(instrument, "2025-Q3", 35, 17).decode().splitlines()[1:]
    both = import_survey(db, io.BytesIO("\n".join([header, *q2, *q3, ""]).encode()), "q23.csv")
    waves = "SELECT DISTINCT wave_a, wave_b FROM wave_pair_sums ORDER BY ALL"
    assert len(db.query_rows(waves)) == 6  # three waves, each pair both ways round
    assert_kept_equal_computed(db, instrument)
    uploads.remove_upload(db, first.upload_id)
    assert db.query_rows(waves) == [("2025-Q2", "2025-Q3"), ("2025-Q3", "2025-Q2")]
    assert_kept_equal_computed(db, instrument)
    uploads.remove_upload(db, both.upload_id)
    assert db.query_rows("SELECT count(*) FROM wave_pair_sums") == [(0,)]


def test_an_older_store_sums_its_repeat_respondents_when_migrated(tmp_path, instrument):
    db = reopened_as_older(tmp_path, instrument, 10, ["DROP TABLE wave_pair_sums"], (18, 19))
    assert db.applied == [11]
    assert db.query_rows("SELECT count(*) FROM wave_pair_sums") == [(0,)]
    assert_kept_equal_computed(db, instrument)  # the first reading makes them, with sums
    close_all()
