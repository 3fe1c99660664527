"""The evaluator's upload of a survey platform export in a real browser: choose the
partnership, upload a Microsoft Forms export that asks for the role twice (a job title
and "What is your role in your organisation?"), read what to check instead of a refusal,
review the marked rows of the column mapping (all rows shown), confirm, import; the roles
are then in the data."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from test_browser import (
    SCREENSHOTS,
    full_page_screenshot,
    go_to,
    import_checked,
    main,
    new_partnership,
    open_app,
    upload,
    wait_for_run,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from test_mapping_fields import (  # noqa: E402
    AGENCIES,
    JOB_TITLE,
    ROLE_QUESTION,
    ROLES,
    two_role_questions,
)
from test_platforms import ITEMS  # noqa: E402

pytestmark = pytest.mark.e2e

NORTHSIDE = "Northside Community Safety Partnership"
IMPORT = "Import 1 checked file(s)"
MAPPING_COLUMNS = 5 + 3  # Forms' own columns, then agency, job title and role questions


@pytest.fixture(scope="module")
def empty_app_url(start_dashboard, tmp_path_factory) -> Iterator[str]:
    with start_dashboard(tmp_path_factory.mktemp("dashboard-mapping")) as url:
        yield url


def mapping_rows(page: Page):
    """The rows of the column mapping table (the data editor's accessible table)."""
    table = main(page).locator("[data-testid=stDataFrame]").filter(has_text="Maps to")
    return table.locator("tbody tr[role=row]")


def test_a_platform_export_keeps_its_roles(page: Page, empty_app_url: str, tmp_path: Path):
    export = tmp_path / "partnership_survey_forms.csv"
    export.write_bytes(two_role_questions())
    open_app(page, f"{empty_app_url}/")
    go_to(page, "Upload")
    new_partnership(page, NORTHSIDE)  # the partnership first: the export has none
    upload(page, export)

    # Waiting for the evaluator is not a refusal: it says what to check and how.
    expect(page.locator("[data-testid=stAlertContentError]")).to_have_count(0)
    note = page.locator("[data-testid=stAlertContentWarning]")
    expect(note).to_contain_text(
        f"The columns of {export.name} were matched by their question text."
    )
    expect(note).to_contain_text("Check the 2 rows marked ⚠")
    expect(note).to_contain_text("Confirm this mapping")
    expect(page.get_by_role("button", name=IMPORT)).to_have_count(0)

    # Every row of the mapping is there (none cut by a scroll bar); both role rows marked.
    rows = mapping_rows(page)
    expect(rows).to_have_count(MAPPING_COLUMNS + len(ITEMS))
    marked = rows.filter(has_text="⚠")
    expect(marked).to_have_count(2)
    chosen, left_out = (
        marked.filter(has_text="chosen for role over"),
        marked.filter(has_text="left out"),
    )
    expect(chosen).to_contain_text(ROLE_QUESTION)
    expect(chosen.locator("td").filter(has_text="role")).not_to_have_count(0)
    expect(left_out).to_contain_text(JOB_TITLE)
    expect(left_out).to_contain_text("ignore")

    full_page_screenshot(page, SCREENSHOTS / "upload-column-mapping-to-check.png")

    page.get_by_role("button", name="Confirm this mapping").click()
    wait_for_run(page)
    expect(page.locator("[data-testid=stAlertContentSuccess]").first).to_contain_text(
        f"{export.name}: {len(ROLES)} respondents"
    )
    expect(page.get_by_role("button", name=IMPORT)).to_be_visible()
    import_checked(page, 1)

    # The roles are kept: the Data page's download holds them.
    go_to(page, "Data")
    with page.expect_download() as download:
        main(page).get_by_role("button", name="Download CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    data = list(csv.DictReader(io.StringIO(text)))
    assert sorted(row["role"] for row in data) == sorted(ROLES)
    assert sorted(row["partner"] for row in data) == sorted(AGENCIES)
    assert {row["partnership"] for row in data} == {NORTHSIDE}
