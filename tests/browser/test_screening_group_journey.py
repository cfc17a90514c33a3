"""The screening group's chair, in the browser: signs in, sees when the group next meets, opens
today's meeting and its cases (the urgent one first) and the screening pack; screens the urgent case
by chair's action between meetings, recorded as such; reads the minutes,
with the outcome the group reached at the meeting. Every page passes axe-core at every impact level,
and none scrolls sideways on a 375 px phone."""

from __future__ import annotations

import copy
import re

from ifr_service.cases.queries import find_events, get_case
from tests.browser.people import sign_in
from tests.browser.test_panel_journey import check_page, go
from tests.builders import OFFICER, PAYLOADS, Road

PHONE = {"width": 375, "height": 800}


def screened_by(in_db, road: Road) -> str:
    return in_db(lambda: [e.payload for e in find_events(get_case(road.reference))
                          if e.name == "screening_completed"][-1]["decided_by"])
SCREENSHOT_DIR = "/tmp"


def test_the_screening_group_chair_screens_an_urgent_case_and_reads_the_minutes(
        page, app, client, auth, application, in_db):
    # The IFR team's work, through the API: two cases checked, the group's meeting held today.
    routine = Road(client, auth, copy.deepcopy(application))
    routine.act(OFFICER, "confirm_complete")
    urgent = Road(client, auth, copy.deepcopy(application), urgency="urgent")
    urgent.act(OFFICER, "confirm_complete")
    meeting = routine.hold_meeting(kind="screening_group")
    routine.act(OFFICER, "screen_cohort", PAYLOADS["screen_cohort"])  # the group's outcome, minuted

    sign_in(page, "Dr Nadia Hussain")
    page.goto("/panel/meetings")
    main = page.inner_text("main")
    assert "London screening group" in main and "London IFR panel" not in main  # only her group's
    assert "The screening group meets every 7 days: its next meeting is due on" in main
    check_page(page)

    go(page, page.get_by_role("link", name=re.compile(r"^\d+ \w+ \d{4}$")).first)
    assert page.url.endswith(f"/panel/meetings/{meeting['id']}")
    assert "Screening group meeting of" in page.inner_text("h1")
    rows = page.locator("#agenda ~ table tbody tr")
    assert urgent.reference in rows.nth(0).inner_text()  # the urgent case first
    assert routine.reference in rows.nth(1).inner_text()
    check_page(page)

    go(page, page.get_by_role("link", name=f"Screening pack for {urgent.reference}"))
    pack = page.inner_text("main")
    assert "Record the screening outcome" in pack and "Similar requests nationally" in pack
    check_page(page)
    go(page, page.get_by_role("button", name=re.compile(r"^Send to the IFR panel\W+IFR")))
    page.fill('[name="reason"]', "Deterioration expected within weeks: an individual case for the panel.")
    check_page(page)
    go(page, page.get_by_role("button", name="Send to the IFR panel"))
    assert "Send to the IFR panel: done" in page.inner_text(".nhsuk-notification-banner")
    assert urgent.case()["state"] == "ready_for_panel"
    assert screened_by(in_db, urgent) == "screening chair's action"

    page.goto(f"/panel/meetings/{meeting['id']}/minutes")
    minutes = page.inner_text("main")
    assert f"{routine.reference}: Close at screening: a cohort, not an individual" in minutes
    assert PAYLOADS["screen_cohort"]["reason"] in minutes
    assert "Dr Owen Price, clinician" in minutes and "Conflicts of interest declared" in minutes
    check_page(page)
    page.set_viewport_size(PHONE)
    page.screenshot(path=f"{SCREENSHOT_DIR}/screening-group-minutes-phone.png", full_page=True)
