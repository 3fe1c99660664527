"""Text from files placed inside Markdown stays literal and harmless."""

from __future__ import annotations

import re

import pytest
from hostile_corpus import HOSTILE
from markdown_it import MarkdownIt

from monitor.untrusted import MAX_SHOWN, WORD_JOINER, file_stem, markdown_text, plain

RENDER = MarkdownIt("commonmark", {"html": True})


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_escaped_text_renders_as_one_plain_paragraph(text):
    html = RENDER.render(f"Partnership: {markdown_text(text)}").strip()
    assert html.startswith("<p>") and html.endswith("</p>")
    inner = html[3:-4]
    assert not re.search(r"<(a|img|h\d|strong|em|code|del|script)\b", inner)
    assert "\u202e" not in inner
    assert len(markdown_text(text)) <= 2 * MAX_SHOWN


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Riverside CSP", "Riverside CSP"),
        ("# HEADING\nbroke out", "# HEADING broke out"),
        ("Police \u202eexe.fdp", "Police exe.fdp"),
        ("x" * 300, "x" * (MAX_SHOWN - 1) + "…"),
    ],
)
def test_plain_keeps_the_words_on_one_line(text, shown):
    assert plain(text) == shown


# GitHub's autolink rule (run on the text after the escapes are read): an address after
# the start, a space or punctuation.
GFM_AUTOLINK = re.compile(
    r"(?:^|(?<=[\s\W]))(?:(?:https?|ftp)://|www\.)|[\w.+-]+@[\w-]+\.\w", re.IGNORECASE
)


@pytest.mark.parametrize(
    "text",
    [
        "http://evil.example",
        "See https://evil.example/login now",
        "[x](http://evil.example)",
        "www.evil.example",
        "(WWW.evil.example)",
        "mail boss@evil.example",
        "ftp://evil.example/a",
    ],
)
def test_bare_addresses_are_not_made_into_links(text):
    shown = markdown_text(text)
    read = re.sub(r"\\(.)", r"\1", shown)  # the text a Markdown parser keeps
    assert GFM_AUTOLINK.search(text)
    assert not GFM_AUTOLINK.search(read)
    assert read.replace(WORD_JOINER, "") == text


def test_nothing_is_lost_but_the_controls():
    text = "[a](b) <i>c</i> $d$ :e:"
    assert markdown_text(text).replace("\\", "") == text


def test_the_pdf_report_holds_hostile_names_as_text(db):
    import csv
    import io

    from pypdf import PdfReader

    from monitor import report
    from monitor.ingest import import_survey

    partnership = HOSTILE[0]
    partners = HOSTILE[1:8]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["respondent_id", "partner", "wave", "trust_1", "trust_2", "trust_3"])
    for n in range(40):
        writer.writerow([f"R{n}", partners[n % len(partners)], "2025-Q1", 1 + n % 5, 4, 3])
    import_survey(
        db, io.BytesIO(out.getvalue().encode()), HOSTILE[2] + ".csv", partnership=partnership
    )

    pdf = report.pdf_report(db, partnership, "2025-Q1", min_group_size=3)
    for marker in (b"/URI", b"/JavaScript", b"/Launch", b"/Annots"):
        assert marker not in pdf
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "[Click here to confirm your password](https://evil.example/login)" in text


@pytest.mark.parametrize(
    ("text", "stem"),
    [
        ("Riverside Community Safety Partnership", "riverside-community-safety-partnership"),
        ("[x](https://evil.example/login)", "x-https-evil-example-login"),
        ("../../etc/passwd", "etc-passwd"),
        ("C:\\con\u202e.pdf", "c-con-pdf"),
        ("🚓 Police", "police"),
        ("2025-Q3", "2025-q3"),
    ],
)
def test_file_stems_hold_only_words(text, stem):
    assert file_stem(text) == stem


def test_the_pdf_report_of_the_hostile_store_links_nowhere(tmp_path):
    import io

    from hostile_corpus import PARTNERSHIP, hostile_store
    from pypdf import PdfReader

    from monitor import report
    from monitor.store import close_all, open_database

    hostile_store(tmp_path / "hostile.duckdb")
    try:
        db = open_database(tmp_path / "hostile.duckdb")
        pdf = report.pdf_report(db, PARTNERSHIP, min_group_size=1, charts_as_images=False)
    finally:
        close_all()
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            assert "/URI" not in action and "/JS" not in action
    for marker in (b"/URI", b"/JavaScript", b"/Launch"):
        assert marker not in pdf
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert f"{PARTNERSHIP} - wave 2025-Q1" in text  # the Markdown link, as written
