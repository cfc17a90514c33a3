"""A clinician's whole job in Chromium, mistakes included: Dr Priya Shah applies for an Individual
Funding Request (a wrong date, a cost written "62,400", an urgent request with no reason, a row added
and removed, Enter pressed in a field, the back button, a double-click on Submit), deletes a draft,
follows an old draft link, withdraws the request after a confirmation, and applies to the Cancer
Drugs Fund for a patient who already has an approval (the refusal keeps what was typed), then
prints the approval confirmation. axe-core checks every page at every impact level, and the
clinician's pages do not scroll sideways on a 375 px phone."""

from __future__ import annotations

import re

from nhs_number import calculate_checksum

from ifr_service.web.fields import shown_values
from tests.browser.people import (
    all_violations,
    assert_no_sideways_scroll,
    choose_from_autocomplete,
    pass_the_policy_check,
    sign_in,
)
from tests.builders import TRUST_APPROVER, cdf_application_for
from tests.cases.test_views import form_sections
from tests.cdf.test_views import ENTRY

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1200, "height": 900}


class Checked:
    """Each page the clinician sees, checked once with axe-core (every violation) and at phone width."""

    def __init__(self, page):
        self.page, self.seen, self.problems = page, set(), []

    def __call__(self) -> None:
        page = self.page
        page.wait_for_load_state("load")
        self.problems += all_violations(page)
        key = re.sub(r"(DRAFT|IFR|CDF)-[A-Z0-9-]+", "REF", page.url.split("?")[0])
        if key not in self.seen:
            self.seen.add(key)
            page.set_viewport_size(PHONE)
            assert_no_sideways_scroll(page)
            page.set_viewport_size(DESKTOP)

    def assert_clean(self) -> None:
        assert self.problems == [], "\n".join(self.problems)


def names_of_commissioners(in_db) -> dict[str, str]:
    from ifr_service.reference.queries import find_commissioners

    return in_db(lambda: {c.code: c.name for c in find_commissioners()})


def fill(page, values: dict[str, str]) -> None:
    """Fill the page's inputs by name, as a person types them (text, radios, checkboxes)."""
    for name, value in values.items():
        fields = page.locator(f'[name="{name}"]:visible')
        if fields.count() == 0:
            continue
        kind = fields.first.get_attribute("type")
        if kind == "radio":
            page.locator(f'input[type=radio][name="{name}"][value="{value}"]').check()
        elif kind == "checkbox":
            page.locator(f'input[type=checkbox][name="{name}"]').check()
        elif fields.first.evaluate("e => e.tagName") != "SELECT":
            fields.first.fill(value)


def section_values(app, key: str, answers: dict) -> dict[str, str]:
    section = next(s for s in form_sections(app) if s.key == key)
    return shown_values(section.fields, answers, f"{key}.")


def save_and_continue(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue", exact=True).click()


def error_summary(page) -> str:
    return page.locator(".nhsuk-error-summary").inner_text()


def test_a_clinician_applies_with_mistakes_deletes_a_draft_and_withdraws(page, app, client, auth, in_db,
                                                                         application):
    check = Checked(page)
    commissioners = names_of_commissioners(in_db)
    sign_in(page, "Dr Priya Shah")
    page.goto("/cases")
    check()
    with page.expect_navigation():
        page.get_by_role("button", name="Start an Individual Funding Request").click()
    check()
    with page.expect_navigation():
        page.get_by_role("button", name="Start now").click()
    check()
    pass_the_policy_check(page)
    check()
    draft = re.search(r"DRAFT-[A-Z0-9]+", page.url).group(0)

    # The patient: a date that does not exist, then the real one; the commissioner by typing its name.
    with page.expect_navigation():
        page.get_by_role("link", name="The patient").click()
    fill(page, {**section_values(app, "patient", application["patient"]), "patient.date_of_birth[day]": "30",
                "patient.date_of_birth[month]": "2", "patient.date_of_birth[year]": "1958"})
    commissioner = commissioners[application["patient"]["commissioner"]]
    choose_from_autocomplete(page, "patient.commissioner", commissioner)
    check()
    save_and_continue(page)
    assert "Enter the date of birth as a real date, like 28 2 1958" in error_summary(page)
    check()
    page.fill('[name="patient.date_of_birth[day]"]', "28")
    save_and_continue(page)

    # The clinician: name, email and trust from the sign-in, not typed again.
    assert page.input_value('[name="clinician.name"]') == "Dr Priya Shah"
    assert "University College London" in page.input_value('[name="clinician.provider_trust"]')
    check()
    fill(page, {k: v for k, v in section_values(app, "clinician", application["clinician"]).items()
                if k not in ("clinician.name", "clinician.email", "clinician.provider_trust")})
    save_and_continue(page)
    for key in ("diagnosis", "intervention"):
        check()
        fill(page, section_values(app, key, application[key]))
        save_and_continue(page)

    # The cost as people write it; then the back button, and the answer is still there.
    fill(page, {**section_values(app, "cost", application["cost"]), "cost.amount_gbp": "62,400"})
    save_and_continue(page)
    assert "/application/clinical_case" in page.url, error_summary(page)
    page.go_back(wait_until="load")
    page.wait_for_function("() => document.querySelector('[name=\"cost.amount_gbp\"]').value !== ''")
    assert page.input_value('[name="cost.amount_gbp"]') in ("62,400", "62400.00")
    save_and_continue(page)

    # Treatments tried: a row added (the focus moves into it) and removed; Enter saves, never adds.
    check()
    clinical = section_values(app, "clinical_case", application["clinical_case"])
    fill(page, {k: v for k, v in clinical.items() if ".1." not in k})
    with page.expect_navigation():
        page.get_by_role("button", name="Add another to treatments already tried").click()
    new_row = "clinical_case.treatments_tried.1.treatment"
    page.wait_for_function("name => document.activeElement.name === name", arg=new_row, timeout=5000)
    check()
    page.keyboard.type("A row added by mistake")
    with page.expect_navigation():
        page.get_by_role("button", name="Remove treatments already tried 2").click()
    assert "A row added by mistake" not in page.content()
    assert page.locator('[name="clinical_case.treatments_tried.0.treatment"]').input_value()
    page.locator('[name="clinical_case.treatments_tried.0.when"]').press("Enter")
    page.wait_for_url(re.compile(r"/application/evidence"))
    check()
    fill(page, section_values(app, "evidence", application["evidence"]))
    save_and_continue(page)
    check()
    fill(page, section_values(app, "policy", application["policy"]))
    save_and_continue(page)

    # Urgent, with no reason: refused on this page, naming the question; the reason is revealed.
    page.get_by_label("Urgent: a decision is needed within days").check()
    check()
    save_and_continue(page)
    assert "Enter why the request is urgent" in error_summary(page)
    check()
    page.locator('[name="urgency.justification"]:visible').fill(application["urgency"]["justification"])
    save_and_continue(page)
    check()
    fill(page, section_values(app, "consent", application["consent"]))
    save_and_continue(page)
    check()  # the trust's checks: the MDT's discussion, and who signs the request off
    fill(page, section_values(app, "trust_checks", application["trust_checks"]))
    save_and_continue(page)

    # Check your answers, in the NHS style; a double-click on Send makes one case, with the trust.
    assert "Check your answers" in page.title()
    main = page.inner_text("main")
    assert "£62,400" in main and "28 February 1958" in main and "999 000 0018" in main
    assert commissioners[application["patient"]["commissioner"]] in main and "ccg-camden" not in main
    check()
    page.get_by_role("button", name="Send to your trust for sign-off").dblclick()
    # The page that says it was sent, not the check page this started on (whose address begins the same way).
    page.wait_for_url(re.compile(rf"/cases/{draft}/submitted"))
    page.wait_for_load_state("networkidle")  # the second click's answer, if it came, has landed
    assert "sign-off" in page.inner_text("main")
    check()
    # The trust's chief pharmacist signs it off (tests/browser/test_trust_approver_journey.py does it
    # on the pages): NHS England receives it then, once.
    approved = client.post(f"/api/v1/cases/{draft}/actions/approve_for_trust", headers=auth(TRUST_APPROVER))
    reference = approved.json["reference"]
    assert in_db(lambda: count_submitted()) == 1

    # An old draft link leads to the submitted case.
    page.goto(f"/cases/{draft}/application/urgency")
    assert page.url.endswith(f"/cases/{reference}")
    check()

    # A second draft, deleted after its confirmation.
    page.goto("/cases/new")
    with page.expect_navigation():
        page.get_by_role("button", name="Start now").click()
    pass_the_policy_check(page)
    second = re.search(r"DRAFT-[A-Z0-9]+", page.url).group(0)
    with page.expect_navigation():
        page.get_by_role("link", name="Delete this draft").click()
    check()
    with page.expect_navigation():
        page.get_by_role("button", name="Yes, delete this draft").click()
    assert f"Draft {second} has been deleted" in page.inner_text("main")
    assert page.locator(f'a[href="/cases/{second}"]').count() == 0
    check()

    # Withdrawal: a warning button, its consequence stated, a confirmation.
    page.goto(f"/cases/{reference}")
    withdraw = page.get_by_role("button", name="Withdraw the request")
    assert "nhsuk-button--warning" in withdraw.get_attribute("class")
    with page.expect_navigation():
        withdraw.click()
    assert "it cannot be reopened" in page.inner_text("main")
    check()
    with page.expect_navigation():
        page.get_by_role("button", name="Yes, withdraw the request").click()
    assert "Withdrawn" in page.inner_text("main")
    check()
    check.assert_clean()


def count_submitted() -> int:
    from sqlmodel import func, select

    from ifr_service import db
    from ifr_service.cases.models import Case

    return db.session().exec(select(func.count()).select_from(Case).where(Case.reference.is_not(None),
                                                                        Case.route == "ifr")).one()


def another_nhs_number() -> str:
    """A valid NHS number in the test range (999) that no example uses."""
    for tail in range(100, 999):
        digits = f"999000{tail:03d}"
        check = calculate_checksum(digits)
        if check is not None and check != 10 and digits + str(check) not in ("9990000018", "9990000026"):
            return f"{digits[:3]} {digits[3:6]} {digits[6:]}{check}"
    raise AssertionError("no NHS number left")


def test_a_cdf_duplicate_is_refused_at_the_first_step_and_the_approval_is_printed(
        page, app, client, auth, in_db, cdf_application):
    check = Checked(page)
    approved = client.post("/api/v1/cases", json=cdf_application_for(client, auth, cdf_application, ENTRY),
                           headers=auth("demo-clinician"))
    assert approved.status_code == 201, approved.json
    commissioners = names_of_commissioners(in_db)
    sign_in(page, "Dr Priya Shah")
    page.goto("/cdf")
    check()
    with page.expect_navigation():
        page.locator(f'a[href="/cdf/{ENTRY}/apply"]').click()
    check()
    patient = cdf_application["patient"]
    fill(page, {"patient.nhs_number": patient["nhs_number"], "patient.given_name": patient["given_name"],
                "patient.family_name": "Typed-Once", "patient.date_of_birth[day]": "3",
                "patient.date_of_birth[month]": "9", "patient.date_of_birth[year]": "1957",
                "patient.sex": patient["sex"]})
    choose_from_autocomplete(page, "patient.commissioner", commissioners[patient["commissioner"]])
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    assert "already has an approval in force" in error_summary(page)
    assert page.input_value('[name="patient.family_name"]') == "Typed-Once"  # nothing thrown away
    check()

    page.fill('[name="patient.nhs_number"]', another_nhs_number())
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    assert "step 2 of 2" in page.inner_text("main")
    check()
    with page.expect_navigation():
        page.get_by_role("button", name="Change the patient's details").click()
    assert page.input_value('[name="patient.family_name"]') == "Typed-Once"
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    fill(page, {"diagnosis.icd10_code": "C67.9",
                "diagnosis.description": cdf_application["diagnosis"]["description"],
                "treatment.planned_start_date[day]": "1", "treatment.planned_start_date[month]": "12",
                "treatment.planned_start_date[year]": "2026", "treatment.line_of_therapy": "second",
                "treatment.regimen": "1200mg_3_weekly",
                **{f"criteria.{key}": "yes" for key, met in cdf_application["criteria"].items() if met},
                "criteria.brain_metastases": "no"})
    with page.expect_navigation():
        page.get_by_role("button", name="Send the application").click()
    assert "Application approved" in page.inner_text("main"), page.inner_text("main")
    check()

    with page.expect_navigation():

        page.get_by_role("link", name="case page").click()
    main = page.inner_text("main")
    assert "Atezolizumab 1,200 mg/20 ml" in main and "1,200 mg every 3 weeks" in main
    assert "Treatment must start by" in main and "Urgency" not in main
    assert "Cancer Drugs Fund application received" in main and "Cdf application received" not in main
    number = re.search(r"Approval number\s+(\S+)", main).group(1)
    check()
    with page.expect_navigation():
        page.get_by_role("link", name="Approval confirmation to print").click()
    assert number in page.inner_text("main") and "Typed-Once" in page.inner_text("main")
    assert page.get_by_role("button", name="Print this page").is_visible()
    check()
    page.emulate_media(media="print")
    assert not page.locator("header.nhsuk-header").is_visible()
    assert not page.get_by_role("button", name="Print this page").is_visible()
    assert page.get_by_text(number).first.is_visible()
    page.emulate_media(media="screen")
    page.goto("/cases")
    check()
    check.assert_clean()
