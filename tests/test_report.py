"""The board report (PDF) and the scores workbook, from the library and the command line."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from analytics_helpers import file_scores
from pypdf import PdfReader

from monitor import access, cli, export, report, sample, scores
from monitor.errors import NotFoundError
from monitor.store import close_all, open_database, responses, uploads

RIVERSIDE = "Riverside Community Safety Partnership"


@pytest.fixture(scope="module")
def pdf_text(sample_db) -> str:
    pdf = report.pdf_report(sample_db, RIVERSIDE, "2025-Q4")
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    images = sum(len(page.images) for page in reader.pages)
    assert images == 3  # scorecard, trends, partner gaps
    return re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in reader.pages))


def capacity_in_the_last_wave(instrument) -> float:
    """Riverside's staff capacity score in 2025-Q4, straight from the sample file."""
    frame = file_scores(sample.SAMPLE_DIR / "riverside_2025-Q4.csv", instrument)
    score = frame.loc[frame["factor"] == "capacity", "score"].mean()
    assert score < 3.0  # the sample's falling capacity ends in the concern band
    return score


def expected_scores(db, wave: str):
    frame = scores.factor_scores(db, partnership=RIVERSIDE)
    return frame[frame["wave"] == wave]


def test_the_pdf_shows_the_scorecard_of_the_sample(sample_db, pdf_text, instrument):
    assert "Partnership health report" in pdf_text
    assert f"{RIVERSIDE} - wave 2025-Q4" in pdf_text
    latest = expected_scores(sample_db, "2025-Q4")
    n = responses.respondents_by_partner(sample_db, RIVERSIDE, "2025-Q4", None)["respondents"].sum()
    assert f"n = {n} from 8 partner agencies" in pdf_text
    assert "Wave starts 2025-10-01" in pdf_text
    for row in latest.itertuples():
        # The scorecard row: factor, score, band, interval (names may wrap in a cell).
        assert f"{row.mean:.2f} {row.band_label} {row.ci_low:.2f} - {row.ci_high:.2f}" in pdf_text
    capacity = capacity_in_the_last_wave(instrument)
    assert f"Staff capacity: scores {capacity:.2f}, in the concern band" in pdf_text


def test_the_pdf_shows_trends_and_partner_gaps(sample_db, pdf_text):
    assert "Waves: 2025-Q1, 2025-Q2, 2025-Q3, 2025-Q4" in pdf_text
    first = expected_scores(sample_db, "2025-Q1").set_index("factor")
    latest = expected_scores(sample_db, "2025-Q4").set_index("factor")
    trust = " ".join(
        f"{v:.2f}"
        for v in scores.factor_scores(sample_db, partnership=RIVERSIDE).query("factor == 'trust'")[
            "mean"
        ]
    )
    assert f"Trust {trust}" in pdf_text
    assert first.loc["trust", "mean"] < latest.loc["trust", "mean"]
    assert "Where partners disagree" in pdf_text
    assert "Lowest partner" in pdf_text and "Highest partner" in pdf_text


def test_an_unknown_partnership_or_wave_is_a_clear_error(sample_db):
    with pytest.raises(NotFoundError, match="no survey data for the partnership"):
        report.report_data(sample_db, "Nowhere")
    with pytest.raises(NotFoundError, match="has no wave '2031-Q1'"):
        report.report_data(sample_db, RIVERSIDE, "2031-Q1")
    assert report.report_data(sample_db, RIVERSIDE).wave == "2025-Q4"


def test_the_scores_workbook(sample_db, instrument):
    book = openpyxl.load_workbook(io.BytesIO(report.scores_excel(sample_db, RIVERSIDE)))
    assert book.sheetnames == ["Scorecard 2025-Q4", "All waves", "Partner gaps"]
    card = book["Scorecard 2025-Q4"]
    header = [c.value for c in card[1]]
    values = {row[0]: row[header.index("Score")] for row in card.iter_rows(2, values_only=True)}
    assert values["Staff capacity"] == pytest.approx(
        capacity_in_the_last_wave(instrument), abs=0.005
    )
    assert book["All waves"].max_row == 1 + 40  # ten factors, four waves


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_exports_neutralise_formulas(start):
    import pandas as pd

    frame = pd.DataFrame({"Partner": [f"{start}HYPERLINK(1)", "Police"], "n": [1, 2]})
    book = openpyxl.load_workbook(io.BytesIO(export.to_excel_sheets({"S": frame})))
    assert book["S"]["A2"].value == f"'{start}HYPERLINK(1)"
    assert book["S"]["A3"].value == "Police"
    assert export.to_csv_bytes(frame).decode("utf-8-sig").splitlines()[1].startswith("'")


def test_report_from_the_command_line(tmp_path, capsys):
    db_file = tmp_path / "m.duckdb"
    try:
        assert cli.main(["demo", "--db", str(db_file)]) == 0
        out, xlsx = tmp_path / "board.pdf", tmp_path / "scores.xlsx"
        args = ["report", "--db", str(db_file), "--out", str(out), "--scores-xlsx", str(xlsx)]
        args += ["--partnership", "Riverside Community Safety Partnership"]  # one of two
        assert cli.main([*args, "--wave", "2025-Q2"]) == 0
        text = " ".join(p.extract_text() for p in PdfReader(out).pages)
        assert "wave 2025-Q2" in text
        assert openpyxl.load_workbook(xlsx).sheetnames[0] == "Scorecard 2025-Q2"
        assert cli.main(["report", "--db", str(db_file), "--partnership", "Nowhere"]) == 2
        assert "no survey data" in capsys.readouterr().err
    finally:
        close_all()


def test_hash_password_from_the_command_line(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse\n"))
    assert cli.main(["hash-password", "--stdin"]) == 0
    stored = capsys.readouterr().out.strip()
    assert access.check_password("correct horse", stored)
    assert not access.check_password("correct horse\n", stored)


def test_removal_from_the_command_line_is_in_the_audit_list(tmp_path, monkeypatch):
    monkeypatch.setattr(access.roles.getpass, "getuser", lambda: "kim")
    db_file = str(tmp_path / "m.duckdb")
    try:
        assert cli.main(["demo", "--db", db_file]) == 0
        assert cli.main(["remove", "1", "--db", db_file]) == 0
        audit = uploads.audit_list(open_database(db_file))
        assert audit.iloc[0][["action", "who", "upload_id"]].tolist() == [
            "remove",
            "cli:kim",
            1,
        ]
        assert (audit["action"] == "upload").sum() == 10  # every sample file
    finally:
        close_all()
