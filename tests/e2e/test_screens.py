"""Every page on a laptop (1280 px) and a phone (390 px) screen, on the sample data: it
draws without an error, nothing runs off the side of the page, and a full-page picture
of it is kept in test-artifacts/screenshots/ for a person to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from test_browser import SCREENSHOTS, expect_no_exception, full_page_screenshot, main, open_app

from monitor.dashboard.frame import PAGES

pytestmark = pytest.mark.e2e

WIDTHS = {"laptop": 1280, "phone": 390}
# The home page (the Overview) lives at the root of the app.
ADDRESSES = {spec.key: "" if i == 0 else spec.key for i, spec in enumerate(PAGES)}

# Elements wider than the page's main column (a chart or table cut at the side).
OVERFLOWING = """() => {
    const main = document.querySelector('[data-testid=stMain]');
    const limit = main.getBoundingClientRect().right + 1;
    const cut = [];
    const kinds = ['stVegaLiteChart', 'stDataFrame', 'stTable', 'stMarkdownContainer',
                   'stHeading', 'stAlert'];
    for (const el of main.querySelectorAll(kinds.map(k => `[data-testid=${k}]`).join(','))) {
        const box = el.getBoundingClientRect();
        const scroller = el.closest('[data-testid=stHorizontalBlock]');
        if (box.width > 0 && box.right > limit && !scroller) {
            cut.push(el.dataset.testid + ': ' + (el.innerText || '').slice(0, 60));
        }
    }
    return cut;
}"""


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("key", list(ADDRESSES))
def test_every_page_fits_the_screen(new_page, sample_app_url: str, key: str, width: str) -> None:
    page: Page = new_page()
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    open_app(page, f"{sample_app_url}/{ADDRESSES[key]}")
    expect(main(page).locator("h1")).to_be_visible()
    expect_no_exception(page)
    full_page_screenshot(page, SCREENSHOTS / f"{key}-{width}.png")
    assert page.evaluate(OVERFLOWING) == []
