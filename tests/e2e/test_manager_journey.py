"""The manager's journey in a real browser, with a password login configured: a shared
link with filters leads to the login screen, then to exactly the linked view; clicks in
the menu keep the filters (and the address names them); a page the role may not open
says what role it needs; the board report downloads with its page numbers and the
"partnership in name only" flags."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from test_browser import RUN_TIMEOUT, captions, go_to, main, open_app, wait_for_run, wave_select

from monitor import access

pytestmark = pytest.mark.e2e

PASSWORD = "a shared viewer password"
WESTBROOK = "Westbrook Safer Neighbourhoods Partnership"
RIVERSIDE = "Riverside Community Safety Partnership"
SIDEBAR = "[data-testid=stSidebar]"
LINK = f"/trends?partnership={WESTBROOK.replace(' ', '+')}&wave=2025-H1"


@pytest.fixture(scope="module")
def login_app_url(start_dashboard, tmp_path_factory) -> Iterator[str]:
    """A server with a viewer password and nothing else: every visitor logs in. Its store
    is filled with the sample data on the first page run after a login."""
    env = {
        "MONITOR_VIEWER_PASSWORD_HASH": access.hash_password(PASSWORD),
        "MONITOR_SAMPLE_ON_FIRST_RUN": "1",
    }
    with start_dashboard(tmp_path_factory.mktemp("dashboard-login"), env=env) as url:
        yield url


def log_in(page: Page) -> None:
    """Fill in the login form shown instead of the page, as a person would."""
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    wait_for_run(page)
    page.wait_for_selector(f"{SIDEBAR} [data-testid=stSidebarNav]", timeout=RUN_TIMEOUT)
    wait_for_run(page)


def filters_in_address(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def expect_westbrook_first_half(page: Page) -> None:
    partnership = page.locator(SIDEBAR).get_by_role("combobox", name="Partnership")
    expect(partnership).to_have_value(WESTBROOK)
    expect(page.locator(SIDEBAR).get_by_text(WESTBROOK, exact=True).first).to_be_visible()
    address = filters_in_address(page)
    assert address.get("partnership") == [WESTBROOK], page.url
    assert address.get("wave") == ["2025-H1"], page.url


def test_a_shared_link_survives_the_login_and_the_menu(new_page, login_app_url):
    page = new_page()
    page.goto(f"{login_app_url}{LINK}")
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")
    # Before the login: the login form only, no menu, no data.
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    expect(page.locator("[data-testid=stSidebarNav]")).to_have_count(0)
    expect(main(page).locator("[data-testid=stVegaLiteChart]")).to_have_count(0)

    log_in(page)

    # Exactly the linked view: the Trends page of Westbrook up to its first 2025 wave.
    expect(page.get_by_role("heading", name="Trends", exact=True)).to_be_visible()
    to_wave = page.locator(SIDEBAR).get_by_role("combobox", name="To wave")
    expect(to_wave).to_have_value("2025-H1")
    expect_westbrook_first_half(page)

    # Menu clicks keep the view, and the address names it on every page.
    go_to(page, "Overview")
    expect(wave_select(page)).to_have_value("2025-H1")
    expect(captions(page).filter(has_text=f"{WESTBROOK} · wave 2025-H1")).to_have_count(1)
    expect_westbrook_first_half(page)
    go_to(page, "Partners and power")
    expect(wave_select(page)).to_have_value("2025-H1")
    expect(captions(page).filter(has_text="wave 2025-H1").first).to_be_visible()
    expect_westbrook_first_half(page)
    go_to(page, "Activity and cost")
    expect_westbrook_first_half(page)
    go_to(page, "Trends")
    expect(to_wave).to_have_value("2025-H1")
    expect_westbrook_first_half(page)


def test_a_page_for_evaluators_says_so_and_offers_to_log_in(new_page, login_app_url):
    page = new_page()
    page.goto(f"{login_app_url}/upload")
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")
    log_in(page)
    refused = main(page).locator("[data-testid=stAlertContentError]")
    expect(refused).to_contain_text("the Upload page is for evaluators and administrators")
    expect(main(page).get_by_role("button", name="Log out")).to_be_visible()
    expect(main(page).locator("[data-testid=stFileUploader]")).to_have_count(0)


def test_the_board_report_has_page_numbers_and_the_name_only_flags(new_page, login_app_url):
    page = new_page()
    page.goto(f"{login_app_url}/partners?partnership={RIVERSIDE.replace(' ', '+')}")
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")
    log_in(page)
    on_screen = (
        main(page)
        .locator("[data-testid=stAlertContentWarning]")
        .filter(has_text="may be a partner in name only")
    )
    expect(on_screen.first).to_be_visible()
    flagged = [text.split(" may be")[0] for text in on_screen.all_inner_texts()]

    page.locator(SIDEBAR).get_by_text("Report for the board").click()
    with page.expect_download(timeout=180_000) as download:
        page.get_by_role("button", name=re.compile("Download the PDF report")).click()
    reader = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    pages = [re.sub(r"\s+", " ", p.extract_text()) for p in reader.pages]
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
    assert "Summary" in pages[0]
    for partner in flagged:
        assert f"{partner} may be a partner in name only" in pages[0]
    assert "Partnership in name only?" in " ".join(pages)


def test_the_shared_link_opens_the_same_view_without_a_login(new_page, sample_app_url):
    """Without logins (a local install) the same link opens the view at once."""
    page = new_page()
    open_app(page, f"{sample_app_url}{LINK}")
    expect(page.locator(SIDEBAR).get_by_role("combobox", name="To wave")).to_have_value("2025-H1")
    go_to(page, "Comments")
    expect(wave_select(page)).to_have_value("2025-H1")
    expect_westbrook_first_half(page)
