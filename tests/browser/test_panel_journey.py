"""A panel meeting from start to finish in the browser, mistakes included: the hub's officer sets
the meeting up, records who is present and puts the agenda in order; the chair opens the pack,
chooses the test against a policy and tries to approve against a "No" finding without the comparator
group (and is told which fields), checks the decision before it is
confirmed, goes back, confirms with a double click (one decision), prints the minutes and withdraws
a declaration of interest made by mistake. Every page passes axe-core at every impact level, and
none scrolls sideways on a 375 px phone."""

from __future__ import annotations

import copy
import os
import re
from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from ifr_service import db
from ifr_service.cases.models import CaseEvent
from tests.browser.people import all_violations, assert_no_sideways_scroll, sign_in
from tests.browser.test_journey import AGAINST_A_POLICY, CRITERIA, sign_out
from tests.builders import OFFICER, Road

PHONE = {"width": 375, "height": 800}
SHOTS = os.environ.get("IFR_SCREENSHOTS")  # a folder: the decision pages are kept there for a person to see
DESKTOP = {"width": 1200, "height": 900}


def check_page(page) -> None:
    """axe-core's every violation, then the same page at phone width, then back to the desktop."""
    page.wait_for_load_state()
    assert all_violations(page) == []
    page.set_viewport_size(PHONE)
    assert_no_sideways_scroll(page)
    page.set_viewport_size(DESKTOP)


def shoot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


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
    page.get_by_label("Against a policy: a policy covers the treatment for this condition").check()
    page.fill('[name="findings.policy_reference"]', AGAINST_A_POLICY["findings.policy_reference"])
    for criterion in CRITERIA:
        page.check(f'input[name="findings.{criterion}.finding"][value="yes"]')
        page.fill(f'[name="findings.{criterion}.reasons"]', "The panel weighed the evidence submitted.")
    page.check('input[name="findings.significantly_more_benefit.finding"][value="no"]')  # a slip
    page.fill('[name="summary"]', "Funded for twelve months, then reviewed.")
    go(page, page.get_by_role("button", name="Continue"))
    summary = page.inner_text(".nhsuk-error-summary")
    assert "Enter the comparator group" in summary  # the heart of the test, not yet stated
    page.fill('[name="findings.comparator_group"]', AGAINST_A_POLICY["findings.comparator_group"])
    go(page, page.get_by_role("button", name="Continue"))
    summary = page.inner_text(".nhsuk-error-summary")
    assert "Enter why the approval departs from the findings" in summary
    assert "significantly more benefit than is usual for the comparator group" in summary
    shoot(page, "decision-against-a-policy-refused")
    check_page(page)

    # The slip is fixed; the chair checks what will be recorded and sent, and goes back once.
    page.check('input[name="findings.significantly_more_benefit.finding"][value="yes"]')
    go(page, page.get_by_role("button", name="Continue"))
    page.get_by_role("heading", name="Check before you confirm").wait_for()
    assert "Funded for twelve months, then reviewed." in page.inner_text("main")
    checked = page.inner_text("main")
    assert "Against a policy" in checked and "Adults with this cancer" in checked
    shoot(page, "decision-against-a-policy-check")
    check_page(page)
    page.go_back()  # the browser's back button, from the check page to the form
    page.wait_for_load_state()
    # what was typed is still there (the page the chair left), the finding fixed
    assert page.input_value('[name="summary"]') == "Funded for twelve months, then reviewed."
    assert page.is_checked('input[name="findings.significantly_more_benefit.finding"][value="yes"]')
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


def test_a_decision_on_each_branch_of_the_exceptionality_test(page, client, auth, in_db, application):
    """The chair decides one case with no policy (approved: not a cohort in disguise) and another on a
    rare condition (declined: a cohort in disguise after all), each by its own questions; what was
    typed under the branch not taken is not recorded."""
    no_policy, rare = (Road(client, auth, copy.deepcopy(application)) for _ in range(2))
    no_policy.to_panel(hold_meeting=False)
    rare.to_panel()  # the meeting, today, has both on its agenda
    sign_in(page, "Dr Helen Marsh")

    page.goto(f"/cases/{no_policy.reference}/actions/approve")
    shoot(page, "decision-form")
    check_page(page)
    page.fill('[name="findings.comparator_group"]', "Typed before the chair chose the test.")
    page.get_by_label("No policy covers the treatment for this condition").check()
    answer_the_questions_with_no_policy(page, {"cohort_in_disguise": "no",
                                               "evidence_of_effectiveness": "yes", "value_for_money": "yes"})
    page.fill('[name="summary"]', "Funded: no other patient is in this position.")
    go(page, page.get_by_role("button", name="Continue"))
    main = page.inner_text("main")
    assert "No policy covers the treatment for this condition" in main and "Typed before" not in main
    shoot(page, "decision-no-policy-check")
    check_page(page)
    go(page, page.get_by_role("button", name="Confirm and send the letter"))
    assert "Approve: done" in page.inner_text(".nhsuk-notification-banner")

    page.goto(f"/cases/{rare.reference}/actions/decline")
    page.get_by_label("A rare condition: so rare that no group of patients like this one can form").check()
    answer_the_questions_with_no_policy(page, {"cohort_in_disguise": "yes",
                                               "evidence_of_effectiveness": "yes", "value_for_money": "yes"})
    page.fill('[name="summary"]', "Other patients are in the same position: a question for policy.")
    go(page, page.get_by_role("button", name="Continue"))
    assert "A rare condition" in page.inner_text("main")
    go(page, page.get_by_role("button", name="Confirm and send the letter"))
    assert "Decline: done" in page.inner_text(".nhsuk-notification-banner")

    def recorded():
        events = db.session().exec(select(CaseEvent).where(CaseEvent.name == "decision_recorded")).all()
        return sorted(event.payload["findings"]["policy_position"] for event in events)

    assert in_db(recorded) == ["no_policy", "rare_condition"]

    page.goto(f"/panel/meetings/{rare.meeting['id']}/minutes")  # each decision under its own test
    minutes = page.inner_text("main")
    assert "No policy covers the treatment for this condition" in minutes and "A rare condition" in minutes
    assert "Typed before" not in minutes and "comparator group" not in minutes
    shoot(page, "minutes-each-branch")
    check_page(page)


def answer_the_questions_with_no_policy(page, findings: dict[str, str]) -> None:
    for criterion, finding in findings.items():
        page.check(f'input[name="findings.{criterion}.finding"][value="{finding}"]')
        words = criterion.replace("_", " ")
        page.fill(f'[name="findings.{criterion}.reasons"]', f"The evidence the panel read on {words}.")
