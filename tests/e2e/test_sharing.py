"""Sharing in a real browser: the copied link of a view opens the same view in a fresh
browser, and the board report downloads as a PDF with the numbers on screen."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from test_browser import SCREENSHOTS, captions, open_app, wait_for_run, wave_select

pytestmark = pytest.mark.e2e

SIDEBAR = "[data-testid=stSidebar]"


def choose_wave(page: Page, wave: str) -> None:
    wave_select(page).click()
    page.get_by_role("option", name=wave, exact=True).click()
    wait_for_run(page)


def copied_link(page: Page) -> str:
    """Open "Copy a link to this view" and copy the link with its copy button."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    expander = page.locator(f"{SIDEBAR} [data-testid=stExpander]")
    expander.filter(has_text="Copy a link to this view").locator("summary").click()
    code = page.locator(f"{SIDEBAR} [data-testid=stCode]")
    expect(code).to_be_visible()
    shown = code.locator("code").inner_text().strip()
    code.hover()
    code.get_by_role("button").first.click()
    copied = page.evaluate("navigator.clipboard.readText()").strip()
    assert copied == shown
    return copied


def test_a_copied_link_opens_the_same_view_in_a_fresh_browser(new_page, sample_app_url):
    page = new_page()
    open_app(page, f"{sample_app_url}/partners")
    choose_wave(page, "2025-Q2")
    expect(captions(page).filter(has_text="wave 2025-Q2").first).to_be_visible()
    link = copied_link(page)
    assert link.startswith(f"{sample_app_url}/partners?")
    assert "wave=2025-Q2" in link
    assert re.search(r"partnership=Riverside(\+|%20)Community", link)

    fresh = new_page()  # a new browser context: no cookies, no session
    open_app(fresh, link)
    expect(wave_select(fresh)).to_have_value("2025-Q2")
    expect(fresh.get_by_role("heading", name="Partners and power")).to_be_visible()
    expect(captions(fresh).filter(has_text="wave 2025-Q2").first).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    fresh.screenshot(path=SCREENSHOTS / "shared-link.png")


def test_the_board_report_downloads_from_the_sidebar(page: Page, sample_app_url):
    open_app(page, f"{sample_app_url}/?wave=2025-Q3")
    page.locator(SIDEBAR).get_by_text("Report for the board").click()
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name=re.compile("Download the PDF report")).click()
    path = download.value.path()
    assert download.value.suggested_filename.endswith("2025-q3-report.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
    assert "Riverside Community Safety Partnership - wave 2025-Q3" in text
    assert "n = 36" in text
