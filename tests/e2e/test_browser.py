"""The dashboard in a real browser: upload, scorecard, trends, shared links, screenshots.

`test_upload_import_and_scorecard` walks through one session against a server that
starts empty; the other tests use a second server loaded with the sample data.
"""

from __future__ import annotations

import contextlib
import csv
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DATA = ROOT / "sample_data"
RIVERSIDE = "Riverside Community Safety Partnership"
NEW_PARTNERSHIP_OPTION = "A new partnership (type its name)"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
# Screenshot name -> URL path. The default page (Overview) lives at the root: Streamlit
# answers /overview with "Page not found" and then runs the default page.
PAGES = {
    "overview": "",
    "trends": "trends",
    "partners": "partners",
    "upload": "upload",
    "data": "data",
}

APP = "[data-testid=stApp]"
IDLE = f"{APP}[data-test-script-state=notRunning]"
DROPZONE = "[data-testid=stFileUploaderDropzoneInput]"
SCRIPT_BUSY = """() => {
    const app = document.querySelector('[data-testid=stApp]');
    return app !== null && app.dataset.testScriptState !== 'notRunning';
}"""
RUN_TIMEOUT = 60_000  # ms; importing or loading data can take a while on a slow machine
SETTLE_MS = 300  # ms the app must stay idle to count as done
MAX_SCREENSHOT_HEIGHT = 12_000
CONTENT_HEIGHT = "() => document.querySelector('[data-testid=stMain]').scrollHeight"

expect.set_options(timeout=15_000)


# --- helpers ------------------------------------------------------------------------------


def wait_for_run(page: Page, timeout: float = RUN_TIMEOUT) -> None:
    """Wait until the script run(s) started by the last action have finished.

    A click or an upload only starts a run a moment later, so first give the app a
    moment to leave the idle state (a very quick run may already be over). Then wait
    until it is idle and stays idle briefly: `st.rerun()` ends one run and starts the
    next, with an idle moment in between.
    """
    with contextlib.suppress(PlaywrightError):
        page.wait_for_function(SCRIPT_BUSY, timeout=2_000, polling=50)
    deadline = time.monotonic() + timeout / 1000
    while True:
        remaining = max(deadline - time.monotonic(), 0.001) * 1000
        page.wait_for_selector(IDLE, timeout=remaining)
        try:
            page.wait_for_function(SCRIPT_BUSY, timeout=SETTLE_MS, polling=50)
        except PlaywrightError:
            return  # stayed idle: done
        if time.monotonic() > deadline:
            raise AssertionError(f"the app kept rerunning for {timeout / 1000:.0f} s")


def open_app(page: Page, url: str) -> None:
    """Load a page of the app and wait for its first script run to finish."""
    page.goto(url)
    # Before the first run the state is "initial", so this cannot pass too early.
    page.wait_for_selector(IDLE, timeout=RUN_TIMEOUT)
    expect(page.get_by_role("dialog").filter(has_text="Page not found")).to_have_count(0)
    expect_no_exception(page)


def go_to(page: Page, title: str) -> None:
    """Switch page through the sidebar navigation, as a user would."""
    nav = page.locator("[data-testid=stSidebarNav]")
    nav.get_by_role("link", name=re.compile(rf"{re.escape(title)}$")).click()
    wait_for_run(page)
    expect_no_exception(page)


def expect_no_exception(page: Page) -> None:
    expect(page.locator("[data-testid=stException]"), "the page shows an error").to_have_count(0)


def main(page: Page):
    return page.locator("[data-testid=stMain]")


def captions(page: Page):
    return main(page).locator("[data-testid=stCaptionContainer]")


def success_messages(page: Page):
    return page.locator("[data-testid=stAlertContentSuccess]")


def upload(page: Page, *files: Path) -> None:
    page.locator(DROPZONE).set_input_files([str(f) for f in files])
    wait_for_run(page)


def choose(page: Page, label: str, option: str | re.Pattern) -> None:
    """Pick `option` in the drop-down `label` of the main area, as a user would: scroll to
    it, open it, click the option (a click that must scroll first may not open the list)."""
    box = main(page).get_by_role("combobox", name=label)
    box.scroll_into_view_if_needed()
    box.click()
    page.get_by_role("option", name=option).click()
    wait_for_run(page)


def new_partnership(page: Page, name: str) -> None:
    """On the Upload page, choose to store files under a new partnership typed by name."""
    choose(page, "Partnership", NEW_PARTNERSHIP_OPTION)
    typed = page.get_by_role("textbox", name="Name of the new partnership")
    typed.fill(name)
    typed.press("Enter")
    wait_for_run(page)


def import_checked(page: Page, count: int) -> None:
    page.get_by_role("button", name=f"Import {count} checked file(s)").click()
    wait_for_run(page)
    imported = success_messages(page).filter(has_text=re.compile(r"^Imported "))
    expect(imported).to_have_count(count)
    # The messages come from the run after the import; let that run finish too, so
    # that the next upload goes to its new, empty file picker.
    wait_for_run(page)


def expect_charts_drawn(page: Page, at_least: int = 1) -> None:
    """Every Vega-Lite chart on the page has drawn its marks."""
    charts = main(page).locator("[data-testid=stVegaLiteChart]")
    expect(charts.nth(at_least - 1)).to_be_visible()  # waits for the charts drawn later
    count = charts.count()
    assert count >= at_least, f"expected at least {at_least} chart(s), found {count}"
    for i in range(count):
        drawn = charts.nth(i).locator("svg [class*='mark-'], canvas")
        expect(drawn.first, f"chart {i + 1} of {count} is drawn").to_be_attached()


def bad_survey(folder: Path) -> Path:
    """A CSV with a repeated respondent (rows 2 and 4) and the answer "maybe" (row 3)."""
    with (SAMPLE_DATA / "riverside_2025-Q2.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    first, second = list(rows[1]), list(rows[2])
    for row, respondent in ((first, "BAD-01"), (second, "BAD-02")):
        row[header.index("respondent_id")] = respondent
        row[header.index("wave")] = "2026-Q1"
    second[header.index("trust_1")] = "maybe"
    path = folder / "bad_survey.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([header, first, second, list(first)])
    return path


def wave_select(page: Page):
    return page.locator("[data-testid=stSidebar]").get_by_role("combobox", name="Wave")


def full_page_screenshot(page: Page, path: Path) -> None:
    """Screenshot the whole page.

    The app scrolls inside stMain, not the document, so grow the viewport to the
    content's height, until the height no longer changes (charts and tables lay out
    after the run, and again after a resize).
    """
    last = None
    for _ in range(10):
        height = min(page.evaluate(CONTENT_HEIGHT), MAX_SCREENSHOT_HEIGHT)
        if height == last:
            break
        last = height
        page.set_viewport_size({"width": page.viewport_size["width"], "height": max(height, 900)})
        page.wait_for_timeout(400)
        page.wait_for_selector(IDLE, timeout=RUN_TIMEOUT)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=path, full_page=True)


# --- tests ----------------------------------------------------------------------------------


def test_upload_import_and_scorecard(page: Page, app_url: str, tmp_path: Path) -> None:
    # a. A new, empty store shows the empty state.
    open_app(page, f"{app_url}/")
    expect(main(page)).to_contain_text(re.compile("no survey data yet", re.IGNORECASE))

    # b. Upload two waves through the real file uploader, check, import.
    go_to(page, "Upload")
    expect(page.get_by_role("heading", name="Upload survey data")).to_be_visible()
    new_partnership(page, RIVERSIDE)
    upload(page, SAMPLE_DATA / "riverside_2025-Q1.xlsx", SAMPLE_DATA / "riverside_2025-Q2.csv")
    checked = success_messages(page)
    expect(checked.filter(has_text="riverside_2025-Q1.xlsx:")).to_contain_text("wave(s) 2025-Q1")
    expect(checked.filter(has_text="riverside_2025-Q2.csv:")).to_contain_text("wave(s) 2025-Q2")
    import_checked(page, 2)
    imported = success_messages(page).filter(has_text=re.compile(r"^Imported "))
    expect(imported.filter(has_text="riverside_2025-Q1.xlsx")).to_have_count(1)
    expect(imported.filter(has_text="riverside_2025-Q2.csv")).to_have_count(1)
    expect_no_exception(page)

    # A file with problems is refused, with a table of what to fix where.
    upload(page, bad_survey(tmp_path))
    expect(page.locator("[data-testid=stAlertContentError]")).to_contain_text(
        "bad_survey.csv cannot be imported: 3 problem(s)"
    )
    problems = page.locator("[data-testid=stDataFrame] tr[role=row]")
    unknown = problems.filter(has_text="unknown answer")
    expect(unknown).to_have_count(1)
    expect(unknown.locator("td").nth(0)).to_have_text("3")
    expect(unknown.locator("td").nth(1)).to_have_text("trust_1")
    expect(unknown.locator("td").nth(2)).to_have_text("maybe")
    repeated = problems.filter(has_text="appears more than once")
    expect(repeated).to_have_count(2)
    expect(repeated.locator("td:first-child")).to_have_text(["2", "4"])
    expect(page.get_by_role("button", name=re.compile(r"^Import \d"))).to_have_count(0)

    # c. The Overview shows the scorecard of the latest wave.
    go_to(page, "Overview")
    expect(main(page).get_by_role("heading", name="Scorecard")).to_be_visible()
    respondents = main(page).locator("[data-testid=stMetric]").filter(has_text="Respondents")
    expect(respondents.locator("[data-testid=stMetricValue]")).to_have_text(re.compile(r"^\d+$"))
    expect(captions(page).filter(has_text="wave 2025-Q2")).to_have_count(1)
    expect_charts_drawn(page, at_least=2)

    # Two more waves: the Overview moves on to the newest one, and Trends has a chart.
    go_to(page, "Upload")
    upload(page, SAMPLE_DATA / "riverside_2025-Q3.xlsx", SAMPLE_DATA / "riverside_2025-Q4.csv")
    import_checked(page, 2)
    go_to(page, "Overview")
    expect(captions(page).filter(has_text="wave 2025-Q4")).to_have_count(1)
    expect(wave_select(page)).to_have_value("2025-Q4")

    go_to(page, "Trends")
    expect(page.get_by_role("heading", name="Trends")).to_be_visible()
    expect_charts_drawn(page, at_least=2)


def test_shared_links_restore_the_filters(new_page, sample_app_url: str) -> None:
    # d. A link with filters, opened in a new browser (no session), shows that view.
    page = new_page()
    open_app(page, f"{sample_app_url}/partners?wave=2025-Q2&partners=Police&partners=Council")
    expect(wave_select(page)).to_have_value("2025-Q2")
    chosen = page.locator("[data-testid=stSidebar] [data-testid=stMultiSelect] [data-tag]")
    expect(chosen).to_have_text(["Police", "Council"])
    expect(captions(page).filter(has_text="wave 2025-Q2")).to_have_count(1)

    page = new_page()
    open_app(page, f"{sample_app_url}/?wave=2025-Q3")
    expect(wave_select(page)).to_have_value("2025-Q3")
    expect(captions(page).filter(has_text="wave 2025-Q3")).to_have_count(1)
    expect(captions(page).filter(has_text="all partners")).to_have_count(1)


@pytest.mark.parametrize("name", list(PAGES))
def test_page_screenshot(page: Page, sample_app_url: str, name: str) -> None:
    # e. Every page renders without an error; keep a picture of it for review.
    open_app(page, f"{sample_app_url}/{PAGES[name]}")
    expect(main(page).locator("h1")).to_be_visible()
    if name in {"overview", "trends", "partners"}:
        expect_charts_drawn(page)
    if name in {"upload", "data"}:
        expect(main(page).locator("[data-testid=stDataFrame]").first).to_be_visible()
    for table in main(page).locator("[data-testid=stDataFrame]").all():
        if table.is_visible():  # tables in a closed expander are not drawn
            expect(table.locator("canvas").first).to_be_attached()
    full_page_screenshot(page, SCREENSHOTS / f"{name}.png")
    expect_no_exception(page)


def test_two_dashboard_replicas_on_one_postgresql(
    new_page, start_dashboard, pg_url: str, tmp_path: Path
) -> None:
    """Two real servers (app replicas) on one PostgreSQL database: an upload in one is
    on the other's next page load, and so is a removal."""
    with (
        start_dashboard(tmp_path / "replica-a", db=pg_url) as a,
        start_dashboard(tmp_path / "replica-b", db=pg_url) as b,
    ):
        on_a, on_b = new_page(), new_page()
        open_app(on_a, f"{a}/upload")
        new_partnership(on_a, RIVERSIDE)
        upload(on_a, SAMPLE_DATA / "riverside_2025-Q1.xlsx", SAMPLE_DATA / "riverside_2025-Q2.csv")
        import_checked(on_a, 2)

        open_app(on_b, f"{b}/")
        expect(main(on_b).get_by_role("heading", name="Scorecard")).to_be_visible()
        expect(captions(on_b).filter(has_text="wave 2025-Q2")).to_have_count(1)
        expect_charts_drawn(on_b, at_least=2)

        go_to(on_b, "Upload")  # remove the newest upload on b
        choose(on_b, "Remove an upload", re.compile("riverside_2025-Q2.csv"))
        on_b.get_by_role("button", name="Yes, remove it").click()
        wait_for_run(on_b)
        expect_no_exception(on_b)

        go_to(on_a, "Overview")  # a's next page load shows the removal
        expect(captions(on_a).filter(has_text="wave 2025-Q1")).to_have_count(1)
        expect(wave_select(on_a)).to_have_value("2025-Q1")
