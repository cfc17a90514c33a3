"""The CET's policy development in the browser, mistakes included: the analyst signs in, goes from
the home page to a breast-cancer cohort's item, sees the CRG suggested (Chemotherapy, not the Cystic
Fibrosis its cases recorded) and why; accepts it with no owner chosen (told which field), with a name
that is no analyst's posted by hand (told which field, nothing saved), then with an analyst chosen by
name, clicking twice (one acceptance); goes back and tries again (refused, nothing saved); assigns
the CRG from the list with names, first choosing none; and opens the policy library, which holds
NHS England's policies and demo ones marked as such. Every page passes axe-core at every impact
level, and none scrolls sideways on a 375 px phone."""

from __future__ import annotations

import contextlib

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlmodel import select

from ifr_service import db
from ifr_service.policy import queries
from ifr_service.policy.library import load_policy_library
from ifr_service.policy.models import PolicyEvent
from tests.browser.people import all_violations, assert_no_sideways_scroll, sign_in
from tests.browser.test_panel_journey import DESKTOP, PHONE, go
from tests.policy.test_choices import analysts, breast_item  # noqa: F401  (fixtures)


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


def test_an_analyst_takes_a_cohort_from_the_queue_to_its_crg_and_reads_the_library(
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
    go(page, page.get_by_role("button", name="Accept into the work programme"))
    assert page.get_by_label("Amara Okafor").count() == 1 and page.get_by_label("Chris Morgan").count() == 1
    assert page.locator('input[name="owner"]:checked').count() == 0
    check_page(page)
    page.fill('[name="notes"]', "Seven requests from three hubs in a year.")
    go(page, page.get_by_role("button", name="Accept into the work programme"))
    summary = page.inner_text(".nhsuk-error-summary")
    assert "Choose the CET analyst who owns the work." in summary
    assert page.input_value('[name="notes"]') == "Seven requests from three hubs in a year."
    check_page(page)

    # A name that is no analyst's, posted by hand: refused, naming the owner field; nothing saved.
    page.evaluate("""() => { const radio = document.querySelector('input[name="owner"]');
                             radio.value = 'Pat Nobody'; radio.checked = true; }""")
    go(page, page.get_by_role("button", name="Accept into the work programme"))
    summary = page.inner_text(".nhsuk-error-summary")
    assert "The owner must be one of the CET's active analysts" in summary and "'Pat Nobody'" in summary
    assert page.locator('.nhsuk-error-summary a[href="#field-owner"]').count() == 1
    assert state(in_db, breast_item) == "candidate"
    check_page(page)

    # Chosen by name, the button clicked twice: accepted once.
    page.get_by_label("Amara Okafor").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Accept into the work programme").dblclick()
    page.wait_for_load_state()
    assert "Accept into the work programme: done." in page.inner_text("main")
    assert events(in_db, breast_item, "policy_candidate_accepted") == 1
    owner = page.locator("dt", has_text="Owner").locator("xpath=following-sibling::dd[1]")
    assert owner.inner_text().strip() == "Amara Okafor"

    # The back button, and the form sent again: refused now; still accepted once.
    page.go_back()
    page.wait_for_load_state()
    again = page.get_by_role("button", name="Accept into the work programme")
    if again.count():  # the browser kept the form: sending it again is refused
        page.get_by_label("Chris Morgan").check()
        go(page, again)
    assert "cannot" in page.inner_text("main").lower() or "not allowed" in page.inner_text("main").lower()
    assert events(in_db, breast_item, "policy_candidate_accepted") == 1
    assert in_db(lambda: queries.get_item(breast_item).owner_id) is not None

    # Assigning the CRG: a list with names, the suggested one chosen; choosing none is a mistake.
    page.goto(f"/cet/policy-queue/{breast_item}")
    go(page, page.get_by_role("button", name="Assign to a Clinical Reference Group"))
    chosen = page.locator('select[name="crg_code"] option:checked').inner_text()
    assert chosen.strip() == "CTY — Chemotherapy (suggested)"
    assert "C50 falls in C50" in page.inner_text("main")
    check_page(page)
    page.select_option('select[name="crg_code"]', "")
    go(page, page.get_by_role("button", name="Assign to a Clinical Reference Group"))
    assert "Choose the Clinical Reference Group responsible for the policy." in page.inner_text(
        ".nhsuk-error-summary")
    assert state(in_db, breast_item) == "accepted"
    check_page(page)
    page.select_option('select[name="crg_code"]', "CTY")
    go(page, page.get_by_role("button", name="Assign to a Clinical Reference Group"))
    crg = page.locator("dt", has_text="Clinical Reference Group").first
    crg = crg.locator("xpath=following-sibling::dd[1]")
    assert crg.inner_text().strip() == "CTY — Chemotherapy"
    assert state(in_db, breast_item) == "assigned_to_crg"
    check_page(page)

    # The library: NHS England's policies with their references and sources; demo ones marked.
    go(page, page.get_by_role("link", name="Policy library").first)
    library = page.inner_text("#policy-library")
    assert "NHSCB/A11/P/a" in library and "NHSCB/E03/P/a" in library and "4 April 2013" in library
    assert "PHN — Pulmonary Hypertension" in library
    assert page.locator("#policy-library .nhsuk-tag", has_text="Demo data").count() == 2
    check_page(page)
