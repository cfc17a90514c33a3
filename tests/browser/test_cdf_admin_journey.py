"""A regional CDF administrator's work in Chromium, mistakes included: Jo Evans of the London team
signs in, reaches each of her pages from the header (applications, the fund's spend nationally and
for London, London's audit, the approval look-up), downloads every table as CSV and as XLSX and
finds in each file the rows the page shows, chooses another financial year, types a date that does
not exist, and looks up an approval number left blank, with a wrong check digit, in fullwidth
digits, and with a double-click. axe-core checks every page at every impact level, and none of
them scrolls sideways on a 375 px phone."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from openpyxl import load_workbook
from sqlmodel import select

from ifr_service import db
from ifr_service.cdf.models import CdfApplication
from tests.browser.people import all_violations, assert_no_sideways_scroll, sign_in
from tests.cdf.test_spend import treated, year_so_far  # noqa: F401 (fixtures)

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1200, "height": 900}
UCLH = "University College London Hospitals NHS Foundation Trust"
# Each cell's text without the column name the responsive table puts before it; a list as "a; b".
READ_TABLE = """id => [...document.querySelectorAll(`#${id} tbody tr`)].map(row =>
  [...row.querySelectorAll('th, td')].map(cell => {
    const copy = cell.cloneNode(true);
    copy.querySelectorAll('.nhsuk-table__heading').forEach(heading => heading.remove());
    const items = [...copy.querySelectorAll('li')].map(item => item.textContent.trim());
    return items.length ? items.join('; ') : copy.textContent.replace(/\\s+/g, ' ').trim();
  }))"""


class Checked:
    """Each page seen, checked with axe-core (every violation) and, once per address, at phone width."""

    def __init__(self, page):
        self.page, self.seen, self.problems = page, set(), []

    def __call__(self) -> None:
        page = self.page
        page.wait_for_load_state("load")
        self.problems += all_violations(page)
        assert_no_sideways_scroll(page)  # on a desktop too: every table fits
        key = page.url.split("?")[0]
        if key not in self.seen:
            self.seen.add(key)
            # Loaded at a phone's width, as a phone would: the header's script lays out its links
            # (some under "More") when the page loads, and a resize is laid out only a moment later.
            page.set_viewport_size(PHONE)
            page.reload()
            assert_no_sideways_scroll(page)
            page.set_viewport_size(DESKTOP)
            page.reload()

    def assert_clean(self) -> None:
        assert self.problems == [], "\n".join(self.problems)


def go_by_header(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("navigation").get_by_role("link", name=name, exact=True).click()


def same(shown: str, cell) -> bool:
    """A page's cell and a file's say the same: money and counts as numbers, the rest as text."""
    number = shown.replace("£", "").replace(",", "")
    try:
        return float(number) == float(cell)
    except (TypeError, ValueError):
        return shown == ("" if cell is None else str(cell))


def check_downloads(page, table_id: str, link_text: str) -> int:
    """Download the table as CSV and as XLSX with the page's links; each file holds the page's rows."""
    shown = page.evaluate(READ_TABLE, table_id)
    headings = page.evaluate(f"() => [...document.querySelectorAll('#{table_id} thead th')]"
                             ".map(th => th.textContent.trim())")
    for kind in ("CSV", "XLSX"):
        with page.expect_download() as download:
            page.get_by_role("link", name=re.compile(f"Download {link_text} as {kind}")).click()
        path = Path(download.value.path())
        assert download.value.suggested_filename.endswith("." + kind.lower())
        if kind == "CSV":
            with path.open(encoding="utf-8", newline="") as file:
                header, *rows = list(csv.reader(file))
        else:
            sheet = load_workbook(io.BytesIO(path.read_bytes())).active
            header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert header == headings, kind
        assert len(rows) == len(shown), (kind, rows, shown)
        for page_row, file_row in zip(shown, rows, strict=True):
            assert all(same(a, b) for a, b in zip(page_row, file_row, strict=True)), (kind, file_row)
    return len(shown)


def approval_number(app) -> str:
    with app.app_context(), db.unit_of_work(app.extensions["ifr"].engine):
        return db.session().exec(select(CdfApplication.approval_number)
                                 .where(CdfApplication.approval_number.is_not(None))
                                 .order_by(CdfApplication.case_id)).first()


def test_the_cdf_administrator_reaches_spend_audit_and_look_up_from_home_and_downloads_each_table(
        app, page, year_so_far):  # noqa: F811
    checked = Checked(page)
    sign_in(page, "Jo Evans")
    assert page.url.endswith("/cdf/applications")  # the administrator's home
    assert "Jo Evans (Regional CDF administrator)" in page.inner_text("header")
    assert UCLH in page.inner_text("main") and "ODS code RRV" in page.inner_text("main")
    checked()

    go_by_header(page, "CDF spend")
    assert page.get_by_role("heading", level=1).inner_text() == "National: Cancer Drugs Fund spend in 2026/27"
    assert page.locator("#chart-spend-title").text_content().startswith("Spend of the whole fund")
    checked()
    assert check_downloads(page, "months-table", "the spend by month") == 12
    assert check_downloads(page, "regions-table", "the spend by region") == 1
    with page.expect_navigation():
        page.get_by_role("link", name="London's spend").click()
    assert page.get_by_role("heading", level=1).inner_text() == "London: Cancer Drugs Fund spend in 2026/27"
    checked()
    check_downloads(page, "months-table", "the spend by month")
    assert check_downloads(page, "entries-table", "the spend by drug") == 3
    page.get_by_label("Financial year").select_option(label="April 2024 to March 2025")
    with page.expect_navigation():
        page.get_by_role("button", name="Show this year").click()
    assert "2024/25" in page.get_by_role("heading", level=1).inner_text()
    assert "No approval this year." in page.inner_text("main")
    checked()

    page.goto("/cdf/spend?financial_year=twenty")  # a year typed into the address
    assert "Choose a financial year from the list." in page.inner_text(".nhsuk-error-summary")
    checked()

    go_by_header(page, "CDF audit")
    assert page.url.endswith("/cdf/regions/london/audit")
    checked()
    # Decided this year: atezolizumab, olaparib, pembrolizumab, sotorasib (March's approval was last year's)
    assert check_downloads(page, "audit-table", "the audit") == 4
    page.fill("#from-day", "31")
    page.fill("#from-month", "2")
    page.fill("#from-year", "2026")
    with page.expect_navigation():
        page.get_by_role("button", name="Show this period").click()
    assert "The 'from' date must be a real date" in page.inner_text(".nhsuk-error-summary")
    assert page.title().startswith("Error:")
    page.locator(".nhsuk-error-summary a").first.click()  # the message leads to the day box
    assert page.evaluate("() => document.activeElement.id") == "from-day"
    checked()

    go_by_header(page, "Approval look-up")
    checked()
    number = approval_number(app)
    look_up(page, "   ")  # blank
    assert "Enter the approval number" in page.inner_text(".nhsuk-error-summary")
    checked()
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    look_up(page, wrong)
    assert "check digit does not match" in page.inner_text(".nhsuk-error-summary")
    assert page.get_by_label("Approval number").input_value() == wrong  # what was typed is kept
    checked()
    look_up(page, "".join(chr(ord(char) + 0xFEE0) for char in number))  # typed in fullwidth characters
    assert page.get_by_role("heading", name=number).is_visible()
    assert UCLH in page.inner_text("main")
    checked()
    page.goto("/cdf/approvals")
    page.get_by_label("Approval number").fill(number.lower())
    # A double submit: the second click's request takes the first's place (the first is aborted), and
    # the answer is the same approval.
    page.get_by_role("button", name="Look up").dblclick()
    page.get_by_role("heading", name=number).wait_for()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name=number).is_visible()
    assert "Sorry, there is a problem" not in page.inner_text("main")
    checked()
    checked.assert_clean()


def look_up(page, typed: str) -> None:
    page.get_by_label("Approval number").fill(typed)
    with page.expect_navigation():
        page.get_by_role("button", name="Look up").click()
