"""The world the example invoice schedule (docs/examples/invoice-schedule.csv) is checked in: the demo
loaded on DEMO_DAY, two approvals more the day after (a time-limited IFR approval, and a CDF approval
at Guy's and St Thomas'), and the service's calendar on CHECK_DAY (docs/invoice-format.md#the-example)."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta

import pytest

from ifr_service.demo import load_demo_data
from tests.builders import CDF_DIAGNOSES, DECISION, Road
from tests.conftest import CDF_EXAMPLE

DEMO_DAY = date(2026, 11, 2)
CHECK_DAY = date(2027, 7, 15)
EXAMPLE = "docs/examples/invoice-schedule.csv"
TIME_LIMITED_UNTIL = "2027-03-31"
GUYS = {"provider_trust": "Guy's and St Thomas' NHS Foundation Trust", "provider_ods_code": "RJ1"}


@pytest.fixture
def invoice_world(app, client, auth, in_db, run_jobs, calendar, application) -> dict:
    calendar.set(DEMO_DAY)
    in_db(load_demo_data)
    run_jobs()
    calendar.set(DEMO_DAY + timedelta(days=1))
    application["patient"]["nhs_number"] = "9990000344"
    road = Road(client, auth, application)
    road.to_panel()
    road.act("demo-panel-chair", "approve", {**DECISION, "funded_until": TIME_LIMITED_UNTIL})
    _apply_to_cdf_at_guys(client, auth, "9990000352")
    run_jobs()
    calendar.set(CHECK_DAY)
    return {"time_limited": road.reference}


def _apply_to_cdf_at_guys(client, auth, nhs_number: str) -> None:
    """Dr Okafor of Guy's and St Thomas' applies for pembrolizumab; the CDF approves it at once."""
    entry_key = "pembrolizumab-nsclc-untreated-pdl1"
    entries = client.get("/api/v1/cdf/entries", headers=auth("demo-clinician-2")).json
    entry = next(entry for entry in entries if entry["key"] == entry_key)
    body = copy.deepcopy(json.loads(CDF_EXAMPLE.read_text()))
    body.update(entry=entry_key, criteria={criterion["key"]: True for criterion in entry["criteria"]})
    body["patient"]["nhs_number"] = nhs_number
    body["clinician"].update(name="Dr Tom Okafor", **GUYS)
    body["diagnosis"]["icd10_code"] = CDF_DIAGNOSES[entry_key]
    today = client.application.extensions["ifr"].today()
    body["treatment"] = {"planned_start_date": (today + timedelta(days=7)).isoformat(),
                         **{field["field"]: field["options"][0] for field in entry["treatment_fields"]
                            if field.get("options")}}
    response = client.post("/api/v1/cases", json=body, headers=auth("demo-clinician-2"))
    assert response.status_code == 201, response.json
