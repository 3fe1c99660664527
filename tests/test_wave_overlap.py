"""The two waves' respondent scores summarised in the store (`respondents.wave_overlap`)
equal the same summaries computed with numpy from the respondents' own scores
(`statistics.overlap_of` on the four vectors of the partially overlapping samples)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from monitor import scores, statistics
from monitor.store import respondents

WAVES = ("2025-Q1", "2025-Q2", "2025-Q3")
AGENCIES = ("Police", "Council", "Health")


def _survey(instrument, rng: np.random.Generator, people: int) -> list[list]:
    """Two waves; about 60% of the people answer both, some for another agency the
    second time, some answers are blank."""
    items = [i.id for i in instrument.items]
    rows = [["respondent_id", "partner", "wave", *items]]
    for person in range(people):
        waves = [w for w in WAVES if rng.random() < 0.8] or [WAVES[-1]]
        agency = AGENCIES[person % len(AGENCIES)]
        for wave in waves:
            if wave != WAVES[0] and rng.random() < 0.1:
                agency = AGENCIES[(person + 1) % len(AGENCIES)]  # moved agency
            answers = ["" if rng.random() < 0.1 else int(rng.integers(1, 6)) for _ in items]
            rows.append([f"R{person}", agency, wave, *answers])
    return rows


def _expected(people, before: str, factor: str, agency: str | None) -> statistics.Overlap:
    frame = people[people["factor"] == factor]
    if agency is not None:
        frame = frame[frame["partner"] == agency]
    key = ["partnership", "respondent_id"] + (["partner"] if agency is not None else [])
    earlier = frame[frame["wave"] == before].set_index(key)["score"]
    after = frame[frame["wave"] == WAVES[-1]].set_index(key)["score"]
    shared = earlier.index.intersection(after.index)
    return statistics.overlap_of(
        earlier.drop(shared).to_numpy(),
        after.drop(shared).to_numpy(),
        earlier.loc[shared].to_numpy(),
        after.loc[shared].to_numpy(),
    )


def _same(got, want: statistics.Overlap) -> None:
    assert (got.n1, got.n2, got.n_paired) == (want.n1, want.n2, want.n_paired)
    for name in ("mean1", "sd1", "mean2", "sd2", "r"):
        value = getattr(got, name)
        value = math.nan if value is None else float(value)
        expected = getattr(want, name)
        if math.isnan(expected):
            assert math.isnan(value), name
        else:
            assert value == pytest.approx(expected, rel=1e-9, abs=1e-12), name


@pytest.mark.parametrize("people", [4, 40, 200])
@pytest.mark.parametrize("by_agency", [False, True], ids=["person", "agency"])
def test_store_summaries_equal_numpy(db, load, instrument, people, by_agency):
    rng = np.random.default_rng(people)
    load(_survey(instrument, rng, people), partnership="P")
    earlier = list(WAVES[:-1])
    found = respondents.wave_overlap(
        db, instrument, earlier, WAVES[-1], partnership="P", by_agency=by_agency
    )
    every = scores.respondent_scores(db, partnership="P", instrument=instrument)
    assert len(found)
    for row in found.itertuples():
        agency = row.partner if by_agency else None
        _same(row, _expected(every, row.before, row.factor, agency))
    columns = ["wave", "factor", *(["partner"] if by_agency else [])]
    groups = {tuple(g) for g in every[columns].drop_duplicates().itertuples(index=False)}
    expected = {
        (before, *group[1:])
        for before in earlier
        for group in groups
        if group[0] in (before, WAVES[-1])
    }
    got = {tuple(g) for g in found[["before", *columns[1:]]].itertuples(index=False)}
    assert got == expected


@pytest.mark.parametrize(
    ("before", "after", "r"),
    [
        ([3, 4], [4, 5], 0.0),  # two shared respondents: too few for a correlation
        ([3, 3, 3], [2, 4, 5], 0.0),  # no spread on one side
        ([1, 2, 3, 4], [2, 3, 4, 5], 1.0),
        ([1, 2, 3, 4], [5, 4, 3, 2], -1.0),
    ],
)
def test_correlation_of_the_repeat_respondents(db, load, instrument, before, after, r):
    items = [i for i in instrument.factor("trust").items]
    header = ["respondent_id", "partner", "wave", *[i.id for i in items]]

    def rows(wave, values):
        return [[f"R{k}", "Police", wave, *[6 - v if i.reverse else v for i in items]]
                for k, v in enumerate(values)]  # fmt: skip

    load([header, *rows(WAVES[0], before), *rows(WAVES[1], after)], partnership="P")
    found = respondents.wave_overlap(db, instrument, [WAVES[0]], WAVES[1], partnership="P")
    trust = found[found["factor"] == "trust"].iloc[0]
    assert trust["r"] == pytest.approx(r)
    assert trust["n_paired"] == len(before)
    assert trust["r"] == pytest.approx(
        statistics.pearson(np.array(before, float), np.array(after, float))
    )


def test_the_same_code_in_two_partnerships_is_two_people(db, load, instrument):
    """Without a partnership chosen, respondents are matched within their partnership."""
    rng = np.random.default_rng(11)
    load(_survey(instrument, rng, 30), partnership="P")
    load(_survey(instrument, rng, 30), "q.csv", partnership="Q")  # the same codes R0...
    earlier = list(WAVES[:-1])
    found = respondents.wave_overlap(db, instrument, earlier, WAVES[-1])
    every = scores.respondent_scores(db, instrument=instrument)
    assert set(every["partnership"]) == {"P", "Q"} and len(found)
    for row in found.itertuples():
        _same(row, _expected(every, row.before, row.factor, None))


@pytest.mark.parametrize("by_agency", [False, True], ids=["person", "agency"])
def test_some_agencies_only(db, load, instrument, by_agency):
    """With agencies chosen, a repeat respondent counts only when both of their answers
    were given for a chosen agency (some moved agency between the waves)."""
    rng = np.random.default_rng(21)
    load(_survey(instrument, rng, 120), partnership="P")
    chosen = AGENCIES[:2]
    found = respondents.wave_overlap(
        db, instrument, list(WAVES[:-1]), WAVES[-1], partners=chosen, by_agency=by_agency
    )
    every = scores.respondent_scores(db, partnership="P", instrument=instrument)
    every = every[every["partner"].isin(chosen)]
    assert len(found) and set(found["n_paired"]) != {0}
    for row in found.itertuples():
        _same(row, _expected(every, row.before, row.factor, row.partner if by_agency else None))
