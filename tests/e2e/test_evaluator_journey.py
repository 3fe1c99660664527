"""The evaluator's journey in a real browser, on a store that starts empty: the Excel
template made for a partnership is downloaded, filled as a person would and uploaded, and
the Overview shows the new wave under that partnership (and no other partnership appears);
a broken file gets its complete problem list in one pass, nothing is stored, and both the
list and the file with its bad cells marked download."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, expect
from test_browser import (
    NEW_PARTNERSHIP_OPTION,
    captions,
    choose,
    expect_no_exception,
    go_to,
    import_checked,
    main,
    new_partnership,
    open_app,
    success_messages,
    upload,
    wait_for_run,
    wave_select,
)

from monitor.instrument import load_instrument
from monitor.template import answer_choices, response_columns

pytestmark = pytest.mark.e2e

SIDEBAR = "[data-testid=stSidebar]"
FIRST = "Eastfield Community Safety Partnership"
SECOND = "Northgate Safer Streets Partnership"
AGENCIES = ["Police", "Council", "Fire and Rescue"]
TEMPLATE_BUTTON = "Download the Excel template for this partnership"


@pytest.fixture(scope="module")
def evaluator_url(start_dashboard, tmp_path_factory) -> Iterator[str]:
    """A server of its own, with an empty store (this module fills it step by step)."""
    with start_dashboard(tmp_path_factory.mktemp("dashboard-evaluator")) as url:
        yield url


# --- a person's spreadsheet work ------------------------------------------------------------


def download_template(page: Page, folder: Path) -> Path:
    button = main(page).get_by_role("button", name=TEMPLATE_BUTTON)
    expect(button).to_be_visible()
    with page.expect_download() as download:
        button.click()
    path = folder / download.value.suggested_filename
    download.value.save_as(path)
    return path


def drop_down(sheet, column: int) -> list[str]:
    """The values the drop-down of a column of the Responses sheet offers."""
    book = sheet.parent
    for validation in sheet.data_validations.dataValidation:
        if validation.type != "list":
            continue
        ranges = [str(r) for r in validation.sqref.ranges]
        if any(r.startswith(openpyxl.utils.get_column_letter(column)) for r in ranges):
            source, cells = validation.formula1.split("!")
            return [c.value for row in book[source][cells.replace("$", "")] for c in row]
    return []


def fill_template(template: Path, out: Path, wave: str | None, partners: list[str]) -> Path:
    """Fill the Responses sheet as a person would: one row per respondent, the partner
    and each answer picked from the drop-downs; the pre-filled cells are left as they are."""
    book = openpyxl.load_workbook(template)
    sheet = book["Responses"]
    header = [c.value for c in sheet[1]]
    items = header.index("mission_1")
    answers = drop_down(sheet, items + 1)
    assert answers == answer_choices(load_instrument())
    for n in range(30):
        row = n + 2
        sheet.cell(row, header.index("respondent_id") + 1, f"R{n:02d}")
        sheet.cell(row, header.index("partner") + 1, partners[n % len(partners)])
        sheet.cell(row, header.index("role") + 1, "Practitioner")
        if wave is not None:
            sheet.cell(row, header.index("wave") + 1, wave)
        for column in range(items + 1, len(header) + 1):
            sheet.cell(row, column, answers[(n + column) % 5])
    book.save(out)
    return out


def partnership_options(page: Page, box) -> list[str]:
    """The options of a partnership drop-down (the list is closed again afterwards)."""
    box.scroll_into_view_if_needed()
    box.click()
    options = page.get_by_role("option")
    expect(options.first).to_be_visible()
    names = [o.strip() for o in options.all_inner_texts()]
    page.keyboard.press("Escape")
    return names


def upload_partnership_box(page: Page):
    return main(page).get_by_role("combobox", name="Partnership")


def import_file(page: Page, path: Path, expected: str) -> None:
    upload(page, path)
    checked = success_messages(page).filter(has_text=f"{path.name}:")
    expect(checked).to_contain_text(expected)
    import_checked(page, 1)


# --- the journeys ---------------------------------------------------------------------------


def test_a_template_for_a_new_partnership_gives_its_first_wave(new_page, evaluator_url, tmp_path):
    page = new_page()
    open_app(page, f"{evaluator_url}/upload")
    # Before a partnership is chosen there is no template for one, and no phantom default.
    expect(main(page).get_by_role("button", name=TEMPLATE_BUTTON)).to_have_count(0)
    assert partnership_options(page, upload_partnership_box(page)) == [NEW_PARTNERSHIP_OPTION]

    new_partnership(page, FIRST)
    template = download_template(page, tmp_path)
    assert template.name == "survey-template-eastfield-community-safety-partnership.xlsx"
    sheet = openpyxl.load_workbook(template)["Responses"]
    assert [c.value for c in sheet[1]][:5] == ["partnership", *response_columns()[:4]]
    assert sheet["A2"].value == FIRST and sheet["A1001"].value == FIRST

    filled = fill_template(template, tmp_path / "eastfield-2025-Q1.xlsx", "2025-Q1", AGENCIES)
    import_file(page, filled, f"30 respondents, wave(s) 2025-Q1, partnership {FIRST}")

    go_to(page, "Overview")
    expect(page.locator(SIDEBAR)).to_contain_text(FIRST)
    expect(captions(page).filter(has_text=f"{FIRST} · wave 2025-Q1")).to_have_count(1)
    expect(wave_select(page)).to_have_value("2025-Q1")
    # The new partnership is the only one: no phantom ("Partnership") was made on the way.
    go_to(page, "Upload")
    box = upload_partnership_box(page)
    expect(box).to_have_value(FIRST)
    assert partnership_options(page, box) == [FIRST, NEW_PARTNERSHIP_OPTION]


def test_a_second_partnerships_template_offers_its_agencies_and_next_wave(
    new_page, evaluator_url, tmp_path
):
    page = new_page()
    open_app(page, f"{evaluator_url}/upload")
    # The only stored partnership is preselected; a second one is typed as new.
    expect(upload_partnership_box(page)).to_have_value(FIRST)
    new_partnership(page, SECOND)
    first_wave = fill_template(
        download_template(page, tmp_path),
        tmp_path / "northgate-2025-Q1.xlsx",
        "2025-Q1",
        ["Police", "Housing", "Probation"],
    )
    import_file(page, first_wave, f"wave(s) 2025-Q1, partnership {SECOND}")

    # Once imported, the typed partnership is a stored one, chosen as such.
    expect(upload_partnership_box(page)).to_have_value(SECOND)
    expect(main(page).get_by_role("textbox", name="Name of the new partnership")).to_have_count(0)

    # Two partnerships: on a fresh visit nothing is preselected, and the choice lists both
    # and nothing else.
    page = new_page()
    open_app(page, f"{evaluator_url}/upload")
    box = upload_partnership_box(page)
    expect(box).to_have_value("")
    assert partnership_options(page, box) == [FIRST, SECOND, NEW_PARTNERSHIP_OPTION]
    choose(page, "Partnership", SECOND)
    template = download_template(page, tmp_path)
    sheet = openpyxl.load_workbook(template)["Responses"]
    header = [c.value for c in sheet[1]]
    agencies = drop_down(sheet, header.index("partner") + 1)
    assert sorted(agencies) == ["Housing", "Police", "Probation"]
    assert sheet.cell(2, header.index("wave") + 1).value == "2025-Q2"  # the next wave
    second_wave = fill_template(template, tmp_path / "northgate-2025-Q2.xlsx", None, agencies)
    import_file(page, second_wave, f"wave(s) 2025-Q2, partnership {SECOND}")

    go_to(page, "Overview")
    sidebar_box = page.locator(SIDEBAR).get_by_role("combobox", name="Partnership")
    assert partnership_options(page, sidebar_box) == [FIRST, SECOND]
    sidebar_box.click()
    page.get_by_role("option", name=SECOND, exact=True).click()
    wait_for_run(page)
    expect(captions(page).filter(has_text=f"{SECOND} · wave 2025-Q2")).to_have_count(1)
    expect(wave_select(page)).to_have_value("2025-Q2")
    expect_no_exception(page)


# --- a broken file --------------------------------------------------------------------------

BAD_CELLS = {  # (row in the file, column) -> the value written there
    (2, "mission_2"): "9",
    (3, "mission_3"): "3.5",
    (4, "trust_1"): "0",
    (5, "partner"): "",
}


def broken_survey(folder: Path) -> Path:
    """Six respondents; the header says `trust two` for trust_2; the BAD_CELLS."""
    header = response_columns()
    header[header.index("trust_2")] = "trust two"
    rows = [header]
    for n in range(6):
        rows.append([f"B{n}", AGENCIES[n % 3], "Manager", "2025-Q3", *["4"] * (len(header) - 4)])
    for (row, column), value in BAD_CELLS.items():
        rows[row - 1][header.index(column)] = value
    path = folder / "broken survey.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


def problem_rows(page: Page) -> list[list[str]]:
    """The problem table's cells (row, column, value, problem, how to fix) as shown."""
    table = main(page).locator("[data-testid=stDataFrame]").first
    expect(table).to_be_visible()
    rows = table.locator("tr[role=row]").filter(has=page.locator("td"))
    return [[c.strip() for c in r.locator("td").all_inner_texts()] for r in rows.all()]


def test_a_broken_file_gets_every_problem_at_once_and_is_not_stored(
    new_page, evaluator_url, tmp_path
):
    page = new_page()
    open_app(page, f"{evaluator_url}/upload")
    choose(page, "Partnership", FIRST)
    upload(page, broken_survey(tmp_path))
    error = main(page).locator("[data-testid=stAlertContentError]")
    expect(error).to_contain_text("broken survey.csv cannot be imported: 5 problem(s)")
    expect(page.get_by_role("button", name=re.compile(r"^Import \d"))).to_have_count(0)

    shown = {(r[0], r[1]): r for r in problem_rows(page)}
    assert set(shown) == {("1", "trust two"), *((str(r), c) for r, c in BAD_CELLS)}, shown
    assert "'trust_2'" in shown[("1", "trust two")][4]  # the closest item id
    assert shown[("3", "mission_3")][2:4] == ["3.5", "not a whole answer"]
    assert "outside the answer scale" in shown[("2", "mission_2")][3]
    assert shown[("5", "partner")][2] == ""  # a blank is shown blank, not "None"
    assert "None" not in {cell for row in shown.values() for cell in row}

    with page.expect_download() as listed:
        main(page).get_by_role("button", name="Download the problem list (CSV)").click()
    assert listed.value.suggested_filename == "broken survey-problems.csv"
    text = listed.value.path().read_text(encoding="utf-8-sig")
    listed_rows = list(csv.DictReader(io.StringIO(text)))
    assert len(listed_rows) == 5
    assert {(r["Row"], r["Column"]) for r in listed_rows} == set(shown)

    with page.expect_download() as marked:
        main(page).get_by_role(
            "button", name="Download the file with the problems marked (xlsx)"
        ).click()
    assert marked.value.suggested_filename == "broken survey-marked.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(marked.value.path().read_bytes())).active
    header = [c.value for c in sheet[1]]
    bad = {(1, "trust two"), *BAD_CELLS}
    for row, column in bad:
        cell = sheet.cell(row, header.index(column) + 1)
        assert cell.fill.fgColor.rgb.endswith("FFC7CE"), (row, column)
        assert cell.comment is not None and cell.comment.text.strip(), (row, column)
    commented = {(c.row, header[c.column - 1]) for r in sheet.iter_rows() for c in r if c.comment}
    assert commented == bad
    assert sheet.cell(3, header.index("mission_3") + 1).value == 3.5

    # Nothing was stored: the Overview still shows the first wave only.
    go_to(page, "Overview")
    expect(wave_select(page)).to_have_value("2025-Q1")
    expect(captions(page).filter(has_text="2025-Q3")).to_have_count(0)
