"""The London hub's commissioning finance checks a trust's invoice schedule in Chromium, mistakes
included: Ella Brooks signs in, lands on the invoice checks, uploads a spreadsheet instead of the CSV,
then a schedule with a bad line, each refused saying what and where; then the example schedule, reads
each challenge and its reasons, and downloads the challenges for the trust. axe-core checks every page
at every impact level, and none scrolls sideways on a 375 px phone."""

from __future__ import annotations

import csv
import io

from ifr_service.config import PROJECT_ROOT
from tests.browser.people import all_violations, assert_no_sideways_scroll, sign_in
from tests.invoices.conftest import EXAMPLE, invoice_world  # noqa: F401 (a fixture)
from tests.invoices.test_schedule import FULLWIDTH_AMOUNT, GOOD, HEADER, with_cell

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1200, "height": 900}
RESULTS = PROJECT_ROOT / "test-results"


def checked(page, problems: list[str], name: str, phone: bool = True) -> None:
    """axe-core on the page as it is, a screenshot, and (a page got, not posted, which loading again
    would send again) no sideways scroll when loaded at a phone's width."""
    page.wait_for_load_state("load")
    problems += all_violations(page)
    assert_no_sideways_scroll(page)
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / f"invoice-journey-{name}.png"), full_page=True)
    if phone:
        page.set_viewport_size(PHONE)
        page.reload()  # the header lays its links out as the page loads
        assert_no_sideways_scroll(page)
        page.screenshot(path=str(RESULTS / f"invoice-journey-{name}-phone.png"), full_page=True)
        page.set_viewport_size(DESKTOP)
        page.reload()


def choose_and_check(page, name: str, content: bytes, mime: str = "text/csv") -> None:
    chosen = {"name": name, "mimeType": mime, "buffer": content}
    page.locator('input[type="file"][name="schedule"]').set_input_files(chosen)
    with page.expect_navigation():
        page.get_by_role("button", name="Check the schedule").click()


def test_the_finance_role_uploads_a_schedule_reads_its_challenges_and_downloads_them(
        page, invoice_world):  # noqa: F811
    problems: list[str] = []
    sign_in(page, "Ella Brooks")
    page.wait_for_url("**/invoices")
    assert page.get_by_role("heading", name="Invoice checks", level=1).is_visible()
    checked(page, problems, "1-upload")

    choose_and_check(page, "schedule.xlsx", b"PK\x03\x04 a workbook",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    summary = page.locator(".nhsuk-error-summary")
    assert "Choose the schedule saved as CSV" in summary.inner_text()
    assert page.title().startswith("Error: ")
    checked(page, problems, "2-not-a-csv", phone=False)

    bad = "\n".join([HEADER, GOOD, with_cell("amount_gbp", FULLWIDTH_AMOUNT, with_cell("line_number", "2"))])
    choose_and_check(page, "schedule.csv", bad.encode("utf-8"))
    text = page.locator(".nhsuk-error-summary").inner_text()
    assert "Line 3, column amount_gbp" in text and "digits other than 0 to 9" in text
    page.locator(".nhsuk-error-summary a").first.click()  # leads to the file input
    assert page.evaluate("() => document.activeElement.id") == "field-schedule"
    checked(page, problems, "3-bad-line", phone=False)

    choose_and_check(page, "invoice-schedule.csv", (PROJECT_ROOT / EXAMPLE).read_bytes())
    assert page.get_by_role("heading", name="Invoice schedule from RRV").is_visible()
    summary_list = page.locator(".nhsuk-summary-list").inner_text()
    assert "3 lines, £16,507.35" in summary_list and "11 lines" in summary_list
    challenged = page.locator("#challenged-lines tbody tr")
    assert challenged.count() == 11
    assert "Follow-up overdue." in challenged.nth(0).inner_text()
    assert page.locator("#accepted-lines tbody tr").count() == 3
    checked(page, problems, "4-schedule")

    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download the challenges as CSV").click()
    download = downloading.value
    with open(download.path(), encoding="utf-8") as written:
        rows = list(csv.DictReader(io.StringIO(written.read())))
    assert len(rows) == 11 and {row["provider_code"] for row in rows} == {"RRV"}
    assert download.suggested_filename.endswith(".csv")

    with page.expect_navigation():
        page.get_by_role("navigation").get_by_role("link", name="Invoice checks", exact=True).click()
    assert "invoice-schedule.csv" in page.locator("#schedules").inner_text()
    checked(page, problems, "5-list")
    assert problems == [], "\n".join(problems)
