"""Hostile text in a real browser: a store whose partnership, partner, role, activity and
file names and comments are Markdown links and images, HTML, `javascript:` addresses,
formulas, headings, right-to-left overrides, emoji and very long strings. Every page, for
each of its two partnerships, shows them as text: no link, image, heading, emphasis or
formula made from them exists in the page."""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from test_browser import expect_no_exception, main, open_app

from monitor.dashboard.frame import PAGES

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from hostile_corpus import (  # noqa: E402
    CORPUS,
    PARTNERSHIP,
    SECOND_PARTNERSHIP,
    hostile_store,
)

pytestmark = pytest.mark.e2e

ADDRESSES = {spec.key: "" if i == 0 else spec.key for i, spec in enumerate(PAGES)}
# Elements the corpus would make if it were read as Markdown or HTML anywhere.
MADE_FROM_THE_CORPUS = {
    "a link to the evil host": "a[href*='evil.example']",
    "a javascript: link": "a[href^='javascript:' i]",
    "an image from the evil host": "img[src*='evil.example']",
    "an image with an onerror handler": "img[onerror], img[src='x']",
    "an injected link or tag": "b:text-is('entity'), a:text-is('Open')",
    "emphasis from **bold** or ~~gone~~": "strong:text-is('bold'), del:text-is('gone')",
    "math from $x^2$": ".katex",
}
HEADINGS = "h1, h2, h3, h4, h5, h6"
# A heading the corpus made starts with its text ("# HEADING" or a line after it); the
# page's own headings may name a partnership inside a sentence.
HEADING_FROM_THE_CORPUS = re.compile(r"^\s*(HEADING|broke out|\[Click here|<img)")


@pytest.fixture(scope="module")
def hostile_url(start_dashboard, tmp_path_factory) -> Iterator[str]:
    """A server on a store filled with the hostile corpus (no logins: the visitor is an
    administrator and sees every page); groups of any size are shown."""
    folder = tmp_path_factory.mktemp("dashboard-hostile")
    store = folder / "hostile.duckdb"
    hostile_store(store)
    env = {"MONITOR_MIN_GROUP_SIZE": "1", "MONITOR_COMMENT_MIN_GROUP_SIZE": "1"}
    with start_dashboard(folder, db=str(store), env=env) as url:
        yield url


def expect_nothing_made_from_the_corpus(page: Page) -> None:
    for what, selector in MADE_FROM_THE_CORPUS.items():
        found = page.locator(selector)
        made = [e.evaluate("e => e.parentElement.outerHTML")[:300] for e in found.all()]
        expect(found, f"{page.url}: {what}: {made}").to_have_count(0)
    made = page.locator(HEADINGS).filter(has_text=HEADING_FROM_THE_CORPUS)
    expect(made, f"{page.url}: a heading made from the corpus").to_have_count(0)


@pytest.mark.parametrize("partnership", [PARTNERSHIP, SECOND_PARTNERSHIP], ids=["link", "img"])
@pytest.mark.parametrize("key", list(ADDRESSES))
def test_every_page_shows_hostile_text_as_text(new_page, hostile_url, key, partnership):
    page = new_page()
    open_app(page, f"{hostile_url}/{ADDRESSES[key]}?{urlencode({'partnership': partnership})}")
    expect(main(page).locator("h1")).to_be_visible()
    expect_no_exception(page)
    expect_nothing_made_from_the_corpus(page)
    # The chosen partnership is named, as written, in the sidebar or on the page.
    if key not in {"upload", "records", "settings", "compare", "data"}:
        expect(page.get_by_text(partnership, exact=True).first).to_be_attached()


def test_comments_are_shown_as_written(new_page, hostile_url):
    page = new_page()
    open_app(page, f"{hostile_url}/comments?{urlencode({'partnership': PARTNERSHIP})}")
    expect_nothing_made_from_the_corpus(page)
    groups = main(page).locator("[data-testid=stExpander] summary")
    expect(groups.first).to_be_visible()
    for group in groups.all():  # open every group of comments, as a reader would
        group.click()
    expect_nothing_made_from_the_corpus(page)
    for comment in CORPUS:
        if len(comment) > 200 or "\u202e" in comment or "\n" in comment:
            continue  # checked below, as shown
        expect(main(page).get_by_text(comment, exact=True).first, comment).to_be_visible()
    long_one = next(c for c in CORPUS if len(c) > 200)
    expect(main(page).get_by_text(long_one[:200]).first).to_be_attached()
    heading = next(c for c in CORPUS if "\n" in c)
    expect(main(page).get_by_text(heading.splitlines()[0]).first).to_be_visible()


def test_the_upload_page_lists_hostile_file_names_as_text(new_page, hostile_url):
    page = new_page()
    open_app(page, f"{hostile_url}/upload")
    expect_nothing_made_from_the_corpus(page)
    box = main(page).get_by_role("combobox", name="Remove an upload")
    box.scroll_into_view_if_needed()
    box.click()
    options = page.get_by_role("option")
    expect(options.first).to_be_visible()
    labels = " ".join(options.all_inner_texts())
    assert "<img src=x onerror=alert(1)>.csv" in labels
    assert "[x](http://evil.example).csv" in labels
    expect_nothing_made_from_the_corpus(page)


def test_the_board_report_of_the_hostile_store_links_nowhere(new_page, hostile_url):
    page = new_page()
    open_app(page, f"{hostile_url}/?{urlencode({'partnership': PARTNERSHIP})}")
    page.locator("[data-testid=stSidebar]").get_by_text("Report for the board").click()
    with page.expect_download(timeout=180_000) as download:
        page.get_by_role("button", name=re.compile("Download the PDF report")).click()
    name = download.value.suggested_filename
    assert name == "click-here-to-confirm-your-password-https-evil-example-login-2025-q1-report.pdf"
    pdf = download.value.path().read_bytes()
    reader = PdfReader(io.BytesIO(pdf))
    for marker in (b"/URI", b"/JavaScript", b"/Launch"):
        assert marker not in pdf
    assert all(not p.get("/Annots") for p in reader.pages)
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    assert f"{PARTNERSHIP} - wave 2025-Q1" in text
