"""A panel meeting from start to finish in the browser, mistakes included: the hub's officer sets
the meeting up, records who is present and puts the agenda in order; the chair opens the pack,
tries to approve against a "No" finding (and is told which field), checks the decision before it is
confirmed, goes back, confirms with a double click (one decision), prints the minutes and withdraws
a declaration of interest made by mistake. Every page passes axe-core at every impact level, and
none scrolls sideways on a 375 px phone."""

from __future__ import annotations

import copy
import re
from datetime import timedelta

from sqlmodel import select

from ifr_service import db
from ifr_service.cases.models import CaseEvent
from tests.browser.people import all_violations, assert_no_sideways_scroll, sign_in
from tests.browser.test_journey import CRITERIA, sign_out
from tests.builders import OFFICER, Road

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1200, "height": 900}


def check_page(page) -> None:
    """axe-core's every violation, then the same page at phone width, then back to the desktop."""
    page.wait_for_load_state()
    assert all_violations(page) == []
    page.set_viewport_size(PHONE)
    assert_no_sideways_scroll(page)
    page.set_viewport_size(DESKTOP)


def go(page, control) -> None:
    """Press a link or button that leads to another page, and wait for that page."""
    with page.expect_navigation():
        control.click()


def decisions(in_db, reference: str) -> int:
    def count():
        return len(db.session().exec(select(CaseEvent).where(CaseEvent.name == "decision_recorded")).all())

    return in_db(count)


def test_a_panel_meeting_from_its_agenda_to_the_printed_minutes(page, app, client, auth, in_db, application):
    # The hub's earlier work, through the API: a routine case screened in, then an urgent one.
    routine = Road(client, auth, copy.deepcopy(application))
    routine.to_panel(hold_meeting=False)
    urgent = Road(client, auth, copy.deepcopy(application), urgency="urgent")
    urgent.to_panel(hold_meeting=False)
    today = app.extensions["ifr"].today()
    panel = routine.panel()
    last_month = client.post(f"/api/v1/panels/{panel['id']}/meetings", headers=auth(OFFICER),
                             json={"meeting_date": (today - timedelta(days=28)).isoformat()})
    assert last_month.status_code == 201, last_month.json

    # The officer schedules today's meeting, forgetting the pharmacist.
    sign_in(page, "Sam Patel")
    page.goto("/panel/meetings")
    assert "Past meetings" in page.inner_text("main")  # last month's meeting is listed
    hint = page.inner_text("#field-meeting_date-hint") if page.locator("#field-meeting_date-hint").count() \
        else page.inner_text("main")
    assert "15 3 1984" not in hint
    check_page(page)
    page.fill('[name="meeting_date[day]"]', str(today.day))
    page.fill('[name="meeting_date[month]"]', str(today.month))
    page.fill('[name="meeting_date[year]"]', str(today.year))
    for name in ("Dr Helen Marsh", "Dr Ravi Kumar", "Pat Green", "Kim Walsh"):
        page.get_by_label(name).check()
    go(page, page.get_by_role("button", name="Schedule the meeting"))
    meeting_url = page.url
    go(page, page.get_by_role("button", name="Add the cases ready for panel"))
    agenda = page.locator("#agenda ~ table tbody tr")
    assert urgent.reference in agenda.nth(0).inner_text()  # most urgent first, though it came later
    check_page(page)

    # Attendance: the pharmacist is there after all; the vice-chair too.
    page.get_by_role("checkbox", name="Mo Ahmed").check()
    page.get_by_role("checkbox", name="Dr Ann Lee").check()
    go(page, page.get_by_role("button", name="Record attendance"))
    assert "6 members present" in page.inner_text(".nhsuk-notification-banner")

    # The agenda's order: the routine case is heard first today, by the chair's wish.
    go(page, page.get_by_role("button", name=f"Move up {routine.reference}"))
    assert routine.reference in page.locator("#agenda ~ table tbody tr").nth(0).inner_text()

    # An interest recorded against the wrong member, to be withdrawn later.
    page.get_by_role("radio", name="Pat Green (Lay member)").check()
    page.check(f'input[name="case_reference"][value="{urgent.reference}"]')
    page.fill('[name="details"]', "Lives next door to the patient.")
    go(page, page.get_by_role("button", name="Record the interest"))
    check_page(page)
    sign_out(page)

    # The chair opens the pack of the routine case.
    sign_in(page, "Dr Helen Marsh")
    page.goto(meeting_url)
    go(page, page.get_by_role("link", name=f"Panel pack for {routine.reference}"))
    page.wait_for_url(f"**/cases/{routine.reference}")
    pack_url = page.url
    check_page(page)
    go(page, page.get_by_role("button", name=re.compile(r"^Approve\W+IFR")))
    assert routine.reference in page.inner_text("main") and "de-identified" in page.inner_text("main")
    assert page.get_by_role("link", name="Back to the panel pack").get_attribute("href") in pack_url
    for criterion in CRITERIA:
        page.check(f'input[name="findings.{criterion}.finding"][value="yes"]')
        page.fill(f'[name="findings.{criterion}.reasons"]', "The panel weighed the evidence submitted.")
    page.check('input[name="findings.value_for_money.finding"][value="no"]')  # a slip
    page.fill('[name="summary"]', "Funded for twelve months, then reviewed.")
    go(page, page.get_by_role("button", name="Continue"))
    summary = page.inner_text(".nhsuk-error-summary")
    assert "Enter why the approval departs from the findings" in summary
    assert "Is the treatment value for money?" in summary
    check_page(page)

    # The slip is fixed; the chair checks what will be recorded and sent, and goes back once.
    page.check('input[name="findings.value_for_money.finding"][value="yes"]')
    go(page, page.get_by_role("button", name="Continue"))
    page.get_by_role("heading", name="Check before you confirm").wait_for()
    assert "Funded for twelve months, then reviewed." in page.inner_text("main")
    check_page(page)
    page.go_back()  # the browser's back button, from the check page to the form
    page.wait_for_load_state()
    # what was typed is still there (the page the chair left), the finding fixed
    assert page.input_value('[name="summary"]') == "Funded for twelve months, then reviewed."
    assert page.is_checked('input[name="findings.value_for_money.finding"][value="yes"]')
    go(page, page.get_by_role("button", name="Continue"))
    go(page, page.get_by_role("button", name="Change Summary of the decision"))
    assert page.input_value('[name="summary"]') == "Funded for twelve months, then reviewed."
    go(page, page.get_by_role("button", name="Continue"))

    # Confirm, with a double click: one decision.
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm and send the letter").dblclick()
    page.wait_for_load_state()
    assert "Approve: done" in page.inner_text(".nhsuk-notification-banner")
    assert decisions(in_db, routine.reference) == 1

    # The minutes, printed.
    page.goto(f"{meeting_url}/minutes")
    assert f"{routine.reference}: Approved" in page.inner_text("main")
    check_page(page)
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.get_by_role("button", name="Print the minutes").click()
    assert page.evaluate("() => window.printed") == 1

    # The mistaken declaration of interest is withdrawn, saying why.
    page.goto(meeting_url)
    page.get_by_text("Withdraw Pat Green's declaration").click()
    go(page, page.get_by_role("button", name="Withdraw the declaration"))  # no reason yet
    assert "Say why the declaration is withdrawn." in page.inner_text(".nhsuk-error-summary")
    page.get_by_label("Why the declaration is withdrawn").fill("Recorded against the wrong member.")
    go(page, page.get_by_role("button", name="Withdraw the declaration"))
    assert "withdrawn" in page.inner_text(".nhsuk-notification-banner")
    check_page(page)
