"""Policy development in the browser, mistakes included. The CET analyst signs in, goes from the home
page to a breast-cancer cohort's item, sees the CRG suggested (Chemotherapy, not the Cystic Fibrosis its
cases recorded) and why; proposes it as a policy topic with no owner chosen (told which field), with a
name that is no analyst's posted by hand (told which field, nothing saved), then with an analyst chosen
by name, clicking twice (one proposal); goes back and tries again (refused, nothing saved). NHS
England's policy lead then takes it along the method for national clinical policies: commissions the
evidence review with the CRG from the list with names (first choosing none), takes the proposition to
the Clinical Panel (first with its meeting date not yet come), records the impact analysis, stakeholder
testing, the consultation, CPAG's recommendation and the committee's decision, and finds the policy in
the library, which also holds NHS England's policies and demo ones marked as such. The clinician whose
case was closed as a cohort sees the item's stage on the case page, on a phone. Every page passes
axe-core at every impact level, and none scrolls sideways on a 375 px phone."""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlmodel import select

from ifr_service import db
from ifr_service.clock import today_in_england
from ifr_service.policy import queries
from ifr_service.policy.library import load_policy_library
from ifr_service.policy.models import PolicyEvent
from tests.browser.people import all_violations, assert_no_sideways_scroll, sign_in
from tests.browser.test_panel_journey import DESKTOP, PHONE, go
from tests.builders import OFFICER, Road
from tests.policy.test_choices import analysts, breast_item  # noqa: F401  (fixtures)
from tests.policy.test_queue import CET, POLICY_LEAD

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"


def check_page(page) -> None:
    """axe-core's every violation, then the page at phone width: given a moment for the header's
    script to fold its links into "More" after the resize (a real overflow stays), then the desktop."""
    page.wait_for_load_state()
    assert all_violations(page) == []
    page.set_viewport_size(PHONE)
    fits = "() => document.documentElement.scrollWidth <= window.innerWidth"
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(fits, timeout=2000)
    assert_no_sideways_scroll(page)
    page.set_viewport_size(DESKTOP)


def events(in_db, reference: str, name: str) -> int:
    def count():
        item = queries.get_item(reference)
        return len(db.session().exec(select(PolicyEvent).where(PolicyEvent.item_id == item.id,
                                                               PolicyEvent.name == name)).all())

    return in_db(count)


def state(in_db, reference: str) -> str:
    return in_db(lambda: queries.get_item(reference).state)


def test_the_cet_proposes_a_cohort_and_the_policy_lead_takes_it_to_a_published_policy(
        page, in_db, breast_item, analysts):  # noqa: F811
    in_db(load_policy_library)
    sign_in(page, "Chris Morgan")
    page.goto("/")
    go(page, page.get_by_role("link", name="Policy development").first)
    assert breast_item in page.inner_text("#policy-queue")
    assert "Not assigned (suggested: CTY — Chemotherapy)" in page.inner_text("#policy-queue")
    check_page(page)

    # The item: the suggested CRG by name, and why.
    go(page, page.get_by_role("link", name=breast_item))
    main = page.inner_text("main")
    assert "CTY — Chemotherapy" in main and "Cystic Fibrosis" not in main
    assert "C50 falls in C50, malignant neoplasm of breast" in main and "Why this CRG is suggested" in main
    check_page(page)

    # Accepting: the owner is chosen from the CET's analysts by name; none chosen is a mistake.
    go(page, page.get_by_role("button", name="Propose as a national policy topic"))
    assert page.get_by_label("Amara Okafor").count() == 1 and page.get_by_label("Chris Morgan").count() == 1
    assert page.locator('input[name="owner"]:checked').count() == 0
    check_page(page)
    page.fill('[name="notes"]', "Seven requests from three hubs in a year.")
    go(page, page.get_by_role("button", name="Propose as a national policy topic"))
    summary = page.inner_text(".nhsuk-error-summary")
    assert "Choose the CET analyst who owns the work." in summary
    assert page.input_value('[name="notes"]') == "Seven requests from three hubs in a year."
    check_page(page)

    # A name that is no analyst's, posted by hand: refused, naming the owner field; nothing saved.
    page.evaluate("""() => { const radio = document.querySelector('input[name="owner"]');
                             radio.value = 'Pat Nobody'; radio.checked = true; }""")
    go(page, page.get_by_role("button", name="Propose as a national policy topic"))
    summary = page.inner_text(".nhsuk-error-summary")
    assert "The owner must be one of the CET's active analysts" in summary and "'Pat Nobody'" in summary
    assert page.locator('.nhsuk-error-summary a[href="#field-owner"]').count() == 1
    assert state(in_db, breast_item) == "candidate"
    check_page(page)

    # Chosen by name, the button clicked twice: accepted once.
    page.get_by_label("Amara Okafor").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Propose as a national policy topic").dblclick()
    page.wait_for_load_state()
    assert "Propose as a national policy topic: done." in page.inner_text("main")
    assert events(in_db, breast_item, "policy_candidate_accepted") == 1
    owner = page.locator("dt", has_text="Owner").locator("xpath=following-sibling::dd[1]")
    assert owner.inner_text().strip() == "Amara Okafor"

    # The back button, and the form sent again: refused now; still accepted once.
    page.go_back()
    page.wait_for_load_state()
    again = page.get_by_role("button", name="Propose as a national policy topic")
    if again.count():  # the browser kept the form: sending it again is refused
        page.get_by_label("Chris Morgan").check()
        go(page, again)
    assert "cannot" in page.inner_text("main").lower() or "not allowed" in page.inner_text("main").lower()
    assert events(in_db, breast_item, "policy_candidate_accepted") == 1
    assert in_db(lambda: queries.get_item(breast_item).owner_id) is not None

    # The policy lead commissions the evidence review: the CRG from a list with names, the suggested
    # one chosen; choosing none is a mistake.
    sign_in(page, "Dr Nia Roberts")
    page.goto(f"/cet/policy-queue/{breast_item}")
    assert "Proposed to the specialised commissioning policy team" in page.inner_text("main")
    commission = "Commission the clinical evidence review"
    go(page, page.get_by_role("button", name=commission))
    chosen = page.locator('select[name="crg_code"] option:checked').inner_text()
    assert chosen.strip() == "CTY — Chemotherapy (suggested)"
    assert "C50 falls in C50" in page.inner_text("main")
    check_page(page)
    page.select_option('select[name="crg_code"]', "")
    go(page, page.get_by_role("button", name=commission))
    assert "Choose the Clinical Reference Group responsible for the policy." in page.inner_text(
        ".nhsuk-error-summary")
    assert state(in_db, breast_item) == "accepted"
    check_page(page)
    page.select_option('select[name="crg_code"]', "CTY")
    page.fill('[name="reviewer"]', "NICE Commissioning Support Programme")
    go(page, page.get_by_role("button", name=commission))
    crg = page.locator("dt", has_text="Clinical Reference Group").first
    crg = crg.locator("xpath=following-sibling::dd[1]")
    assert crg.inner_text().strip() == "CTY — Chemotherapy"
    assert state(in_db, breast_item) == "evidence_review"
    check_page(page)

    take(page, "Submit the policy proposition to the Clinical Panel",
         {"proposition": "Plantuzumab for HER2-low metastatic breast cancer after two lines."})
    # The Clinical Panel's meeting: a date not yet come is refused, naming the field.
    action = "Record that the Clinical Panel supports the proposition"
    go(page, page.get_by_role("button", name=action))
    tomorrow = today_in_england().toordinal() + 1
    fill_date(page, "meeting_on", date.fromordinal(tomorrow))
    go(page, page.get_by_role("button", name=action))
    assert page.locator('.nhsuk-error-summary a[href^="#field-meeting_on"]').count() == 1
    assert state(in_db, breast_item) == "clinical_panel"
    check_page(page)
    fill_date(page, "meeting_on", today_in_england())
    page.fill('[name="notes"]', "The proposition reflects the evidence review.")
    go(page, page.get_by_role("button", name=action))
    assert state(in_db, breast_item) == "impact_analysis"
    take(page, "Record the impact analysis and start stakeholder testing",
         {"impact": "About 300 patients a year; the cost falls within the programme's budget."})
    take(page, "Open the public consultation",
         {"closes_on": date.fromordinal(today_in_england().toordinal() + 30)})
    take(page, "Submit to the Clinical Priorities Advisory Group",
         {"engagement": "Forty responses; the stopping criteria were made clearer."})
    take(page, "Record CPAG's recommendation", {"meeting_on": today_in_england(),
                                                 "recommendation": "Routinely commission"})
    assert state(in_db, breast_item) == "commissioning_decision"
    take(page, "Record the decision and publish the policy", {
        "decided_by": "National Commissioning Group", "meeting_on": today_in_england(),
        "title": "Plantuzumab for HER2-low metastatic breast cancer", "position": "Routinely commissioned",
        "criteria": "HER2-low metastatic breast cancer after two lines of chemotherapy; ECOG 0 to 1."})
    assert state(in_db, breast_item) == "published"
    assert "Published as NCP-" in page.inner_text("main")
    timeline = page.inner_text("main")
    assert "Record that the Clinical Panel supports the proposition" in timeline
    assert "The committee that decided: National Commissioning Group" in timeline

    # The library: the new policy, NHS England's policies with their references and sources; demo
    # ones marked.
    go(page, page.get_by_role("link", name="Policy library").first)
    library = page.inner_text("#policy-library")
    assert "Plantuzumab for HER2-low metastatic breast cancer" in library
    assert "NHSCB/A11/P/a" in library and "NHSCB/E03/P/a" in library and "4 April 2013" in library
    assert "PHN — Pulmonary Hypertension" in library
    assert page.locator("#policy-library .nhsuk-tag", has_text="Demo data").count() == 2
    check_page(page)


def fill_date(page, name: str, day: date) -> None:
    page.fill(f'[name="{name}[day]"]', str(day.day))
    page.fill(f'[name="{name}[month]"]', str(day.month))
    page.fill(f'[name="{name}[year]"]', str(day.year))


def take(page, action: str, answers: dict) -> None:
    """Open the action's page from the item, answer it (dates in their three boxes, a choice by its
    label) and send it; each page checked on the way."""
    go(page, page.get_by_role("button", name=action))
    check_page(page)
    for name, value in answers.items():
        if isinstance(value, date):
            fill_date(page, name, value)
        elif page.locator(f'input[type=radio][name="{name}"]').count():
            page.get_by_label(value, exact=True).check()
        else:
            page.fill(f'[name="{name}"]', value)
    go(page, page.get_by_role("button", name=action))
    assert f"{action}: done." in page.inner_text("main"), page.inner_text("main")[:500]
    check_page(page)


def test_the_clinician_of_a_case_closed_as_a_cohort_sees_the_policy_stage_on_a_phone(
        page, client, auth, application, calendar):
    calendar.set(today_in_england())
    road = Road(client, auth, application)
    road.act(OFFICER, "confirm_complete")
    road.screen("screen_cohort", {"cohort_description": "ROS1-positive NSCLC after crizotinib.",
                                  "reason": "A question for national policy."})
    [item] = client.get("/api/v1/cet/policy-queue", headers=auth(CET)).json["items"]
    for who, action, payload in [(CET, "accept", {"notes": "Internal: worth a policy."}),
                                 (POLICY_LEAD, "commission_evidence_review", {})]:
        moved = client.post(f"/api/v1/cet/policy-queue/{item['reference']}/actions/{action}", json=payload,
                            headers=auth(who))
        assert moved.status_code == 200, moved.json

    sign_in(page, "Dr Priya Shah")
    page.set_viewport_size(PHONE)
    page.goto(f"/cases/{road.reference}")
    main = page.inner_text("main")
    assert f"National policy development: {item['reference']}" in main
    assert "Stage: Clinical evidence review, since" in main
    assert "An independent review of the clinical evidence has been commissioned" in main
    assert "Internal: worth a policy." not in main
    assert_no_sideways_scroll(page)
    assert all_violations(page) == []
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "policy-stage-on-the-case-page-phone.png"), full_page=True)
