"""The trust's sign-off, in Chromium: the clinician sends the application to their trust; the trust's
chief pharmacist returns it with comments (a blank comment refused first, the back button and a
second press answered once); the clinician reads the comments, changes the answer and sends it
again; the chief pharmacist approves it with a double click; the hub's IFR team then sees it. Every
page is checked with axe-core and at phone width."""

from __future__ import annotations

import re
from pathlib import Path

from tests.browser.people import sign_in
from tests.browser.test_clinician_journey import Checked, fill, save_and_continue, section_values
from tests.builders import CLINICIAN

SHOTS = Path(__file__).resolve().parents[2] / "build" / "browser" / "trust"
COMMENTS = "Please give the date of the second MDT, where the oncologists agreed on the dose."


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_the_trust_returns_an_application_then_approves_it_and_the_hub_receives_it(
        page, app, client, auth, application):
    check = Checked(page)
    draft = client.post("/api/v1/cases", json=application, headers=auth(CLINICIAN)).json["reference"]

    # The clinician sends the finished application to their trust.
    sign_in(page, "Dr Priya Shah")
    page.goto(f"/cases/{draft}/check")
    check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send to your trust for sign-off").click()
    assert "Sent to your trust for sign-off" in page.inner_text("main")
    check()
    page.goto(f"/cases/{draft}")
    assert "With your trust for sign-off" in page.inner_text("main")
    check()

    # The trust's chief pharmacist: the list, the application, and a return without a comment.
    sign_in(page, "Nadia Rahman")
    page.goto("/trust/sign-off")
    assert draft in page.inner_text("main") and "Alex Example" in page.inner_text("main")
    check()
    page.set_viewport_size({"width": 375, "height": 812})
    shot(page, "1-list-phone")
    page.set_viewport_size({"width": 1200, "height": 900})
    with page.expect_navigation():
        page.get_by_role("link", name=draft).click()
    main = page.inner_text("main")
    assert "With the trust for sign-off" in main and "Example kinase inhibitor" in main
    check()
    shot(page, "2-case")
    with page.expect_navigation():
        page.get_by_role("button", name="Return to the clinician with comments").click()
    check()
    with page.expect_navigation():
        page.get_by_role("button", name="Return to the clinician with comments").click()
    assert "Enter what the clinician needs to change" in page.locator(".nhsuk-error-summary").inner_text()
    check()
    shot(page, "3-blank-comments")
    page.fill('[name="comments"]', COMMENTS)
    with page.expect_navigation():
        page.get_by_role("button", name="Return to the clinician with comments").click()
    assert "returned to its clinician with your comments" in page.inner_text("main")
    assert "No application is waiting" in page.inner_text("main")
    check()
    # The back button to the form, reloaded: it says what was done, once, and goes back to the list.
    page.go_back(wait_until="load")
    page.goto(f"/cases/{draft}/actions/return_to_clinician")
    assert page.url.endswith("/trust/sign-off")
    assert "already returned to its clinician" in page.inner_text("main")

    # The clinician reads the comments, changes the answer and sends it again.
    sign_in(page, "Dr Priya Shah")
    page.goto(f"/cases/{draft}/application")
    assert COMMENTS in page.locator("#returned-by-trust").inner_text()
    check()
    shot(page, "4-returned-to-clinician")
    page.goto(f"/cases/{draft}/application/trust_checks")
    values = section_values(app, "trust_checks", {
        **application["trust_checks"],
        "mdt_outcome_details": "Discussed again on 28 October: the oncologists agreed on 600 mg daily."})
    fill(page, values)
    save_and_continue(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Send to your trust for sign-off").click()
    check()

    # The chief pharmacist approves it; a double click sends it once.
    sign_in(page, "Nadia Rahman")
    page.goto(f"/cases/{draft}")
    with page.expect_navigation():
        page.get_by_role("button", name="Approve for the trust and send to NHS England").click()
    check()
    page.get_by_role("button", name="Approve for the trust and send to NHS England").dblclick()
    page.wait_for_url(re.compile(r"/trust/sign-off"))
    done = page.inner_text("main")
    reference = re.search(r"IFR-\d{4}-\d{6}", done).group(0)
    assert "sent to NHS England" in done and "No application is waiting" in done
    check()
    shot(page, "5-approved")
    assert page.goto(f"/cases/{reference}").status == 404  # signed off, it has left the trust's sight

    # NHS England's IFR team now has it, with its reference.
    sign_in(page, "Sam Patel")
    page.goto("/queue")
    assert reference in page.inner_text("main")
    page.goto(f"/cases/{reference}")
    timeline = page.inner_text("main")
    assert "Approve for the trust and send to NHS England" in timeline and COMMENTS in timeline
    shot(page, "6-hub-case")
    check.assert_clean()
