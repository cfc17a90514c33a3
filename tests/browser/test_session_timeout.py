"""Time-outs as the NHS service manual asks, in Chromium, with limits of seconds instead of minutes: the
warning comes before the time-out and takes the focus, "Stay signed in" keeps the sign-in, ignoring it
signs out; without JavaScript, what was typed and sent after the limit is back after signing in, and
never for anyone else. The warning and the accessibility statement pass axe-core at every impact level
and fit a phone."""

from __future__ import annotations

import re
import time
from contextlib import contextmanager
from dataclasses import replace

import pytest

from tests.browser.conftest import refuse_other_hosts
from tests.browser.people import (
    all_violations,
    assert_no_sideways_scroll,
    pass_the_policy_check,
    sign_in,
    tab_to,
)

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1200, "height": 900}
DIALOG = "#session-timeout"


@contextmanager
def limits(app, idle_seconds: int, warning_seconds: int):
    config = app.config["IFR"]
    app.config["IFR"] = replace(config, session_idle_seconds=idle_seconds,
                                session_warning_seconds=warning_seconds)
    try:
        yield
    finally:
        app.config["IFR"] = config


# Each test waits out its limits in real time, so each has the shortest that leaves a busy machine time
# for what happens in between.
@pytest.fixture
def warned_after_six_seconds(app):
    """A sign-in ends after 26 seconds without use; the warning comes 20 seconds before, 6 seconds after
    the last page (time to move the focus first), and stays up long enough for axe to check the dialog
    on a busy machine before the person presses "Stay signed in"."""
    with limits(app, 26, 20):
        yield


@pytest.fixture
def sixteen_seconds(app):
    """A sign-in ends after 16 seconds without use, the warning 8 seconds before: time for axe to check
    the pages read once signed in again, before the warning comes back."""
    with limits(app, 16, 8):
        yield


@pytest.fixture
def six_seconds(app):
    """Without JavaScript there is no warning: the sign-in just ends, 6 seconds after the last page."""
    with limits(app, 6, 1):
        yield


def status(page) -> dict:
    return page.evaluate("() => fetch('/session/status', {headers: {Accept: 'application/json'}})"
                         ".then(response => response.json())")


def passes_axe_and_fits_a_phone(page) -> None:
    assert all_violations(page) == []
    page.set_viewport_size(PHONE)
    assert_no_sideways_scroll(page)
    page.set_viewport_size(DESKTOP)


def focus_is_in_the_dialog(page) -> bool:
    return page.evaluate("s => document.querySelector(s).contains(document.activeElement)", DIALOG)


def test_the_warning_comes_before_the_time_out_and_staying_signed_in_keeps_the_sign_in(
        warned_after_six_seconds, page):
    sign_in(page, "Sam Patel")
    page.goto("/accessibility")  # a signed-in page that fits a phone
    loaded = time.monotonic()
    tab_to(page, 'footer a[href="/accessibility"]')
    dialog = page.get_by_role("alertdialog", name="You're about to be signed out")
    assert not dialog.is_visible()

    dialog.wait_for(state="visible", timeout=20_000)
    assert time.monotonic() - loaded < 26 and status(page)["signed_in"] is True
    assert focus_is_in_the_dialog(page)
    assert re.search(r"sign you out in \d+ seconds", dialog.inner_text())
    passes_axe_and_fits_a_phone(page)  # the dialog, open over the page

    tab_to(page, f"{DIALOG} .ifr-timeout__stay button")
    page.keyboard.press("Enter")
    dialog.wait_for(state="hidden")
    assert page.evaluate("() => document.activeElement.matches('footer a[href=\"/accessibility\"]')")
    assert status(page)["seconds_left"] >= 21  # kept going: the 26 seconds start again
    assert page.url.endswith("/accessibility")

    dialog.wait_for(state="visible", timeout=20_000)  # and again: Escape carries on too
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert status(page)["seconds_left"] >= 21


def test_ignoring_the_warning_signs_out_and_keeps_what_was_typed(sixteen_seconds, page):
    sign_in(page, "Dr Priya Shah")
    page.goto("/cases/new")
    page.get_by_role("button", name="Start now").click()
    pass_the_policy_check(page)
    page.get_by_role("link", name="The patient").click()
    section = page.url
    page.get_by_label("Given name").fill("Alex")
    dialog = page.get_by_role("alertdialog", name="You're about to be signed out")
    dialog.wait_for(state="visible", timeout=20_000)
    page.wait_for_url("**/signed-out", timeout=20_000)
    assert page.get_by_role("heading", level=1).inner_text() == "You have been signed out"
    assert "We kept the answers you sent" in page.inner_text("main")  # the typed form, sent at the end
    passes_axe_and_fits_a_phone(page)
    assert status(page) == {"signed_in": False, "seconds_left": 0, "warning_seconds": 8}
    page.goto(section)
    assert page.url != section  # off to sign in again: the sign-in has ended

    sign_in(page, "Dr Priya Shah")
    assert page.url.endswith("/saved-answers")
    page.locator("summary", has_text="The answers we kept").click()
    assert "Alex" in page.inner_text("main")
    passes_axe_and_fits_a_phone(page)
    page.get_by_role("button", name="Send my answers").click()
    page.goto(section)
    assert page.get_by_label("Given name").input_value() == "Alex"


def without_javascript(browser, live_url):
    context = browser.new_context(base_url=live_url, java_script_enabled=False)
    return context, refuse_other_hosts(context, live_url), context.new_page()


def type_a_name_then_go_idle(page) -> str:
    sign_in(page, "Dr Priya Shah")
    page.goto("/cases/new")
    page.get_by_role("button", name="Start now").click()
    pass_the_policy_check(page)
    application = page.url
    page.get_by_role("link", name="The patient").click()
    page.get_by_label("Given name").fill("Alex")
    time.sleep(7)  # the sign-in ends while the person is typing
    page.get_by_role("button", name="Save and come back later").click()
    assert page.url.endswith("/signed-out")
    assert "We kept the answers you sent" in page.inner_text("main")
    return application


def test_without_javascript_what_was_sent_after_the_time_out_is_back_after_signing_in(
        six_seconds, browser, live_url):
    context, elsewhere, page = without_javascript(browser, live_url)
    application = type_a_name_then_go_idle(page)

    sign_in(page, "Dr Priya Shah")
    assert page.url.endswith("/saved-answers")
    page.get_by_role("button", name="Send my answers").click()
    assert page.url == application and "In progress" in page.inner_text("main")
    page.get_by_role("link", name="The patient").click()
    assert page.get_by_label("Given name").input_value() == "Alex"
    context.close()
    assert elsewhere == []


def test_another_person_signing_in_on_the_same_browser_does_not_get_what_was_kept(
        six_seconds, browser, live_url):
    context, elsewhere, page = without_javascript(browser, live_url)
    type_a_name_then_go_idle(page)

    sign_in(page, "Sam Patel")
    assert page.url.endswith("/queue")
    page.goto("/saved-answers")
    assert "There are no answers kept for you" in page.inner_text("main")
    assert "Alex" not in page.content()
    sign_in(page, "Dr Priya Shah")  # and its owner, back later, finds it gone: deleted, not handed on
    assert page.url.endswith("/cases")
    context.close()
    assert elsewhere == []


def test_the_accessibility_statement_passes_axe_and_fits_a_phone(page):
    page.goto("/")
    page.get_by_role("link", name="Accessibility statement").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Accessibility statement")
    assert all_violations(page) == []
    page.set_viewport_size(PHONE)
    assert_no_sideways_scroll(page)
