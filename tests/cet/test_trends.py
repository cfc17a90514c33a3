"""The CET's monthly trends count both routes: IFR requests and outcomes, and the CDF's figures."""

from __future__ import annotations

from ifr_service.clock import today_in_england
from ifr_service.demo import test_range_nhs_numbers as nhs_numbers
from tests.builders import Road, apply_to_cdf

WIDE = "from=2026-01-01&to=2030-12-31"


def test_trends_hold_the_cdfs_applications_approvals_and_treatment_beside_ifrs(
        client, auth, application, cdf_application):
    Road(client, auth, application)
    approved = apply_to_cdf(client, auth, cdf_application)
    client.post(f"/api/v1/cases/{approved['reference']}/actions/record_start",
                json={"date": "2026-11-23"}, headers=auth("demo-clinician"))
    refused = {**cdf_application, "patient": {**cdf_application["patient"], "nhs_number": nhs_numbers(5)[4]},
               "criteria": {**cdf_application["criteria"], "data_collection": False}}
    apply_to_cdf(client, auth, refused)

    response = client.get(f"/api/v1/cet/reports/trends?{WIDE}", headers=auth("demo-cet"))
    assert response.status_code == 200
    month = f"{today_in_england():%Y-%m}"  # events are stamped when they happen
    counts = {(row["route"], row["measure"]): row["count"] for row in response.json
              if (row["month"], row["region"]) == (month, "london")}
    assert counts == {("ifr", "requests"): 1, ("cdf", "applications"): 2, ("cdf", "approved"): 1,
                      ("cdf", "not_approved"): 1, ("cdf", "treatment_started"): 1}

    only_cdf = client.get(f"/api/v1/cet/reports/trends?{WIDE}&route=cdf", headers=auth("demo-cet")).json
    assert {row["route"] for row in only_cdf} == {"cdf"}


def test_trends_are_for_the_cet_and_ask_for_a_known_route(client, auth):
    assert client.get(f"/api/v1/cet/reports/trends?{WIDE}", headers=auth("demo-clinician")).status_code == 403
    bad = client.get(f"/api/v1/cet/reports/trends?{WIDE}&route=dental", headers=auth("demo-cet"))
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "route"
