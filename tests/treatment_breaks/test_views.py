"""The case page shows when treatment is next due and the breaks recorded, and offers the break
actions only to whom they belong."""

from __future__ import annotations

from datetime import date

from tests.builders import CDF_ADMIN, CLINICIAN, apply_to_cdf, cdf_application_for, record_treatment
from tests.web.browsing import Person

REQUEST = {"kind": "unplanned", "starts_on": "2026-12-21", "expected_restart_on": "2027-03-01",
           "reason": "toxicity", "criteria": {"no_progression": True, "same_treatment": True,
                                              "fit_to_restart": True}}


def test_the_case_page_shows_the_next_cycle_due_and_a_break_request_for_the_cdf_team(
        client, auth, cdf_application, calendar):
    case = apply_to_cdf(client, auth, cdf_application_for(client, auth, cdf_application,
                                                          "sotorasib-nsclc-kras-g12c"))
    reference = case["reference"]
    record_treatment(client, auth, reference, "record_start", {"date": "2026-11-23"})
    calendar.set(date(2026, 12, 28))
    response = client.post(f"/api/v1/cases/{reference}/actions/request_treatment_break", json=REQUEST,
                           headers=auth(CLINICIAN))
    assert response.status_code == 200, response.json

    page = Person(client, CLINICIAN).open(f"/cases/{reference}")
    assert "Treatment and breaks" in page
    assert "21 December 2026" in page and "1 February 2027" in page  # next due; the last day with no form
    assert "6 weeks beyond the end of the last cycle" in page and "Pending" in page
    assert "approve_treatment_break" not in page  # the clinician does not decide their own request

    team_page = Person(client, CDF_ADMIN).open(f"/cases/{reference}")
    assert f"/cases/{reference}/actions/approve_treatment_break" in team_page
    assert f"/cases/{reference}/actions/refuse_treatment_break" in team_page
    form = Person(client, CDF_ADMIN).open(f"/cases/{reference}/actions/approve_treatment_break")
    assert 'name="reasons"' in form
