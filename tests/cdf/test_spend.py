"""The fund's committed and forecast spend in a financial year, against its annual budget."""

from __future__ import annotations

import dataclasses

import pytest

from ifr_service.demo import test_range_nhs_numbers as nhs_numbers
from tests.builders import CDF_ADMIN, apply_to_cdf, cdf_application_for, record_treatment

PATIENTS = nhs_numbers(6)[3:]


@pytest.fixture
def budget(app):
    """Set the fund's annual budget in pounds for one test."""
    runtime = app.extensions["ifr"]
    real = runtime.config

    def set_budget(pounds: int) -> None:
        runtime.config = dataclasses.replace(real, cdf_annual_budget_pence=pounds * 100)

    yield set_budget
    runtime.config = real


@pytest.fixture
def year_so_far(client, auth, cdf_application):
    """On 23 November 2026, 237 days into 2026/27: an atezolizumab approval in force
    (£64,730.73 expected), a sotorasib approval stopped after its first month (£6,907.35 given
    of £48,351.45 expected), an application not approved, and a pembrolizumab approval that is
    routinely commissioned now (£94,680.00, not the fund's)."""
    apply_to_cdf(client, auth, cdf_application)
    sotorasib = cdf_application_for(client, auth, cdf_application, "sotorasib-nsclc-kras-g12c", PATIENTS[0])
    stopped = apply_to_cdf(client, auth, sotorasib)
    record_treatment(client, auth, stopped["reference"], "record_start", {"date": "2026-11-23"})
    record_treatment(client, auth, stopped["reference"], "record_stop",
                     {"date": "2026-11-23", "reason": "toxicity"})
    refused = {**cdf_application, "patient": {**cdf_application["patient"], "nhs_number": PATIENTS[1]},
               "criteria": {**cdf_application["criteria"], "performance_status": False}}
    assert apply_to_cdf(client, auth, refused)["state"] == "not_approved"
    apply_to_cdf(client, auth, cdf_application_for(
        client, auth, cdf_application, "pembrolizumab-nsclc-untreated-pdl1", PATIENTS[2]))


def spend(client, auth, query: str = "") -> dict:
    response = client.get(f"/api/v1/cdf/spend{query}", headers=auth(CDF_ADMIN))
    assert response.status_code == 200, response.json
    return response.json


def test_committed_spend_counts_approvals_in_force_and_treatment_given(client, auth, year_so_far):
    report = spend(client, auth)

    assert (report["financial_year"], report["as_of"]) == ("2026/27", "2026-11-23")
    assert report["national"]["approvals"] == 2
    assert report["national"]["committed_gbp"] == "71638.08"  # 64,730.73 + 6,907.35
    # New approvals at this year's rate (£113,082.18 over 237 days) for the 128 days left.
    assert report["national"]["forecast_gbp"] == "132712.00"
    assert report["routinely_commissioned_gbp"] == "94680.00"
    assert report["budget_gbp"] == "340000000.00"
    assert (report["forecast_exceeds_budget"], report["budget_reached_on"]) == (False, None)
    [london] = report["regions"]
    assert (london["region"]["code"], london["share_of_forecast_percent"]) == ("london", 100.0)


def test_the_report_shows_when_the_forecast_passes_the_budget(client, auth, year_so_far, budget):
    budget(100_000)
    report = spend(client, auth)
    assert report["forecast_exceeds_budget"] is True
    assert report["budget_reached_on"] == "2027-01-22"  # £28,361.92 to go at £477.14 a day

    budget(50_000)
    assert spend(client, auth)["budget_reached_on"] == "2026-11-23"  # already committed past it

    budget(200_000)
    report = spend(client, auth)
    assert (report["forecast_exceeds_budget"], report["budget_reached_on"]) == (False, None)


def test_another_financial_year_has_its_own_figures(client, auth, year_so_far):
    earlier = spend(client, auth, "?financial_year=2025")
    assert (earlier["financial_year"], earlier["national"]["approvals"]) == ("2025/26", 0)
    assert earlier["as_of"] == "2026-03-31"
    bad = client.get("/api/v1/cdf/spend?financial_year=1999", headers=auth(CDF_ADMIN))
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "financial_year"
    assert client.get("/api/v1/cdf/spend", headers=auth("demo-clinician")).status_code == 403


def test_the_months_forecasts_add_up_to_the_years_and_each_month_commits_what_was_decided_in_it(
        app, year_so_far):
    from datetime import date

    from ifr_service import db
    from ifr_service.cdf.spend import spend_detail
    from ifr_service.reference.queries import find_region

    with app.app_context(), db.unit_of_work(app.extensions["ifr"].engine):
        detail = spend_detail(2026, date(2026, 11, 23), 340_000_000_00)
        london = spend_detail(2026, date(2026, 11, 23), 340_000_000_00, region_id=find_region("london").id)
        north = spend_detail(2026, date(2026, 11, 23), 1, region_id=-1)
    months = {row.month: row for row in detail.months}
    assert len(detail.months) == 12 and detail.months[0].month == date(2026, 4, 1)
    assert months[date(2026, 11, 1)].committed_pence == 71_638_08 and months[date(2026, 11, 1)].approvals == 2
    assert months[date(2026, 10, 1)].forecast_pence == 0  # nothing decided, and no day of it to come
    assert months[date(2026, 12, 1)].cumulative_committed_pence is None  # not begun
    assert detail.months[-1].cumulative_forecast_pence == detail.total.forecast_pence == 132_712_00
    assert sum(row.forecast_pence for row in detail.months) == detail.total.forecast_pence
    assert sorted(detail.entries) == ["atezolizumab-urothelial-after-platinum", "sotorasib-nsclc-kras-g12c"]
    by_entry = sum(line.forecast_pence for line in detail.entries.values())
    assert abs(by_entry - detail.total.forecast_pence) <= len(detail.entries)  # a penny each, at most
    assert detail.routinely_commissioned_pence == 94_680_00
    assert london.total == detail.total  # every approval here is London's
    assert north.total.approvals == 0 and north.months[-1].cumulative_forecast_pence == 0
