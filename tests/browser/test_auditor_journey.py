"""The information governance auditor reads the audit log in the browser as a person would: lands on
it, presses Search with nothing typed, finds a case's rows by person, by action and by a period typed
in the design system's date input, reads what was done in words, mistypes dates (a day that does not
exist, a fullwidth digit, a 'from' after the 'to'), uses the back button, downloads the search as CSV
and checks it row for row against the page, and finds that download in the log itself. Every page
passes axe-core at every impact level, and none scrolls sideways at 375 px."""

from __future__ import annotations

import csv
import re
from datetime import datetime, timedelta

from ifr_service.clock import ENGLAND
from tests.browser.people import all_violations, assert_no_sideways_scroll, sign_in
from tests.builders import CLINICIAN, OFFICER, TRUST_APPROVER, Road
from tests.web.browsing import Person

PHONE = {"width": 375, "height": 812}
OTHER_TRUSTS_CLINICIAN = "demo-clinician-2"
FULLWIDTH_THREE = "\uff13"


def rows(page) -> list[dict]:
    """The results table, top to bottom: who, the case and what was done, as the page shows them."""
    found = []
    for row in page.locator("#audit-events tbody tr").all():
        found.append({"username": row.locator(".app-audit-username").inner_text().strip(),
                      "case": row.locator(".app-audit-case").inner_text().strip(),
                      "done": row.locator(".app-audit-done").inner_text().strip(),
                      "action": row.locator(".nhsuk-tag").inner_text().strip()})
    return found


def type_date(page, name: str, day: str, month: str, year: str) -> None:
    for part, text in (("day", day), ("month", month), ("year", year)):
        page.locator(f'[name="{name}[{part}]"]').fill(text)


def clear_form(page) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name="Clear the search").click()


def search(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Search the audit log").click()


def error_summary(page) -> str:
    return page.locator(".nhsuk-error-summary").inner_text()


def test_the_auditor_searches_reads_and_downloads_the_audit_log_in_the_browser(page, client, auth,
                                                                               application):
    road = Road(client, auth, application)
    case = road.reference
    Person(client, OFFICER).open(f"/cases/{case}")
    assert client.get(f"/api/v1/cases/{case}", headers=auth(OTHER_TRUSTS_CLINICIAN)).status_code == 404
    today = datetime.now(ENGLAND).date()
    findings: list[str] = []

    def checked() -> None:
        findings.extend(all_violations(page))

    sign_in(page, "Morgan Price")
    page.wait_for_url(re.compile(r"/audit$"))  # the auditor's home
    checked()

    search(page)  # nothing typed: refused in words, not every row in the log
    assert "Give something to search by" in error_summary(page)
    checked()

    # By person (a name as typed) and case: the officer's view of the case page, in words.
    page.get_by_label("Person").fill("Sam Patel")
    page.get_by_label("Case reference").fill(case)
    search(page)
    found = rows(page)
    assert found and {row["username"] for row in found} == {OFFICER}
    assert found[0] == {"username": OFFICER, "case": case, "done": "Viewed the case page", "action": "Read"}
    assert "pages.cases.show_case" in page.locator("#audit-events").inner_text()  # the endpoint, beneath
    checked()

    # By action: the other trust's clinician, refused.
    page.get_by_label("Person").fill("")
    page.get_by_label("Action").select_option(label="Refused")
    search(page)
    assert rows(page)[0] == {"username": OTHER_TRUSTS_CLINICIAN, "case": case,
                             "done": "Refused: read the case through the API", "action": "Refused"}
    refused_only = page.url
    checked()

    # By period, in the date input: today, both boxes.
    page.get_by_label("Action").select_option(label="Any action")
    type_date(page, "from", str(today.day), str(today.month), str(today.year))
    type_date(page, "to", str(today.day), str(today.month), str(today.year))
    search(page)
    in_period = rows(page)
    # Newest first: the refused read, the officer's, the trust's sign-off, the clinician's application.
    assert [row["username"] for row in in_period[:4]] == [OTHER_TRUSTS_CLINICIAN, OFFICER, TRUST_APPROVER,
                                                          CLINICIAN]
    assert in_period[3]["done"] == "Started an application through the API"
    results = page.url
    checked()

    # Mistakes: a day that does not exist, a fullwidth digit, a 'from' after the 'to'.
    type_date(page, "from", "31", "2", str(today.year))
    search(page)
    assert "The 'from' date must be a real date" in error_summary(page)
    assert page.locator('[name="from[day]"]').input_value() == "31"  # what was typed stays
    assert page.get_by_label("Case reference").input_value() == case
    checked()
    page.locator(".nhsuk-error-summary a").first.click()
    assert page.evaluate("() => document.activeElement.name") == "from[day]"

    type_date(page, "from", FULLWIDTH_THREE, str(today.month), str(today.year))
    search(page)
    assert "like 3 11 2026" in error_summary(page)
    checked()

    tomorrow = today + timedelta(days=1)
    type_date(page, "from", str(tomorrow.day), str(tomorrow.month), str(tomorrow.year))
    search(page)
    assert "no later than the 'to' date" in error_summary(page)

    # Back, past the mistakes, to the searches that worked: each shows its own rows again (the boxes
    # may hold what was typed there last: the browser keeps a page's form as it was left).
    for _ in range(3):
        page.go_back()
    assert page.url == results and rows(page) == in_period
    page.go_back()
    assert page.url == refused_only and rows(page)[0]["done"] == "Refused: read the case through the API"
    page.go_forward()

    # The download: exactly the search's rows, as the page shows them.
    total = int(re.search(r"(\d+) events?", page.locator("caption").inner_text())[1])
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("as CSV")).click()
    with open(download.value.path(), encoding="utf-8", newline="") as file:
        downloaded = list(csv.DictReader(file))
    assert len(downloaded) == total
    assert [{"username": row["Username"], "case": row["Case"], "done": row["What was done"],
             "action": row["Action"]} for row in downloaded[:25]] == in_period
    assert downloaded[1]["Endpoint"] == "pages.cases.show_case"
    assert downloaded[1]["Organisation code"] == "hub:london"

    # The download is itself in the log.
    clear_form(page)
    page.get_by_label("Person").fill("demo-auditor")
    page.get_by_label("Action").select_option(label="Export")
    search(page)
    assert rows(page)[0] == {"username": "demo-auditor", "case": "", "action": "Export",
                             "done": "Downloaded the audit log's search"}
    assert "export:audit-log" in page.locator("#audit-events").inner_text()
    checked()

    page.set_viewport_size(PHONE)
    for address in (results, refused_only, page.url, "/audit",
                    f"/audit?case={case}&from[day]=31&from[month]=2&from[year]={today.year}"):
        page.goto(address)
        assert_no_sideways_scroll(page)
    checked()
    assert findings == [], "\n".join(findings)


def test_a_period_from_before_any_row_finds_nothing_and_says_so(page, client, auth, application):
    Road(client, auth, application)
    sign_in(page, "Morgan Price")
    page.wait_for_url(re.compile(r"/audit$"))

    type_date(page, "to", "1", "1", "2001")
    search(page)

    assert "Nothing in the audit log matches." in page.locator("main").inner_text()
    assert all_violations(page) == []
    assert page.locator('[name="to[year]"]').input_value() == "2001"
