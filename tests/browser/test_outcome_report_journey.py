"""After an approval, in the browser: the clinician signs in, opens the approved IFR, reports the
treatment's outcome against the measures the application stated (first forgetting the response, and
being told which field), then asks to continue the funding of the time-limited approval. Each page
passes axe-core at every impact level and none scrolls sideways on a 375 px phone; with
IFR_SCREENSHOTS set to a folder, the pages are kept there for a person to look at."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from tests.browser.people import all_violations, assert_no_sideways_scroll, sign_in
from tests.builders import CHAIR, OFFICER, PAYLOADS, Road

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1200, "height": 900}
SHOTS = os.environ.get("IFR_SCREENSHOTS")


def check_page(page, name: str) -> None:
    page.wait_for_load_state()
    assert all_violations(page) == []
    page.set_viewport_size(PHONE)
    assert_no_sideways_scroll(page)
    page.set_viewport_size(DESKTOP)
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"outcome-{name}.png"), full_page=True)


def go(page, control) -> None:
    with page.expect_navigation():
        control.click()


def fill_date(page, name: str, day: date) -> None:
    page.fill(f'input[name="{name}[day]"]', str(day.day))
    page.fill(f'input[name="{name}[month]"]', str(day.month))
    page.fill(f'input[name="{name}[year]"]', str(day.year))


def test_a_clinician_reports_an_outcome_then_asks_to_continue_the_funding(page, client, auth, calendar,
                                                                         application):
    application["clinical_case"]["outcome_measures"] = "Seizure frequency from the diary\nMRI at 12 weeks"
    calendar.set(date(2027, 1, 4))
    road = Road(client, auth, application)
    road.to_panel()
    road.act(CHAIR, "approve_with_conditions", {
        **PAYLOADS["approve_with_conditions"], "review_date": "2027-03-22", "funded_until": "2027-03-29"})
    calendar.set(date(2027, 3, 12))

    sign_in(page, "Dr Priya Shah")
    page.goto(f"/cases/{road.reference}")
    assert page.get_by_role("heading", name="After the approval").is_visible()
    check_page(page, "1-case-page")

    go(page, page.get_by_role("button", name="Report the treatment's outcome"))
    # The measures the application stated are there to answer, one a row.
    stated = [page.input_value(f'textarea[name="outcome_measures.{row}.measure"]') for row in (0, 1)]
    assert stated == ["Seizure frequency from the diary", "MRI at 12 weeks"]
    check_page(page, "2-report-form")

    # The mistake: every answer but the response.
    fill_date(page, "assessed_on", date(2027, 3, 10))
    page.fill('textarea[name="outcome_measures.0.result"]', "Down from 12 a month to 3 a month.")
    page.fill('textarea[name="outcome_measures.1.result"]', "The lesion is a third smaller.")
    page.get_by_label("No", exact=True).check()
    go(page, page.get_by_role("button", name="Report the treatment's outcome"))
    summary = page.locator(".nhsuk-error-summary")
    assert "response to treatment" in summary.inner_text().lower()
    # What was typed is kept beside the error.
    assert page.input_value('textarea[name="outcome_measures.1.result"]') == "The lesion is a third smaller."
    check_page(page, "3-report-blank-response")

    page.get_by_label("Responding: the treatment is working").check()
    go(page, page.get_by_role("button", name="Report the treatment's outcome"))
    assert "Report the treatment's outcome: done" in page.inner_text("main")
    assert "Down from 12 a month to 3 a month." in page.inner_text("main")
    check_page(page, "4-case-page-with-report")

    go(page, page.get_by_role("button", name="Ask to continue or extend the funding"))
    page.get_by_label("Responding: the treatment is working").check()
    page.fill('textarea[name="response_data"]',
              "Seizures down from 12 to 3 a month; the lesion a third smaller.")
    fill_date(page, "continue_until", date(2027, 9, 30))
    page.fill('textarea[name="reason"]', "A sustained response in the funded trial; stopping would lose it.")
    check_page(page, "5-continuation-form")
    go(page, page.get_by_role("button", name="Ask to continue or extend the funding"))
    assert "Waiting for a decision" in page.inner_text("main")
    check_page(page, "6-case-page-continuation-asked")

    # The hub's case officer is offered the decision.
    actions = [action["action"] for action in road.case(OFFICER)["allowed_actions"]]
    assert {"approve_continuation", "decline_continuation"} <= set(actions)
