"""The clinician's "is this an IFR?" check in Chromium, mistakes included: Dr Priya Shah starts a new
application and checks it with nothing typed (told both fields), then an ICD-10 code that is no code
(told which, her typing kept); checks a treatment a policy funds (told it is not an IFR, with the
policy), goes back and forward, tries to go on without saying why the patient falls outside the
policy (told to), says why, and lands in the application with the policy named; then checks a
treatment no policy covers and carries on into the form. Every page passes axe-core at every impact
level, and none scrolls sideways on a 375 px phone."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from ifr_service.policy.library import load_policy_library
from tests.browser.people import EXAMPLE_ICD10, EXAMPLE_TREATMENT, sign_in
from tests.browser.test_panel_journey import PHONE, go
from tests.browser.test_policy_journey import check_page

SHOTS = Path(tempfile.gettempdir())  # to look at after a run


def check(page, treatment: str, icd10: str) -> None:
    page.get_by_label("Name of the treatment").fill(treatment)
    page.get_by_label("ICD-10 code of the diagnosis").fill(icd10)
    go(page, page.get_by_role("button", name="Check", exact=True))


def test_a_clinician_is_told_a_funded_treatment_is_not_an_ifr_and_carries_on_with_another(page, in_db):
    in_db(load_policy_library)
    sign_in(page, "Dr Priya Shah")
    page.goto("/cases/new")
    go(page, page.get_by_role("button", name="Start now"))
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "Check whether this is an Individual Funding Request"
    check_page(page)

    # Nothing typed: both fields named, in the summary and beside each.
    go(page, page.get_by_role("button", name="Check", exact=True))
    summary = page.locator(".nhsuk-error-summary").inner_text()
    assert "Enter the name of the treatment" in summary and "Enter the ICD-10 code" in summary
    check_page(page)

    # A code that is not ICD-10: named, and what was typed is kept.
    check(page, "Solotinib", "C99.9")
    summary = page.locator(".nhsuk-error-summary").inner_text()
    assert "C99.9 is not a code in the WHO ICD-10 classification" in summary
    assert page.get_by_label("Name of the treatment").input_value() == "Solotinib"

    # A treatment a policy funds: not an IFR for a patient who meets its criteria.
    check(page, "Solotinib", "c18.7")
    main = page.inner_text("main")
    assert "This is not an IFR if the patient meets the policy's criteria" in main
    assert "DEMO-0001: Demo data: Solotinib for metastatic colorectal cancer" in main
    assert "Routinely commissioned" in main and "Blueteq" in main
    check_page(page)
    page.screenshot(path=str(SHOTS / "policy-check-not-an-ifr.png"), full_page=True)

    # Back to the page of the mistake (the browser keeps what was typed since), then forward to the answer.
    page.go_back()
    assert "icd10=C99.9" in page.url and "There is a problem" in page.inner_text("main")
    page.go_forward()
    assert "This is not an IFR" in page.inner_text("main")

    # Going on needs the reason the patient falls outside the policy.
    go(page, page.get_by_role("button", name="Start an IFR application"))
    assert "Say why the patient falls outside the policy" in page.locator(".nhsuk-error-summary").inner_text()
    check_page(page)
    reason = "Performance status 2 after a stroke, not 0 or 1 as the policy asks."
    page.get_by_label("Why does the patient fall outside the policy's criteria?").fill(reason)
    go(page, page.get_by_role("button", name="Start an IFR application"))
    assert re.search(r"/cases/DRAFT-[A-Z0-9]+/application$", page.url)
    go(page, page.get_by_role("link", name="National policy"))
    named = page.get_by_label("Which policy, and why the patient falls outside it").input_value()
    assert named.startswith("DEMO-0001: Demo data: Solotinib") and reason in named

    # Another treatment, no policy: on into the form with the answers carried.
    page.goto("/cases/new/check")
    page.set_viewport_size(PHONE)
    check(page, EXAMPLE_TREATMENT, EXAMPLE_ICD10)
    assert "You can apply for an IFR" in page.inner_text("main")
    page.screenshot(path=str(SHOTS / "policy-check-carry-on-phone.png"), full_page=True)
    check_page(page)
    go(page, page.get_by_role("button", name="Continue to the application"))
    go(page, page.get_by_role("link", name="Diagnosis"))
    assert page.get_by_label("ICD-10 code of the condition being treated").input_value() == EXAMPLE_ICD10
