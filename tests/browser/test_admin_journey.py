"""The service administrator in Chromium, mistakes included: Alex Reid signs in and lands on the
overview, adds a user (first with nothing filled in, then with a username already taken, then
rightly with a double click on save, and goes back after saving), changes their role and
organisation, switches them off (their sign-in elsewhere ends and they cannot sign in again), tries
to switch themselves off, stands a panel member down and gives the seat back, and retries a failed
job. Every new page passes axe-core at every impact level and does not scroll sideways at 375 px."""

from __future__ import annotations

import pytest
from sqlmodel import select

from ifr_service import db
from ifr_service.db import utc_now
from ifr_service.jobs.models import OutboxMessage
from ifr_service.users.models import User
from tests.browser.people import all_violations, assert_no_sideways_scroll, sign_in
from tests.users.restore import restore_people  # noqa: F401  (a fixture)

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1200, "height": 900}
pytestmark = pytest.mark.usefixtures("restore_people")


def check_page(page) -> None:
    """axe-core's every violation, then the page at phone width, then back to the desktop."""
    page.wait_for_load_state()
    assert all_violations(page) == []
    page.set_viewport_size(PHONE)
    # The header's script gathers links that no longer fit under "More" once the width changes: two
    # frames, and it has.
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    assert_no_sideways_scroll(page)
    page.set_viewport_size(DESKTOP)


def go(page, control) -> None:
    with page.expect_navigation():
        control.click()


def banner(page) -> str:
    return page.inner_text(".nhsuk-notification-banner")


def summary(page) -> str:
    return page.inner_text(".nhsuk-error-summary")


def count_users(in_db, username: str) -> int:
    return in_db(lambda: len(db.session().exec(select(User).where(User.username == username)).all()))


def failed_job(in_db) -> int:
    def make():
        message = OutboxMessage(job="deliver_notification", queue="notifications", attempts=6,
                                payload={"notification_id": 987654}, failed_utc=utc_now(),
                                last_error="SMTPServerDisconnected: Connection unexpectedly closed")
        db.session().add(message)
        db.session().flush()
        return message.id

    return in_db(make)


def fill_user(page, **fields) -> None:
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)


def test_an_administrator_keeps_users_panel_seats_and_background_jobs(page, browser, live_url, in_db):
    job_id = failed_job(in_db)
    sign_in(page, "Alex Reid")
    page.wait_for_url("**/admin")
    assert page.inner_text("h1") == "Service administration"
    assert page.locator("#jobs-by-state").inner_text().count("\t0") >= 3  # 0, never a blank
    assert "Job " + str(job_id) in page.inner_text("#failed-jobs")
    check_page(page)

    # The users: found by name, then one added, with the mistakes people make on the way.
    go(page, page.get_by_role("link", name="Users", exact=True))
    page.get_by_label("Name, username or email").fill("patel")
    go(page, page.get_by_role("button", name="Find users"))
    assert "Sam Patel" in page.inner_text("#users") and "Alex Reid" not in page.inner_text("#users")
    check_page(page)
    go(page, page.get_by_role("button", name="Add a user"))
    check_page(page)
    go(page, page.get_by_role("button", name="Add the user"))  # nothing filled in
    assert "Enter a username." in summary(page) and "Choose the person's role from the list." in summary(page)
    check_page(page)
    fill_user(page, **{"Username": "demo-officer", "Full name": "Jo Bloggs", "Email address": "jo@nhs.net"})
    page.get_by_label("Hub IFR case officer").check()
    page.get_by_label("Hub (for case officers, panel chairs, panel members and commissioning finance)") \
        .select_option(label="London")
    go(page, page.get_by_role("button", name="Add the user"))
    assert "There is a user 'demo-officer' already" in summary(page)
    assert page.get_by_label("Full name").input_value() == "Jo Bloggs"  # what was typed is kept
    fill_user(page, Username="jo.bloggs")
    with page.expect_navigation():
        page.get_by_role("button", name="Add the user").dblclick()  # an impatient double click
    page.wait_for_url("**/admin/users/jo.bloggs")
    assert "Jo Bloggs (jo.bloggs) is added" in banner(page)
    assert count_users(in_db, "jo.bloggs") == 1
    check_page(page)
    page.go_back()  # back after saving: nothing is saved again
    page.wait_for_load_state()
    assert count_users(in_db, "jo.bloggs") == 1

    # Their role and organisation changed: a CDF administrator of a region now.
    page.goto("/admin/users/jo.bloggs")
    page.get_by_label("Regional CDF administrator").check()
    page.get_by_label("Region (for CDF administrators)").select_option(label="London")
    go(page, page.get_by_role("button", name="Save changes"))
    assert "Jo Bloggs's details are saved." in banner(page)
    assert "Regional CDF administrator" in page.inner_text(".nhsuk-summary-list")
    assert "London" in page.inner_text(".nhsuk-summary-list")

    # Jo signs in elsewhere; switched off, their sign-in ends and they cannot sign in again.
    elsewhere = browser.new_context(base_url=live_url)
    jo = elsewhere.new_page()
    sign_in(jo, "Jo Bloggs")
    jo.wait_for_url("**/cdf/applications")
    page.get_by_label("No, switch them off").check()
    go(page, page.get_by_role("button", name="Save changes"))
    assert "Jo Bloggs is switched off" in banner(page)
    jo.goto("/cdf/applications")
    assert "/cdf/applications" not in jo.url and jo.get_by_label("Jo Bloggs").count() == 0
    elsewhere.close()

    # Alex tries to switch themselves off.
    page.goto("/admin/users/demo-admin")
    page.get_by_label("No, switch them off").check()
    go(page, page.get_by_role("button", name="Save changes"))
    assert "You cannot switch yourself off" in summary(page)
    check_page(page)

    # A panel seat: the only lay member stood down (no quorum), then given the seat back.
    go(page, page.get_by_role("link", name="Panels", exact=True))
    check_page(page)
    go(page, page.get_by_role("link", name="London IFR panel"))
    check_page(page)
    go(page, page.get_by_role("link", name="Change Pat Green's seat"))
    check_page(page)
    page.get_by_label("No, stand them down").check()
    go(page, page.get_by_role("button", name="Save the seat"))
    assert "Pat Green's seat is saved: stood down." in banner(page)
    assert "lay member" in page.inner_text("#quorum")
    check_page(page)
    page.get_by_label("Person").select_option(label="Pat Green (demo-panel-lay-member)")
    page.get_by_label("Seat", exact=True).select_option(label="Lay member")
    go(page, page.get_by_role("button", name="Give them the seat"))
    assert "could make a quorum" in page.inner_text("#quorum")

    # The failed job, retried from the overview with a double click: handed on once.
    go(page, page.get_by_role("link", name="Overview", exact=True))
    with page.expect_navigation():
        page.get_by_role("button", name=f"Retry job {job_id}").dblclick()
    page.wait_for_url("**/admin")
    assert f"Job {job_id}" in banner(page)
    assert "No job has failed." in page.inner_text("main")
    check_page(page)
    page.goto("/jobs")
    assert "No job has failed." in page.inner_text("main")
