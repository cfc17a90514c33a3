"""The hub's case officer works the queue in the browser as a person would: presses Filter with nothing
chosen, filters to overdue work, searches by an NHS number typed with spaces, sorts by due date,
assigns a case to themselves (with a double click) and finds it under "my cases", uses the back
button, and reads the queue on a phone. Every page visited passes axe-core at every impact level."""

from __future__ import annotations

import copy
from datetime import date, timedelta

from tests.browser.people import all_violations, assert_no_sideways_scroll, sign_in
from tests.builders import Road

PHONE = {"width": 375, "height": 812}


def arrive(client, auth, application, nhs_number: str, urgency: str = "routine") -> str:
    answers = copy.deepcopy(application)
    answers["patient"]["nhs_number"] = nhs_number
    return Road(client, auth, answers, urgency=urgency).reference


def listed(page) -> list[str]:
    """The references in the queue's table, top to bottom."""
    return page.locator("table a[href^='/cases/IFR-']").all_inner_texts()


def checked(page, visited: list[str]) -> None:
    """Note the page's axe findings (every impact level) and that it fits a phone's width later."""
    visited.extend(all_violations(page))


def follow(page, control) -> None:
    """Press a link or button and wait for the page it leads to."""
    with page.expect_navigation():
        control.click()


def filter_cases(page) -> None:
    follow(page, page.get_by_role("button", name="Filter cases"))


def assignment_events(in_db, reference: str) -> int:
    from sqlmodel import func, select

    from ifr_service import db
    from ifr_service.cases.models import Case, CaseEvent

    def count() -> int:
        case = db.session().exec(select(Case).where(Case.reference == reference)).one()
        return db.session().exec(select(func.count()).select_from(CaseEvent).where(
            CaseEvent.case_id == case.id, CaseEvent.name == "case_assigned")).one()

    return in_db(count)


def test_an_officer_filters_searches_sorts_and_assigns_in_the_browser(
        page, app, client, auth, calendar, in_db, application):
    today = date(2026, 12, 7)
    calendar.set(today - timedelta(days=21))  # arrived three weeks ago: its completeness check is late
    late = arrive(client, auth, application, "9990000026")
    calendar.set(today)
    wanted = arrive(client, auth, application, "9990000034")
    urgent = arrive(client, auth, application, "9990000042", urgency="urgent")
    findings: list[str] = []

    sign_in(page, "Sam Patel")
    page.goto("/queue")
    assert listed(page)[0] == late  # overdue work first, however urgent the others
    assert "1 case is overdue" in page.inner_text("main")
    checked(page, findings)

    filter_cases(page)  # nothing chosen: every open case, no error
    assert sorted(listed(page)) == sorted([late, wanted, urgent])
    assert "There is a problem" not in page.content()
    unfiltered = page.url

    page.get_by_label("Target").select_option(label="Overdue")
    filter_cases(page)
    assert listed(page) == [late] and "due=overdue" in page.url
    checked(page, findings)

    page.go_back()  # the list as it was, its filters read from the address
    assert page.url == unfiltered and len(listed(page)) == 3
    assert page.get_by_label("Target").input_value() == ""

    page.get_by_label("Search by case reference, NHS number or patient's name").fill("999 000 0034")
    filter_cases(page)
    assert listed(page) == [wanted]
    assert page.get_by_label("Search by case reference, NHS number or patient's name").input_value() == \
        "999 000 0034"
    checked(page, findings)

    follow(page, page.get_by_role("link", name="Clear the filters and search"))
    follow(page, page.get_by_role("link", name="Due", exact=True))  # the design system's sortable heading
    assert page.locator("th[aria-sort='ascending']").inner_text().strip() == "Due"
    assert listed(page)[0] == late and "sort=due" in page.url
    checked(page, findings)

    follow(page, page.get_by_role("link", name=wanted))
    checked(page, findings)
    with page.expect_navigation():  # an impatient double click: the design system's button sends one,
        page.get_by_role("button", name="Assign to me").dblclick()  # and the service assigns once
    page.wait_for_load_state("networkidle")
    assert f"{wanted} is assigned to you" in page.inner_text(".nhsuk-notification-banner")
    assert assignment_events(in_db, wanted) == 1
    checked(page, findings)

    page.goto("/queue")
    page.get_by_label("Assigned to").select_option(label="Assigned to me")
    filter_cases(page)
    assert listed(page) == [wanted] and "assigned=me" in page.url
    checked(page, findings)

    page.go_back()
    page.go_back()  # back past the queue to the case page: it shows the case again, asks nothing
    assert page.get_by_role("heading", name=wanted).is_visible()
    assert assignment_events(in_db, wanted) == 1

    page.set_viewport_size(PHONE)
    for address in ("/queue", "/queue?view=decided", f"/cases/{wanted}"):
        page.goto(address)
        assert_no_sideways_scroll(page)
    page.goto("/queue")
    checked(page, findings)
    assert findings == [], "\n".join(findings)
