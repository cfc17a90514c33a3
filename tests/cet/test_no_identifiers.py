"""No CET endpoint returns a patient identifier: no name, NHS number or date of birth, whatever data
the national database holds. Every GET under /api/v1/cet/ is called; a new one must be added here."""

from __future__ import annotations

import io
from datetime import date

from ifr_service.policy.jobs import file_cohort_candidates
from tests.builders import OFFICER, Road, apply_to_cdf
from tests.cet.test_import import GOOD, csv_lines, load

QUERIES = {
    "/api/v1/cet/reports/clock-performance": "from=2015-01-01&to=2030-12-31",
    "/api/v1/cet/reports/trends": "from=2015-01-01&to=2030-12-31",
    "/api/v1/cet/cohorts": "as_of=2026-11-23",
    "/api/v1/cet/equity": "from=2015-01-01&to=2030-12-31",
    "/api/v1/cet/cohort-referrals": "",
    "/api/v1/cet/policy-queue": "",
    "/api/v1/cet/policy-queue/<reference>": "",
    "/api/v1/cet/trends": "from=2015-01-01&to=2030-12-31&by=hub,intervention,outcome,urgency",
}
EXPORTABLE = ["/api/v1/cet/trends", "/api/v1/cet/cohorts", "/api/v1/cet/equity"]  # as CSV and XLSX too


def test_no_cet_endpoint_returns_a_name_an_nhs_number_or_a_date_of_birth(
        app, client, auth, application, cdf_application):
    identifiers = set()
    for number, name in (("9990000018", "Alexandra"), ("9990000034", "Bartholomew")):
        application["patient"].update(nhs_number=number, given_name=name, family_name=f"{name}son")
        road = Road(client, auth, application)
        road.act(OFFICER, "confirm_complete")
        road.act(OFFICER, "screen_cohort", {"cohort_description": "Patients like this one, nationally.",
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

    endpoints = sorted({rule.rule for rule in app.url_map.iter_rules()
                        if rule.rule.startswith("/api/v1/cet/") and "GET" in rule.methods})
    assert endpoints == sorted(QUERIES), "a new CET endpoint: add it to QUERIES"
    for endpoint in endpoints:
        url = endpoint.replace("<reference>", item)
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


def _cells(xlsx: bytes) -> str:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx)).active
    return "\n".join(",".join(str(cell.value) for cell in row) for row in sheet.iter_rows())
