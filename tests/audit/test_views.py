"""The audit log's page: the auditor's search by case, person, organisation, action and period (dates
in the design system's date input), its rows in words, and its download, itself audited."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date, datetime
from urllib.parse import urlencode

import pytest

from ifr_service.audit import views
from ifr_service.clock import ENGLAND
from tests.builders import CLINICIAN, OFFICER, Road
from tests.web.browsing import Person

AUDITOR = "demo-auditor"
FULLWIDTH_THREE = "\uff13"
ROW = re.compile(r'<tr role="row" class="nhsuk-table__row">(.*?)</tr>', re.S)
CELLS = {name: re.compile(rf'<span class="[^"]*app-audit-{name}[^"]*">(.*?)</span>', re.S)
         for name in ("username", "case", "done")}
BLANK = {"case": "", "user": "", "organisation": "", "action": "", "from[day]": "", "from[month]": "",
         "from[year]": "", "to[day]": "", "to[month]": "", "to[year]": ""}


def address(**filters) -> str:
    """The form as a browser sends it: every box, the blank ones empty."""
    return "/audit?" + urlencode({**BLANK, **filters})


def table(page: str) -> list[dict]:
    """The results table's rows: username, case and what was done, as shown."""
    body = page.partition('<tbody class="nhsuk-table__body">')[2]
    return [{name: html.unescape(pattern.search(row)[1]).strip() if pattern.search(row) else ""
             for name, pattern in CELLS.items()} for row in ROW.findall(body)]


def day_boxes(name: str, day: date) -> dict:
    return {f"{name}[day]": str(day.day), f"{name}[month]": str(day.month), f"{name}[year]": str(day.year)}


@pytest.fixture
def read_and_refused(client, auth, application) -> Road:
    """A case its officer viewed, and another trust's clinician asked for."""
    road = Road(client, auth, application)
    Person(client, OFFICER).open(f"/cases/{road.reference}")
    client.get(f"/api/v1/cases/{road.reference}", headers=auth("demo-clinician-2"))
    return road


def test_the_auditor_lands_on_the_audit_log_and_reads_who_did_what_in_words(client, read_and_refused):
    auditor = Person(client, AUDITOR)
    assert "Search the audit log" in auditor.open("/audit")

    rows = table(auditor.open(address(case=read_and_refused.reference)))

    # Newest first; earlier tests' rows for the same reference (which starts again in each test) after.
    assert rows[:4] == [
        {"username": "demo-clinician-2", "case": read_and_refused.reference,
         "done": "Refused: read the case through the API"},
        {"username": OFFICER, "case": read_and_refused.reference, "done": "Viewed the case page"},
        {"username": "demo-trust-approver", "case": read_and_refused.reference,
         "done": "Took the action through the API: Approve for the trust and send to NHS England"},
        {"username": CLINICIAN, "case": rows[3]["case"],  # sent to the trust as a draft
         "done": "Started an application through the API"}]
    assert rows[3]["case"].startswith("DRAFT-")
    page = auditor.open(address(case=read_and_refused.reference))
    assert "pages.cases.show_case: GET /cases/" in page  # the endpoint stays, as secondary text
    assert "Nothing in the audit log matches." in auditor.open(address(user="nobody-at-all"))


def test_the_auditors_home_is_the_audit_log(client):
    response = Person(client).sign_in(AUDITOR)
    assert response.headers["Location"].endswith("/audit")


def test_a_person_is_found_by_username_or_by_name(client, read_and_refused):
    auditor = Person(client, AUDITOR)
    case = read_and_refused.reference

    for person in (OFFICER, "Sam Patel", "sam patel", "DEMO-OFFICER"):
        rows = table(auditor.open(address(case=case, user=person)))
        assert rows and {row["username"] for row in rows} == {OFFICER}, person


def test_an_organisation_and_an_action_narrow_the_search(client, read_and_refused):
    auditor = Person(client, AUDITOR)
    case = read_and_refused.reference

    trust = table(auditor.open(address(case=case, organisation="trust:RRV")))
    hub = table(auditor.open(address(case=case, organisation="hub:london")))
    refused = table(auditor.open(address(case=case, action="denied")))

    # (Earlier tests' rows for the same reference may add other people of the same organisation.)
    at_trust, at_hub = {row["username"] for row in trust}, {row["username"] for row in hub}
    assert CLINICIAN in at_trust and OFFICER not in at_trust
    assert OFFICER in at_hub and CLINICIAN not in at_hub
    assert refused[0]["username"] == "demo-clinician-2"
    assert all(row["done"].startswith("Refused: ") for row in refused)
    page = auditor.open(address(case=case))
    assert re.search(r'<option value="hub:london"\s*>London hub</option>', page)
    assert "University College London Hospitals NHS Foundation Trust (RRV)" in page


def test_a_period_is_typed_as_day_month_and_year(client, read_and_refused):
    auditor = Person(client, AUDITOR)
    case = read_and_refused.reference
    today = datetime.now(ENGLAND).date()  # the rows were written just now, in England's day

    within = table(auditor.open(address(case=case, **day_boxes("from", today), **day_boxes("to", today))))
    before = table(auditor.open(address(case=case, **day_boxes("to", date(2001, 1, 1)))))

    assert within[0]["done"] == "Refused: read the case through the API"
    assert before == []
    # A link that carries ISO dates still works, and its dates show in the boxes.
    page = auditor.open(f"/audit?case={case}&from={today.isoformat()}")
    assert table(page)[0] == within[0]
    assert re.search(rf'id="from-year"[^>]*value="{today.year}"', page)


@pytest.mark.parametrize(("filters", "field", "message"), [
    ({}, "case", "Give something to search by"),
    ({"user": OFFICER, "from[day]": "3", "from[year]": "2026"}, "from", "must include a month"),
    ({"user": OFFICER, **day_boxes("from", date(2026, 11, 30)), **day_boxes("to", date(2026, 11, 1))},
     "from", "no later than the 'to' date"),
    ({"user": OFFICER, "from[day]": FULLWIDTH_THREE, "from[month]": "11", "from[year]": "2026"}, "from",
     "like 3 11 2026"),
    ({"user": OFFICER, "to[day]": "31", "to[month]": "2", "to[year]": "2026"}, "to", "must be a real date"),
    ({"user": OFFICER, "organisation": "somewhere"}, "organisation", "Give an organisation as"),
    ({"user": OFFICER, "action": "peeked"}, "action", "Give an action as"),
])
def test_a_bad_search_shows_the_form_again_naming_the_field(client, filters, field, message):
    page = Person(client, AUDITOR).open(address(**filters), expect=422)

    assert "There is a problem" in page and message in html.unescape(page)
    assert f'href="#{field}-day"' in page if field in ("from", "to") else f'href="#field-{field}"' in page
    if filters.get("user"):
        assert f'value="{filters["user"]}"' in page  # what was typed stays


def test_the_download_holds_exactly_the_searchs_rows_and_is_itself_audited(client, audit_log,
                                                                           read_and_refused):
    auditor = Person(client, AUDITOR)
    search = address(case=read_and_refused.reference)
    page = auditor.open(search)

    response = client.get(search + "&download=csv")

    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    total = int(re.search(r"(\d+) events?</caption>", page)[1])
    assert len(rows) == total
    assert [{"username": row["Username"], "case": row["Case"], "done": row["What was done"]}
            for row in rows[:25]] == table(page)
    assert rows[1]["Endpoint"] == "pages.cases.show_case" and rows[1]["Action"] == "Read"
    export = audit_log.one(action="export")
    assert (export["username"], export["subject"]) == (AUDITOR, "export:audit-log")
    assert export["case_reference"] is None
    assert client.get(search + "&download=xlsx").mimetype.endswith("spreadsheetml.sheet")
    assert 'download>Download<span class="nhsuk-u-visually-hidden">' in page


def test_a_search_matching_more_rows_than_a_download_holds_is_refused_in_words(client, audit_log, monkeypatch,
                                                                               read_and_refused):
    monkeypatch.setattr(views, "EXPORT_LIMIT", 2)
    auditor = Person(client, AUDITOR)

    page = auditor.open(address(case=read_and_refused.reference) + "&download=csv", expect=422)

    assert "a download holds at most 2" in page and 'href="#field-download"' in page
    assert audit_log.rows(action="export") == []


def test_the_search_page_records_no_read_of_a_case(client, audit_log, read_and_refused):
    before = len(audit_log.rows())
    Person(client, AUDITOR).open(address(case=read_and_refused.reference))
    assert [row for row in audit_log.rows()[before:] if row["username"] == AUDITOR] == []


def test_nobody_else_may_open_the_audit_log(client):
    for who in (CLINICIAN, OFFICER, "demo-admin"):
        Person(client, who).open("/audit?user=demo-clinician", expect=403)
