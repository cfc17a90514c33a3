"""No CET endpoint or page returns a patient identifier: no name, NHS number or date of birth, whatever
data the national database holds. Every GET under /api/v1/cet/, and every CET and policy page, is
called; a new one must be added here."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import date

import pytest

from ifr_service.policy.jobs import file_cohort_candidates
from tests.builders import OFFICER, Road, apply_to_cdf
from tests.cet.test_import import GOOD, csv_lines, load
from tests.web.browsing import Person

QUERIES = {
    "/api/v1/cet/reports/clock-performance": "from=2015-01-01&to=2030-12-31",
    "/api/v1/cet/reports/trends": "from=2015-01-01&to=2030-12-31",
    "/api/v1/cet/cohorts": "as_of=2026-11-23",
    "/api/v1/cet/equity": "from=2015-01-01&to=2030-12-31",
    "/api/v1/cet/cohort-referrals": "",
    "/api/v1/cet/policy-queue": "",
    "/api/v1/cet/policy-queue/<reference>": "",
    "/api/v1/cet/trends": "from=2015-01-01&to=2030-12-31&by=hub,intervention,outcome,urgency",
    "/api/v1/cet/exports/<int:export_id>": "",
    "/api/v1/cet/exports/<int:export_id>/file": "",
}
PAGES = {
    "/cet": "from=2015-01-01&to=2030-12-31",
    "/cet/trends": "from[day]=1&from[month]=1&from[year]=2015&to=2030-12-31&by=hub&then=intervention",
    "/cet/clock-performance": "from=2015-01-01&to=2030-12-31",
    "/cet/equity": "from=2015-01-01&to=2030-12-31",
    "/cet/cohorts": "as_of[day]=23&as_of[month]=11&as_of[year]=2026",
    "/cet/policy-queue": "",
    "/cet/policy-queue/<reference>": "",
    "/cet/policy-queue/<reference>/actions/<action>": "",
    "/policies": "",
    "/cet/exports/<int:export_id>": "",
    "/cet/exports/<int:export_id>/file": "",  # the file, not a page
}
EXPORTABLE = ["/api/v1/cet/trends", "/api/v1/cet/cohorts", "/api/v1/cet/equity"]  # as CSV and XLSX too
DOWNLOADABLE = ["/cet", "/cet/trends", "/cet/clock-performance", "/cet/equity", "/cet/cohorts"]  # pages too


@pytest.fixture
def national_data(app, client, auth, application, cdf_application) -> tuple[set[str], str]:
    """Live IFRs referred as cohorts, a CDF application and imported history, all with names, NHS
    numbers and dates of birth; and a cohort filed in the policy-development queue. Returns the
    identifiers no CET answer may hold, and the filed item's reference."""
    identifiers = set()
    for number, name in (("9990000018", "Alexandra"), ("9990000034", "Bartholomew")):
        application["patient"].update(nhs_number=number, given_name=name, family_name=f"{name}son")
        road = Road(client, auth, application)
        road.act(OFFICER, "confirm_complete")
        road.screen("screen_cohort", {"cohort_description": "Patients like this one, nationally.",
                                             "reason": "Several similar requests have come."})
        identifiers |= {number, f"{number[:3]} {number[3:6]} {number[6:]}", name, f"{name}son"}
    identifiers.add(application["patient"]["date_of_birth"])
    apply_to_cdf(client, auth, cdf_application)
    identifiers |= {"9990000026", "Sam", cdf_application["patient"]["date_of_birth"]}
    cohort = [{**GOOD, "case_ref": f"OLD-{i}", "commissioner": commissioner, "date_of_birth": "1961-07-30",
               "received_date": "2026-06-01", "decision_date": "2026-06-10"}
              for i, commissioner in enumerate(["NHS Camden CCG"] * 3 + ["NHS Leeds West CCG"] * 2)]
    load(app, csv_lines(*cohort))
    identifiers.add("1961-07-30")
    with app.app_context():
        [item] = file_cohort_candidates(date(2026, 11, 23))["new"]
    return identifiers, item


@pytest.fixture
def export_id(app, client, auth, national_data, run_jobs, monkeypatch) -> int:
    """The trends as CSV, made in the background (every export counts as large here)."""
    runtime = app.extensions["ifr"]
    with monkeypatch.context() as patch:  # only for this request: the other exports are made in theirs
        patch.setattr(runtime, "config", dataclasses.replace(runtime.config, cet_export_inline_max_rows=1))
        queued = client.get(f"/api/v1/cet/trends?{QUERIES['/api/v1/cet/trends']}&format=csv",
                            headers=auth("demo-cet"))
    assert queued.status_code == 202, queued.json
    run_jobs()
    return queued.json["id"]


def test_no_cet_endpoint_returns_a_name_an_nhs_number_or_a_date_of_birth(app, client, auth, national_data,
                                                                         export_id):
    identifiers, item = national_data
    endpoints = sorted({rule.rule for rule in app.url_map.iter_rules()
                        if rule.rule.startswith("/api/v1/cet/") and "GET" in rule.methods})
    assert endpoints == sorted(QUERIES), "a new CET endpoint: add it to QUERIES"
    for endpoint in endpoints:
        url = endpoint.replace("<reference>", item).replace("<int:export_id>", str(export_id))
        response = client.get(f"{url}?{QUERIES[endpoint]}", headers=auth("demo-cet"))
        assert response.status_code == 200, (endpoint, response.json)
        body = response.get_data(as_text=True)
        assert len(body) > 2, endpoint  # something was returned to look through
        leaked = sorted(identifier for identifier in identifiers if identifier in body)
        assert leaked == [], f"{endpoint} returned {leaked}"
    for endpoint in EXPORTABLE:
        for kind in ("csv", "xlsx"):
            exported = client.get(f"{endpoint}?{QUERIES[endpoint]}&format={kind}", headers=auth("demo-cet"))
            assert exported.status_code == 200, (endpoint, kind)
            text = exported.get_data(as_text=True) if kind == "csv" else _cells(exported.data)
            assert len(text.splitlines()) > 1, (endpoint, kind)  # a header and rows to look through
            leaked = sorted(identifier for identifier in identifiers if identifier in text)
            assert leaked == [], f"{endpoint} as {kind} returned {leaked}"


# A page's CSP nonces and CSRF tokens are random letters: one in a few thousand spells "Sam", the
# CDF patient's given name, so they are taken out before the page is searched.
RANDOM_TOKENS = re.compile(r"nonce(?:=|-)[\"']?[\w-]+" r'|name="csrf_token" value="[^"]*"')


def test_no_cet_page_shows_a_name_an_nhs_number_or_a_date_of_birth(app, client, national_data, export_id):
    identifiers, item = national_data
    analyst = Person(client, "demo-cet")
    # The policy package's clinician pages (the "is this an IFR?" check under /cases/new) are not the CET's.
    pages = sorted({rule.rule for rule in app.url_map.iter_rules()
                    if rule.endpoint.startswith(("pages.cet.", "pages.policy.")) and "GET" in rule.methods
                    and not rule.rule.startswith("/cases/")})
    assert pages == sorted(PAGES), "a new CET page: add it to PAGES"
    for page in pages:
        url = page.replace("<reference>", item).replace("<action>", "accept").replace(
            "<int:export_id>", str(export_id))
        body = analyst.open(f"{url}?{PAGES[page]}")
        assert "<main" in body or page.endswith("/file")  # a page (or the file) to look through
        body = RANDOM_TOKENS.sub("", body)
        leaked = sorted(identifier for identifier in identifiers if identifier in body)
        assert leaked == [], f"{page} showed {leaked}"
    for page in DOWNLOADABLE:
        for kind in ("csv", "xlsx"):
            exported = analyst.client.get(f"{page}?{PAGES[page]}&download={kind}")
            text = exported.get_data(as_text=True) if kind == "csv" else _cells(exported.data)
            assert exported.status_code == 200 and len(text.splitlines()) > 1, (page, kind)
            leaked = sorted(identifier for identifier in identifiers if identifier in text)
            assert leaked == [], f"{page} as {kind} held {leaked}"


def _cells(xlsx: bytes) -> str:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx)).active
    return "\n".join(",".join(str(cell.value) for cell in row) for row in sheet.iter_rows())
