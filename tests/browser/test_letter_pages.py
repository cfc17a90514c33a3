"""A letter's page, as the clinician and the hub's case officer open it from the case page: axe-core
finds nothing at any impact level, it reads on a phone without scrolling sideways, and its PDF link
downloads the very letter kept with the case."""

from __future__ import annotations

import pytest

from tests.browser.people import all_violations, assert_no_sideways_scroll, sign_in
from tests.builders import CHAIR, CLINICIAN, REVIEW_CHAIR, Road, findings

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def upheld(client, auth, application, run_jobs) -> Road:
    """A declined case whose review upheld the decision: three events (the decline, the initial
    consideration, the Review Panel's outcome), each with both letters."""
    road = Road(client, auth, application)
    road.to_panel()
    road.act(CHAIR, "decline", {"findings": findings("no", "Like other patients at this stage."),
                                "summary": "Not clinically exceptional."})
    road.to_review_panel()
    road.act(REVIEW_CHAIR, "uphold_on_review", {"reason": "The process was followed."})
    run_jobs()
    return road


def test_every_letter_page_passes_axe_at_every_impact_level_and_reads_on_a_phone(page, upheld):
    letters = upheld.case(CLINICIAN)["letters"]
    assert len(letters) == 6
    found = []
    for person in ("Dr Priya Shah", "Sam Patel"):
        page.context.clear_cookies()
        sign_in(page, person)
        for letter in letters:
            page.goto(f"/cases/{upheld.reference}")
            link = page.locator(f'a[href="/cases/{upheld.reference}/letters/{letter["id"]}/page"]')
            assert link.inner_text().endswith(letter["title"])
            with page.expect_navigation():
                link.click()
            assert page.get_by_role("heading", level=1).inner_text() == letter["title"]
            found += all_violations(page)
            page.set_viewport_size(PHONE)
            assert_no_sideways_scroll(page)
            page.set_viewport_size({"width": 1200, "height": 900})
    assert found == [], "\n".join(found)


def test_the_review_letters_page_names_the_routes_onward_and_downloads_its_pdf(page, upheld):
    letter = next(item for item in upheld.case(CLINICIAN)["letters"]
                  if item["recipient"] == "clinician" and item["kind"] == "review_decided")
    sign_in(page, "Dr Priya Shah")
    page.goto(f"/cases/{upheld.reference}/letters/{letter['id']}/page")

    assert page.get_by_role("heading", name="If you are still unhappy").is_visible()
    assert "Parliamentary and Health Service Ombudsman" in page.inner_text("main")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this letter (PDF").click()
    stored = upheld.client.get(f"/api/v1/cases/{upheld.reference}/letters/{letter['id']}",
                               headers=upheld.auth(CLINICIAN)).data
    with open(download.value.path(), "rb") as downloaded:
        assert downloaded.read() == stored
