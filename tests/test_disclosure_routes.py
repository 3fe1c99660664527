"""The disclosure rule on every route, on a generated data set: the library, the command
line (with secondary suppression beside the totals it prints), the report and its
workbook, and the raw-answer export.

The data: one partnership, four waves. Partner C has 2 respondents in 2025-Q2 (4 in the
other waves), so it is hidden there and the next-smallest partner B with it; one
respondent is the only "Chair"; 2025-Q4 has 2 respondents in all.
"""

from __future__ import annotations

import io
import json

import numpy as np
import openpyxl
import pandas as pd
import pytest

from monitor import disclosure, export, quality, report, scores
from monitor.access import ADMIN, EVALUATOR, VIEWER, AccessDenied, Actor
from monitor.cli import main
from monitor.ingest import import_survey
from monitor.scorecard import View, scorecard
from monitor.store import close_all, lookups, open_database, scoring

P = "Gen Partnership"
MIN = 3
SIZES = {
    "2025-Q1": {"A": 8, "B": 6, "C": 4},
    "2025-Q2": {"A": 8, "B": 6, "C": 2},
    "2025-Q3": {"A": 8, "B": 6, "C": 4},
    "2025-Q4": {"A": 2},
}


def _rows(instrument) -> list[list[str]]:
    rng = np.random.default_rng(12)
    items = list(instrument.item_ids)
    rows = [["respondent_id", "partner", "role", "wave", *items]]
    for wave, sizes in SIZES.items():
        for partner, n in sizes.items():
            for i in range(n):
                role = "Chair" if (partner, i) == ("A", 0) else ("Member", "Officer")[i % 2]
                values = rng.integers(1, 6, len(items)).astype(str).tolist()
                rows.append([f"{partner}{i}", partner, role, wave, *values])
    return rows


@pytest.fixture(scope="module")
def path(tmp_path_factory, instrument):
    file = tmp_path_factory.mktemp("gen") / "gen.duckdb"
    db = open_database(str(file))
    rows = _rows(instrument)
    data = pd.DataFrame(rows[1:], columns=rows[0]).to_csv(index=False).encode()
    import_survey(db, io.BytesIO(data), "gen.csv", partnership=P)
    yield file
    close_all()


@pytest.fixture
def db(path):
    return open_database(str(path))


def _at(frame: pd.DataFrame, wave: str, column: str, value: str) -> pd.DataFrame:
    return frame[(frame["wave"] == wave) & (frame[column] == value)]


# --- the library -----------------------------------------------------------------------------


def test_small_partner_and_the_one_protecting_it_are_hidden(db):
    frame = scores.factor_scores(db, by="partner", partnership=P, min_group_size=MIN)
    for partner, secondary in (("C", False), ("B", True)):
        rows = _at(frame, "2025-Q2", "partner", partner)
        assert rows["suppressed"].all() and (rows["secondary"] == secondary).all()
        assert rows[["mean", "sd", "ci_low", "ci_high"]].isna().all().all()
    assert _at(frame, "2025-Q2", "partner", "A")["mean"].notna().all()
    assert _at(frame, "2025-Q1", "partner", "C")["mean"].notna().all()


def test_hidden_partners_cannot_be_worked_out_from_the_total(db):
    by_partner = scores.factor_scores(db, by="partner", partnership=P, min_group_size=MIN)
    for (wave, _), cell in by_partner.groupby(["wave", "factor"]):
        hidden = cell.loc[cell["mean"].isna(), "n"].sum()
        assert hidden == 0 or hidden >= MIN or hidden == cell["n"].sum(), wave


def test_roles_are_suppressed_like_partners(db):
    frame = scores.factor_scores(db, by="role", partnership=P, min_group_size=MIN)
    chair = frame[frame["role"] == "Chair"]
    assert chair["suppressed"].all() and chair["mean"].isna().all()
    for (_, _), cell in frame.groupby(["wave", "factor"]):
        hidden = cell.loc[cell["suppressed"], "n"].sum()
        assert hidden == 0 or hidden >= MIN or cell["suppressed"].all()


def test_a_small_wave_of_the_whole_partnership_is_hidden(db):
    frame = scores.factor_scores(db, partnership=P, min_group_size=MIN)
    assert frame.loc[frame["wave"] == "2025-Q4", "mean"].isna().all()
    assert frame.loc[frame["wave"] != "2025-Q4", "mean"].notna().all()


def test_selection_change_does_not_reveal_the_small_wave_compared_with(db):
    card = scorecard(db, View(P, "2025-Q3", ("A", "C")), min_group_size=MIN)
    assert card["mean"].notna().all()  # Q3: 12 selected, 6 left out, nothing hidden
    previous = [c for c in card.columns if c.startswith(("previous_", "change"))]
    numbers = [c for c in previous if c not in ("previous_wave", "previous_n")]
    numbers = [c for c in numbers if not c.startswith("change_first") and "verdict" not in c]
    assert {"previous_mean", "change", "change_low", "change_high"} <= set(numbers)
    assert card[numbers].isna().all().all()
    assert (card["change_verdict"] == disclosure.HIDDEN_TEXT).all()
    assert card["change_first"].notna().all()  # Q1 is large enough on both sides


def test_a_hidden_wave_shown_hides_its_changes(db):
    card = scorecard(db, View(P, "2025-Q4"), min_group_size=MIN)
    assert card["mean"].isna().all() and card["suppressed"].all()
    assert card["change"].isna().all() and card["change_first"].isna().all()
    assert (card["change_first_verdict"] == disclosure.HIDDEN_TEXT).all()


def test_trend_of_a_selection_skips_its_small_waves(db):
    where = scoring.ScoreFilter(P, ("A", "C"))
    trend = scores.factor_scores(db, where=where, min_group_size=MIN)
    assert trend.loc[trend["wave"] == "2025-Q2", "mean"].isna().all()
    assert trend.loc[trend["wave"].isin(["2025-Q1", "2025-Q3"]), "mean"].notna().all()


@pytest.mark.parametrize(
    "partners", [("A",), ("B",), ("C",), ("A", "B"), ("A", "C"), ("B", "C"), ("A", "B", "C")]
)
def test_no_selection_total_gives_a_small_group_away(db, partners):
    """Whatever partners are chosen in the wave where C is small, a selection total that
    is shown leaves no small group to find by subtraction (from the partnership total
    and the visible partner scores)."""
    day = lookups.waves(db, P).set_index("wave").loc["2025-Q2", "wave_start"]
    where = scoring.ScoreFilter(P, partners, day, day)
    total = scores.factor_scores(db, where=where, min_group_size=MIN)
    if total["mean"].isna().all():
        return
    by_partner = scores.factor_scores(db, by="partner", partnership=P, min_group_size=MIN)
    sizes = SIZES["2025-Q2"]
    hidden = set(
        by_partner.loc[by_partner["suppressed"] & (by_partner["wave"] == "2025-Q2"), "partner"]
    )
    inside = sum(sizes[p] for p in partners if p in hidden)
    outside = sum(n for p, n in sizes.items() if p in hidden and p not in partners)
    left_out = sum(n for p, n in sizes.items() if p not in partners)
    assert not any(0 < people < MIN for people in (inside, outside, left_out))
    assert partners in {("A",), ("B", "C"), ("A", "B", "C")}


def test_alpha_and_item_counts_follow_the_rule_of_their_scores(db):
    """A selection hidden in a wave (C alone: 2 respondents in Q2) shows no alpha and no
    item counts there; the whole partnership's small Q4 neither; the rest stay."""
    alone = View(P, "2025-Q3", ("C",))
    alpha = quality.reliability(db, alone, min_group_size=MIN)
    small = alpha["wave"] == "2025-Q2"
    assert alpha.loc[small, "alpha"].isna().all() and alpha.loc[small, "suppressed"].all()
    assert (alpha.loc[small, "reliability"] == disclosure.HIDDEN_TEXT).all()
    assert alpha.loc[~small, "alpha"].notna().all() and not alpha.loc[~small, "suppressed"].any()
    items = quality.item_quality(db, alone, min_group_size=MIN)
    small = items["wave"] == "2025-Q2"
    assert items.loc[small, ["answered", "missing_rate"]].isna().all().all()
    assert items.loc[~small, "answered"].notna().all()
    whole = quality.item_quality(db, View(P, "2025-Q4"), min_group_size=MIN)
    assert whole.loc[whole["wave"] == "2025-Q4", "answered"].isna().all()
    shown = quality.reliability(db, alone, min_group_size=disclosure.NO_MINIMUM)
    assert shown["alpha"].notna().any() and not shown["suppressed"].any()


def test_cli_reliability_and_missing_hide_small_groups(cli):
    for command in ("reliability", "missing"):
        code, out, err = cli(command, "--wave", "2025-Q4", "--format", "json")
        frame = _json(out)
        assert code == 0 and "Hidden" in err
        assert frame.loc[frame["wave"] == "2025-Q4", "suppressed"].all()


# --- the command line --------------------------------------------------------------------------


@pytest.fixture
def cli(capsys, path):
    def run(*args: str) -> tuple[int, str, str]:
        code = main([*args, "--db", str(path)])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _json(out: str) -> pd.DataFrame:
    return pd.DataFrame(json.loads(out))


def test_cli_scores_follow_the_rule_and_say_so(cli):
    code, out, err = cli("scores", "--by", "partner", "--format", "json")
    assert code == 0 and "Hidden" in err
    frame = _json(out)
    for partner in ("B", "C"):
        assert _at(frame, "2025-Q2", "partner", partner)["mean"].isna().all()
    code, out, _ = cli("scores", "--by", "role", "--format", "json")
    roles = _json(out)
    assert roles.loc[roles["role"] == "Chair", "mean"].isna().all()


def test_cli_partner_matrix_hides_the_protecting_partner_beside_the_total(cli):
    code, out, _ = cli("partners", "--wave", "2025-Q2", "--format", "json")
    frame = _json(out)
    total = frame[frame["partner"] == "(all partners)"]
    assert len(total) == 10 and total["mean"].notna().all()
    assert frame.loc[frame["partner"].isin(["B", "C"]), "mean"].isna().all()
    assert frame.loc[frame["partner"] == "B", "secondary"].all()


def test_cli_table_marks_hidden_scores(cli):
    code, out, _ = cli("partners", "--wave", "2025-Q2")
    assert code == 0 and out.startswith("Hidden (a dash): 20 score(s) of fewer than 3")
    c_row = next(line for line in out.splitlines() if " C " in line and "trust" in line)
    assert " - " in c_row


def test_cli_scorecard_of_a_selection(cli):
    code, out, _ = cli(
        "scorecard", "--wave", "2025-Q3", "--partner", "A", "--partner", "C", "--format", "json"
    )
    card = _json(out)
    assert card["previous_mean"].isna().all() and card["change"].isna().all()
    assert (card["change_verdict"] == disclosure.HIDDEN_TEXT).all()


def test_cli_show_small_groups_lifts_the_rule_and_says_so(cli):
    code, out, err = cli("scores", "--by", "partner", "--format", "json", "--show-small-groups")
    assert code == 0 and "Small groups shown" in err
    frame = _json(out)
    assert _at(frame, "2025-Q2", "partner", "C")["mean"].notna().all()
    code, out, _ = cli("scores", "--show-small-groups", "--wave", "2025-Q4")
    assert out.startswith("Small groups shown")


def test_cli_json_keeps_full_precision(cli, db):
    exact = scores.factor_scores(db, partnership=P, min_group_size=MIN)
    first = exact[exact["wave"] == "2025-Q1"]["mean"].tolist()
    code, out, _ = cli("scores", "--format", "json", "--wave", "2025-Q1")
    # more digits than a 10-digit rendering keeps (the sum's order may vary in the last bit)
    assert [r["mean"] for r in json.loads(out)] == pytest.approx(first, rel=1e-13, abs=0)


# --- the report and its workbook ---------------------------------------------------------------


def test_workbook_follows_the_rule(db):
    data = report.scores_excel(db, P, "2025-Q2", min_group_size=MIN)
    book = openpyxl.load_workbook(io.BytesIO(data))
    waves = pd.DataFrame(book["All waves"].values)
    waves.columns = waves.iloc[0]
    waves = waves.iloc[1:]
    assert waves.loc[waves["Wave"] == "2025-Q4", "Score"].isna().all()
    gaps = pd.DataFrame(book["Partner gaps"].values).iloc[1:]
    assert set(gaps[1]) | set(gaps[3]) == {"A"}  # lowest and highest partner


def test_pdf_report_shows_no_hidden_score(db):
    from pypdf import PdfReader

    pdf = report.pdf_report(db, P, "2025-Q4", min_group_size=MIN, charts_as_images=False)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    # the scorecard's ten factors, and the trend table's 2025-Q4 column
    assert text.count("hidden (small group)") >= 10
    trend_rows = [line for line in text.splitlines() if line.rstrip().endswith("hidden")]
    assert len(trend_rows) >= 10


# --- raw answers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [(None, False), (Actor(None, VIEWER), False), (Actor("e", EVALUATOR), True),
     (Actor("a", ADMIN), True), (Actor("e", EVALUATOR, ("Other",)), False)],
)  # fmt: skip
def test_raw_answers_only_for_evaluators_and_admins(db, actor, allowed):
    view = View(P, "2025-Q4")
    assert export.may_read_answers(actor) == (actor is not None and actor.role != VIEWER)
    if allowed:
        frame = export.combined_data(db, view, actor)
        assert {"partner", "respondent_id"} <= set(frame.columns)
    else:
        with pytest.raises(AccessDenied):
            export.combined_data(db, view, actor)
