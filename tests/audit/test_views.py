"""The audit log's page: the auditor's search form and its results."""

from __future__ import annotations

import re

from tests.builders import CLINICIAN, OFFICER, Road
from tests.web.browsing import Person

AUDITOR = "demo-auditor"
ROW = re.compile(r"<tr class=\"nhsuk-table__row\"[^>]*>(.*?)</tr>", re.S)


def test_the_auditor_lands_on_the_audit_log_and_finds_who_read_a_case(client, auth, application, audit_log):
    road = Road(client, auth, application)
    Person(client, OFFICER).open(f"/cases/{road.reference}")
    auditor = Person(client, AUDITOR)

    assert "Search the audit log" in auditor.open("/audit")
    page = auditor.open(f"/audit?case={road.reference}&user=&from=&to=")  # the form's empty boxes

    # Newest first: the officer's read, then the case's creation (earlier tests' rows for the same
    # reference, which starts again in each test, come after).
    newest, before = ROW.findall(page.partition('<tbody class="nhsuk-table__body">')[2])[:2]
    for text in ("demo-officer", "Read", "pages.cases.show_case", "127.0.0.1", "200"):
        assert text in newest
    for text in ("demo-clinician", "Change", "api.cases.create_case", "201"):
        assert text in before
    assert auditor.open("/audit?user=nobody-at-all").count("Nothing in the audit log matches.") == 1


def test_the_auditors_home_is_the_audit_log(client):
    response = Person(client).sign_in(AUDITOR)
    assert response.headers["Location"].endswith("/audit")


def test_a_bad_search_shows_the_form_again_naming_the_field(client):
    page = Person(client, AUDITOR).open("/audit?user=demo-officer&from=last+week", expect=422)

    assert "There is a problem" in page and 'href="#field-from"' in page
    assert 'value="demo-officer"' in page


def test_nobody_else_may_open_the_audit_log(client):
    for who in (CLINICIAN, OFFICER, "demo-admin"):
        Person(client, who).open("/audit?user=demo-clinician", expect=403)
