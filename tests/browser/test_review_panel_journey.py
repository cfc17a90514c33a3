"""A review from the request to the Review Panel's remittal, in the browser: the Review Panel's chair
signs in and makes the initial consideration (first forgetting the ground's reasons, and told which
field), the hub's officer schedules the Review Panel's meeting and builds its agenda, the chair reads
the pack (the decision, the grounds, the consideration, never the patient's identifiers) and remits the
case to a newly constituted IFR panel; the minutes record it. Every page passes axe-core at every impact
level and none scrolls sideways on a 375 px phone; the pack is kept as a phone-sized screenshot."""

from __future__ import annotations

import re

from tests.browser.people import all_violations, assert_no_sideways_scroll, sign_in
from tests.browser.test_journey import sign_out
from tests.builders import CHAIR, CLINICIAN, PAYLOADS, Road
from tests.panels.test_chair_access import assert_no_identifier

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1200, "height": 900}
SCREENSHOT = "test-results/review-panel-pack-phone.png"


def check_page(page) -> None:
    page.wait_for_load_state()
    assert all_violations(page) == []
    page.set_viewport_size(PHONE)
    assert_no_sideways_scroll(page)
    page.set_viewport_size(DESKTOP)


def go(page, control) -> None:
    with page.expect_navigation():
        control.click()


def test_the_review_panel_considers_meets_and_remits(page, app, client, auth, application):
    # Earlier, through the API: the IFR panel declines; the clinician asks for a review.
    road = Road(client, auth, application)
    road.to_panel()
    road.act(CHAIR, "decline", PAYLOADS["decline"])
    road.act(CLINICIAN, "request_review", PAYLOADS["request_review"])

    # The Review Panel's chair considers the grounds, from the case page.
    sign_in(page, "Dr Sue Black")
    page.goto(f"/cases/{road.reference}")
    assert "second-line trial data" in page.inner_text("main")  # the ground's explanation
    assert_no_identifier(page.content(), application)
    check_page(page)
    go(page, page.get_by_role("button", name="The grounds are made out: refer to the Review Panel"))
    page.check('input[name="grounds_considered.evidence_not_considered.finding"][value="yes"]')
    go(page, page.get_by_role("button", name="Continue"))  # the reasons forgotten
    assert "Enter reasons for the ground that the evidence was not considered" in page.inner_text(
        ".nhsuk-error-summary")
    check_page(page)
    page.fill('[name="grounds_considered.evidence_not_considered.reasons"]',
              "The pack's index does not list the trial data the clinician sent.")
    go(page, page.get_by_role("button", name="Continue"))
    page.get_by_role("heading", name="Check before you confirm").wait_for()
    assert "Awaiting the Review Panel" in page.inner_text("main")
    check_page(page)
    go(page, page.get_by_role("button", name="Confirm and send the letter"))
    assert "done" in page.inner_text(".nhsuk-notification-banner")
    sign_out(page)

    # The hub's officer schedules the Review Panel's meeting, everyone present, and builds its agenda.
    sign_in(page, "Sam Patel")
    page.goto("/panel/meetings")
    go(page, page.get_by_role("link", name="Schedule a meeting of the London Review Panel"))
    assert "Schedule a meeting of the London Review Panel" in page.inner_text("main")
    check_page(page)
    today = app.extensions["ifr"].today()
    page.fill('[name="meeting_date[day]"]', str(today.day))
    page.fill('[name="meeting_date[month]"]', str(today.month))
    page.fill('[name="meeting_date[year]"]', str(today.year))
    for name in ("Dr Sue Black", "Dr Grace Obi", "Dr Omar Haddad", "Lee Carter"):
        page.get_by_label(name).check()
    go(page, page.get_by_role("button", name="Schedule the meeting"))
    meeting_url = page.url
    go(page, page.get_by_role("button", name="Add the cases awaiting the Review Panel"))
    assert road.reference in page.locator("#agenda ~ table tbody tr").nth(0).inner_text()
    check_page(page)
    sign_out(page)

    # The chair reads the Review Panel's pack and remits the case.
    sign_in(page, "Dr Sue Black")
    page.goto(meeting_url)
    go(page, page.get_by_role("link", name=f"Panel pack for {road.reference}"))
    main = page.inner_text("main")
    assert "Review Panel pack" in main and "The review" in main
    assert "The pack's index does not list the trial data the clinician sent." in main
    assert_no_identifier(page.content(), application)
    check_page(page)
    page.set_viewport_size(PHONE)
    page.screenshot(path=SCREENSHOT, full_page=True)
    page.set_viewport_size(DESKTOP)
    go(page, page.get_by_role("button", name=re.compile(r"^Remit to a newly constituted IFR panel\W")))
    page.fill('[name="reason"]', "The trial data sent with the application was not in the panel pack.")
    go(page, page.get_by_role("button", name="Continue"))
    assert "The Review Panel, at its meeting of" in page.inner_text("main")
    check_page(page)
    go(page, page.get_by_role("button", name="Confirm and send the letter"))
    assert "The case is now ready for panel" in page.inner_text(".nhsuk-notification-banner")
    assert road.case()["state"] == "ready_for_panel"

    # The minutes of the Review Panel's meeting.
    page.goto(f"{meeting_url}/minutes")
    minutes = page.inner_text("main")
    assert f"{road.reference}: Ready for panel" in minutes
    assert "Where the process fell short" in minutes and "Lee Carter, lay member" in minutes
    check_page(page)
