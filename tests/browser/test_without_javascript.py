"""Every page works without JavaScript: the design system's scripts only add to it."""

from __future__ import annotations

import re

from tests.browser.conftest import refuse_other_hosts
from tests.browser.people import pass_the_policy_check, sign_in


def test_a_clinician_starts_and_saves_an_application_with_javascript_switched_off(browser, live_url):
    context = browser.new_context(base_url=live_url, java_script_enabled=False)
    elsewhere = refuse_other_hosts(context, live_url)
    page = context.new_page()
    sign_in(page, "Dr Priya Shah")
    page.goto("/cases/new")
    page.get_by_role("button", name="Start now").click()
    pass_the_policy_check(page)
    page.get_by_role("link", name="The patient").click()
    page.get_by_label("Given name").fill("Alex")
    page.get_by_label("Female", exact=True).check()
    page.get_by_role("button", name="Save and come back later").click()
    assert re.search(r"/cases/DRAFT-[A-Z0-9]+/application$", page.url)
    assert "In progress" in page.inner_text("main")
    page.get_by_role("link", name="The patient").click()
    assert page.get_by_label("Given name").input_value() == "Alex"
    context.close()
    assert elsewhere == []
