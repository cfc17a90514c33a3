"""One request from start to finish in the browser: a clinician submits it with the keyboard
alone, the hub screens it, the panel decides it (its chair never seeing who the patient is), the
clinician downloads the letter and the Clinical Effectiveness Team sees it on the national dashboard."""

from __future__ import annotations

import re

from pypdf import PdfReader

from tests.browser.people import (
    choose_radio,
    fill_in_by_keyboard,
    pass_the_policy_check,
    press,
    serious_violations,
    sign_in,
)
from tests.builders import TRUST_APPROVER, Road
from tests.cases.test_views import form_sections

CRITERIA = ("significantly_different", "significantly_more_benefit")  # the test against a policy
AGAINST_A_POLICY = {"findings.policy_reference": "170091P",
                    "findings.comparator_group": "Adults with this cancer after one line of treatment."}


def commissioner_names(in_db) -> dict[str, str]:
    from ifr_service.reference.queries import find_commissioners

    return in_db(lambda: {c.code: c.name for c in find_commissioners()})


def submit_with_the_keyboard(page, app, client, auth, in_db, application) -> str:
    page.goto("/")
    press(page, "Sign in")
    choose_radio(page, "username", "demo-clinician")  # Tab into the demo users, then the arrow keys
    press(page, "Sign in")
    press(page, "Start an Individual Funding Request")
    press(page, "Start now")
    pass_the_policy_check(page, by_keyboard=True)
    press(page, "The patient")
    names = commissioner_names(in_db)
    for section in form_sections(app):
        fill_in_by_keyboard(page, section, application[section.key], names)
        press(page, "Save and continue")
    assert "Check your answers" in page.title()
    press(page, "Send to your trust for sign-off")
    draft = re.search(r"DRAFT-[A-Z0-9]+", page.inner_text("main")).group(0)
    signed_off = client.post(f"/api/v1/cases/{draft}/actions/approve_for_trust",  # by the trust
                             headers=auth(TRUST_APPROVER))
    return signed_off.json["reference"]


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out", exact=True).click()


def take_action(page, reference: str, button: str, fill: dict[str, str], choose: dict[str, str] = {}):  # noqa: B006
    page.goto(f"/cases/{reference}")
    with page.expect_navigation():  # wait for the action's own page before asking what it holds
        page.get_by_role("button", name=button, exact=True).click()  # a link styled as a button
    for name, text in fill.items():
        page.locator(f'[name="{name}"]').fill(text)
    for name, value in choose.items():
        page.locator(f'input[name="{name}"][value="{value}"]').check()
    if page.get_by_role("button", name=button, exact=True).count():
        page.get_by_role("button", name=button, exact=True).click()
    else:  # an action that sends a letter: check what will be recorded and sent, then confirm
        page.get_by_role("button", name="Continue", exact=True).click()
        page.get_by_role("button", name="Confirm and send the letter").click()
    assert "done" in page.inner_text(".nhsuk-notification-banner"), page.inner_text("main")


def test_a_request_from_submission_to_the_letter_and_the_national_dashboard(
        page, app, client, auth, in_db, run_jobs, application):
    reference = submit_with_the_keyboard(page, app, client, auth, in_db, application)
    assert serious_violations(page) == []
    sign_out(page)

    sign_in(page, "Sam Patel")  # the London hub's case officer
    page.get_by_role("link", name=reference).click()
    take_action(page, reference, "Confirm the application is complete", {})
    Road.of(client, auth, reference).hold_meeting(kind="screening_group")  # the London screening group meets
    take_action(page, reference, "Send to the IFR panel", {"reason": "An individual request: no cohort."})
    sign_out(page)

    Road.of(client, auth, reference).hold_meeting()  # a quorate London panel meets today
    sign_in(page, "Dr Helen Marsh")  # its chair
    reasons = {f"findings.{c}.reasons": "The panel weighed the evidence submitted." for c in CRITERIA}
    take_action(page, reference, "Approve", {**reasons, **AGAINST_A_POLICY,
                                             "summary": "Funded for a year, then reviewed."},
                {"findings.policy_position": "against_policy",
                 **{f"findings.{c}.finding": "yes" for c in CRITERIA}})
    decided = page.inner_text("main")  # the chair decides on the clinical case, not knowing the patient
    assert "Approved" in decided and application["patient"]["nhs_number"] not in decided
    assert application["patient"]["postal_address"] not in decided
    sign_out(page)
    run_jobs()  # the letter is made by a job: on rq in production, in-process on the embedded default

    sign_in(page, "Dr Priya Shah")
    page.goto(f"/cases/{reference}")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^PDF.*Decision")).first.click()  # its PDF
    text = "".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
    assert reference in text and "approved" in text.lower()
    sign_out(page)

    sign_in(page, "Chris Morgan")  # the Clinical Effectiveness Team
    page.goto("/cet")
    dashboard = page.inner_text("main")
    assert "London" in dashboard and reference not in dashboard  # the national view is pseudonymised
    assert serious_violations(page) == []
