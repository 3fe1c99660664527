"""The board report (PDF) and the scores workbook, from the library and the command line."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import date, datetime

import openpyxl
import pytest
from analytics_helpers import file_scores
from pypdf import PdfReader

from monitor import access, cli, export, report, sample, scores
from monitor.errors import NotFoundError, TooLargeForExcelError
from monitor.instrument import load_instrument
from monitor.store import close_all, open_database, responses, uploads

RIVERSIDE = "Riverside Community Safety Partnership"


@pytest.fixture(scope="module")
def document(sample_db):
    """The report of the sample's last wave, laid out (charts drawn)."""
    data = report.report_data(sample_db, RIVERSIDE, "2025-Q4")
    return report.document(data, load_instrument())


@pytest.fixture(scope="module")
def pdf_pages(document) -> list[str]:
    pdf = document.output()
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    images = sum(len(page.images) for page in reader.pages)
    assert images == 3  # scorecard, trends, partner gaps
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


@pytest.fixture(scope="module")
def pdf_text(pdf_pages) -> str:
    return " ".join(pdf_pages)


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
    assert "the wave starts 2025-10-01" in pdf_text
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


def test_the_first_page_sums_up_in_plain_words(sample_db, pdf_pages):
    first = pdf_pages[0]
    data = report.report_data(sample_db, RIVERSIDE, "2025-Q4")
    card = data.card.set_index("factor")
    assert "Summary" in first
    strong = card[card["band"] == "strength"]
    assert len(strong) > 0
    assert (
        "In the strength band: "
        + "; ".join(f"{r.factor_name} ({r.mean:.2f})" for r in strong.itertuples())
        in first
    )
    moved = card[card["change_verdict"].isin(["rose", "fell"])]
    assert "trust" in moved.index  # the sample's rising trust
    assert (
        "Since 2025-Q3: "
        + "; ".join(
            f"{r.factor_name} {r.change_verdict} by {abs(r.change):.2f}" for r in moved.itertuples()
        )
        in first
    )
    flagged = data.name_only["partner"].unique().tolist()
    assert flagged  # the sample's partner in name only
    for partner in flagged:
        assert f"{partner} may be a partner in name only: " in first
    assert "Response rates Not recorded: the store holds no count of the people invited" in first
    # The glossary of bands and intervals, and the data's date.
    assert "Reading this report" in first
    assert "Bands Strength from 4.0, Borderline (discuss) from 3.0, Concern below 3.0." in first
    assert "95% interval The range the score would probably fall in" in first
    assert "the wave starts 2025-10-01; its answers were last uploaded" in first


def test_the_pdf_has_the_name_only_flags_and_page_numbers(sample_db, pdf_pages, pdf_text):
    data = report.report_data(sample_db, RIVERSIDE, "2025-Q4")
    section = pdf_text[pdf_text.index("Partnership in name only?") :]
    assert "Upper end of its 95% interval" in section  # the flags' table
    for row in data.name_only.itertuples():
        assert row.partner in section
        assert f"{row.latest_difference:.2f}" in section
    for number, text in enumerate(pdf_pages, start=1):
        assert f"Page {number} of {len(pdf_pages)}" in text
    assert "Cost of running the partnership" in pdf_text
    assert "Staff hours priced at £40 an hour" in pdf_text


def test_no_heading_is_left_at_the_foot_of_a_page(document):
    log = document.log
    for (kind, page), (_, next_page) in zip(log, log[1:], strict=False):
        if kind == "heading":
            assert next_page == page, f"a heading on page {page} is followed on {next_page}"
    assert log[-1][0] != "heading"


def test_trends_stop_at_the_report_wave(sample_db):
    data = report.report_data(sample_db, RIVERSIDE, "2025-Q2")
    assert sorted(data.trend["wave"].unique()) == ["2025-Q1", "2025-Q2"]
    assert data.cost["period"].tolist() == ["2025-Q1", "2025-Q2"]
    pdf = report.document(data, load_instrument(), images=False).output()
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Waves: 2025-Q1, 2025-Q2." in text
    assert "2025-Q3" not in text and "2025-Q4" not in text


def test_text_from_files_is_written_as_plain_text(sample_db):
    data = report.report_data(sample_db, RIVERSIDE, "2025-Q4")
    hostile = "<b>Evil</b> **Agency** [x](http://e.example)"
    flags = data.name_only.assign(partner=hostile)
    data = dataclasses.replace(data, name_only=flags, partnership=f"{RIVERSIDE} _it_")
    pdf = report.document(data, load_instrument(), images=False).output()
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert f"{hostile} may be a partner in name only" in text
    assert f"{RIVERSIDE} _it_ - wave 2025-Q4" in text


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


def test_excel_cells_hold_the_frame_values():
    """Each value as the frame holds it; missing values (NaN, NA, NaT, None) left empty."""
    import pandas as pd

    frame = pd.DataFrame(
        {
            "Partner": ["Police", "Council"],
            "Role": [None, "Manager"],
            "Score": [3.25, float("nan")],
            "n": pd.array([4, None], dtype="Int64"),
            "wave_start": [date(2025, 1, 1), None],
            "at": [pd.Timestamp("2025-03-31 14:05"), pd.NaT],
        }
    )
    sheet = openpyxl.load_workbook(io.BytesIO(export.to_excel_bytes(frame))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Partner", "Role", "Score", "n", "wave_start", "at")
    at = datetime(2025, 3, 31, 14, 5)
    assert rows[1] == ("Police", None, 3.25, 4, datetime(2025, 1, 1), at)
    assert rows[2] == ("Council", "Manager", None, None, None, None)
    assert sheet["A1"].font.b


def test_a_frame_longer_than_an_excel_sheet_is_refused(monkeypatch):
    import pandas as pd

    monkeypatch.setattr(export, "EXCEL_MAX_ROWS", 3)
    export.to_excel_sheets({"Fits": pd.DataFrame({"a": [1, 2]})})
    with pytest.raises(TooLargeForExcelError, match="'Long' has 3 rows; an Excel sheet holds 2"):
        export.to_excel_sheets({"Long": pd.DataFrame({"a": [1, 2, 3]})})
