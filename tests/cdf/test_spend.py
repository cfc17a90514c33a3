"""The fund's spend in a financial year, each approval's cost in the months its treatment runs,
against its annual budget. Every figure is worked by hand in the fixture's story."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest

from ifr_service.demo import test_range_nhs_numbers as nhs_numbers
from tests.builders import CDF_ADMIN, apply_to_cdf, cdf_application_for, record_treatment

PATIENTS = nhs_numbers(8)[3:]
ATEZOLIZUMAB = "atezolizumab-urothelial-after-platinum"  # £3,807.69 a 21-day cycle, 17 cycles
SOTORASIB = "sotorasib-nsclc-kras-g12c"  # £6,907.35 a month, 7 months
OLAPARIB = "olaparib-ovarian-brca-maintenance"  # £4,635.00 a month, 14 months
PEMBROLIZUMAB = "pembrolizumab-nsclc-untreated-pdl1"  # routinely commissioned from April 2026


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
def treated(client, auth, cdf_application, calendar):
    """Apply on a day (the calendar moves to it) and record treatment on later days, in order."""

    def approve(day: date, entry: str, patient: str) -> str:
        calendar.set(day)
        body = cdf_application_for(client, auth, cdf_application, entry, patient)
        body["treatment"]["planned_start_date"] = (day + timedelta(days=1)).isoformat()
        return apply_to_cdf(client, auth, body)["reference"]

    def treat(day: date, reference: str, action: str, **payload) -> None:
        calendar.set(day)
        record_treatment(client, auth, reference, action, {"date": day.isoformat(), **payload})

    return approve, treat


@pytest.fixture
def year_so_far(client, auth, cdf_application, calendar, treated):
    """To 23 November 2026, in 2026/27:
    A. atezolizumab approved 10 March 2026, cycles on 10 and 31 March (2025/26's), 21 April and
       12 May, stopped 2 June (toxicity): 2026/27 counts April's and May's cycles only, £3,807.69 each.
    B. sotorasib approved and started 1 September, treated 29 September and 27 October: September and
       October given (2 x £6,907.35 = £13,814.70); in force, its other 5 months are forecast from a
       month after the last treatment: 27 November, then 1 December, January, February and March.
    C. atezolizumab approved and started 2 November, a cycle on 23 November (£7,615.38 given); 15
       cycles to go, every 21 days from the last: 14 December, 4 and 25 January, 15 February, 8 and
       29 March in the year (6 x £3,807.69 = £22,846.14), the rest in 2027/28.
    F. olaparib approved 23 November, not started: 5 months forecast from tomorrow (24 November,
       then December to March), 5 x £4,635.00 = £23,175.00.
    Committed £29,045.46; forecast 7,615.38 + 48,351.45 + 30,461.52 + 23,175.00 = £109,603.35.
    Besides: an application not approved, and pembrolizumab, routinely commissioned now, started on
    23 November (£5,260.00, not the fund's)."""
    approve, treat = treated
    first = approve(date(2026, 3, 10), ATEZOLIZUMAB, PATIENTS[0])
    treat(date(2026, 3, 10), first, "record_start")
    for day in (date(2026, 3, 31), date(2026, 4, 21), date(2026, 5, 12)):
        treat(day, first, "record_continuation")
    treat(date(2026, 6, 2), first, "record_stop", reason="toxicity")
    sotorasib = approve(date(2026, 9, 1), SOTORASIB, PATIENTS[1])
    treat(date(2026, 9, 1), sotorasib, "record_start")
    for day in (date(2026, 9, 29), date(2026, 10, 27)):
        treat(day, sotorasib, "record_continuation")
    second = approve(date(2026, 11, 2), ATEZOLIZUMAB, PATIENTS[2])
    treat(date(2026, 11, 2), second, "record_start")
    treat(date(2026, 11, 23), second, "record_continuation")
    approve(date(2026, 11, 23), OLAPARIB, PATIENTS[3])
    routine = approve(date(2026, 11, 23), PEMBROLIZUMAB, PATIENTS[4])
    treat(date(2026, 11, 23), routine, "record_start")
    refused = {**cdf_application, "patient": {**cdf_application["patient"], "nhs_number": PATIENTS[4]},
               "criteria": {**cdf_application["criteria"], "performance_status": False}}
    refused["treatment"]["planned_start_date"] = "2026-11-24"
    assert apply_to_cdf(client, auth, refused)["state"] == "not_approved"


def spend(client, auth, query: str = "") -> dict:
    response = client.get(f"/api/v1/cdf/spend{query}", headers=auth(CDF_ADMIN))
    assert response.status_code == 200, response.json
    return response.json


def test_spend_counts_each_cycle_and_month_given_and_forecasts_what_approvals_in_force_still_expect(
        client, auth, year_so_far):
    report = spend(client, auth)

    assert (report["financial_year"], report["as_of"]) == ("2026/27", "2026-11-23")
    assert report["national"] == {"approvals": 4, "committed_gbp": "29045.46", "forecast_gbp": "109603.35",
                                  "priced_at": "list"}
    assert report["routinely_commissioned_gbp"] == "5260.00"
    assert report["budget_gbp"] == "340000000.00"
    assert (report["forecast_exceeds_budget"], report["budget_reached_on"]) == (False, None)
    [london] = report["regions"]
    assert (london["region"]["code"], london["share_of_forecast_percent"]) == ("london", 100.0)
    assert london["forecast_gbp"] == "109603.35"


def test_an_approval_from_march_still_treated_in_may_counts_in_both_years(client, auth, year_so_far):
    earlier = spend(client, auth, "?financial_year=2025")

    assert (earlier["financial_year"], earlier["as_of"]) == ("2025/26", "2026-03-31")
    # A's cycles of 10 and 31 March; its April and May cycles are in 2026/27's figures above.
    assert earlier["national"] == {"approvals": 1, "committed_gbp": "7615.38", "forecast_gbp": "7615.38",
                                   "priced_at": "list"}
    bad = client.get("/api/v1/cdf/spend?financial_year=1999", headers=auth(CDF_ADMIN))
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "financial_year"
    assert client.get("/api/v1/cdf/spend", headers=auth("demo-clinician")).status_code == 403


def test_the_budget_is_reached_on_the_day_spend_given_and_expected_passes_it(
        client, auth, year_so_far, budget):
    budget(50_000)  # £40,587.81 by 27 November; 1 December adds £11,542.35
    report = spend(client, auth)
    assert (report["forecast_exceeds_budget"], report["budget_reached_on"]) == (True, "2026-12-01")

    budget(100_000)  # £90,445.62 by 15 February; 1 March adds £11,542.35
    assert spend(client, auth)["budget_reached_on"] == "2027-03-01"

    budget(20_000)
    assert spend(client, auth)["budget_reached_on"] == "2026-11-23"  # given past it already

    budget(200_000)
    report = spend(client, auth)
    assert (report["forecast_exceeds_budget"], report["budget_reached_on"]) == (False, None)


MONTHS = {  # month: (approvals, committed, forecast), in pence, worked from the story
    date(2026, 4, 1): (1, 3_807_69, 3_807_69), date(2026, 5, 1): (1, 3_807_69, 3_807_69),
    date(2026, 6, 1): (0, 0, 0), date(2026, 7, 1): (0, 0, 0), date(2026, 8, 1): (0, 0, 0),
    date(2026, 9, 1): (1, 6_907_35, 6_907_35), date(2026, 10, 1): (1, 6_907_35, 6_907_35),
    date(2026, 11, 1): (3, 7_615_38, 19_157_73),  # C's two cycles given; B's and F's months expected
    date(2026, 12, 1): (3, 0, 15_350_04), date(2027, 1, 1): (3, 0, 19_157_73),
    date(2027, 2, 1): (3, 0, 15_350_04), date(2027, 3, 1): (3, 0, 19_157_73),
}


def test_each_month_counts_the_treatment_in_it_and_the_months_add_up_to_the_year(app, year_so_far):
    from ifr_service import db
    from ifr_service.cdf.spend import spend_detail
    from ifr_service.reference.queries import find_region

    with app.app_context(), db.unit_of_work(app.extensions["ifr"].engine):
        detail = spend_detail(2026, date(2026, 11, 23), 340_000_000_00)
        london = spend_detail(2026, date(2026, 11, 23), 340_000_000_00, region_id=find_region("london").id)
        north = spend_detail(2026, date(2026, 11, 23), 1, region_id=-1)
    shown = {row.month: (row.approvals, row.committed_pence, row.forecast_pence) for row in detail.months}
    assert shown == MONTHS
    months = {row.month: row for row in detail.months}
    assert months[date(2026, 11, 1)].cumulative_committed_pence == detail.total.committed_pence == 29_045_46
    assert months[date(2026, 12, 1)].cumulative_committed_pence is None  # not begun
    assert detail.months[-1].cumulative_forecast_pence == detail.total.forecast_pence == 109_603_35
    assert sum(row.forecast_pence for row in detail.months) == detail.total.forecast_pence
    entries = {key: (line.approvals, line.committed_pence, line.forecast_pence)
               for key, line in detail.entries.items()}
    assert entries == {ATEZOLIZUMAB: (2, 15_230_76, 38_076_90), OLAPARIB: (1, 0, 23_175_00),
                       SOTORASIB: (1, 13_814_70, 48_351_45)}
    assert sum(line.forecast_pence for line in detail.entries.values()) == detail.total.forecast_pence
    assert detail.routinely_commissioned_pence == 5_260_00
    assert london.total == detail.total  # every approval here is London's
    assert north.total.approvals == 0 and north.months[-1].cumulative_forecast_pence == 0


def test_the_spend_reads_the_same_number_of_statements_however_many_approvals(
        app, client, auth, year_so_far, treated):
    from tests.cases.test_statement_budgets import counting

    def statements() -> list[str]:
        with counting(app) as seen:
            spend(client, auth)
        return seen.before_commit

    before = statements()
    approve, treat = treated
    for patient in nhs_numbers(10)[8:]:  # two more approvals, each with cycles given
        reference = approve(date(2026, 11, 23), ATEZOLIZUMAB, patient)
        treat(date(2026, 11, 23), reference, "record_start")
    after = statements()
    assert spend(client, auth)["national"]["approvals"] == 6
    assert len(after) == len(before), "\n".join(after)
    spend_reads = [sql for sql in after if "cdf_application" in sql or "cdf_confidential_price" in sql
                   or "treatment_cycle" in sql]
    assert len(spend_reads) <= 3, "\n".join(spend_reads)  # the approvals, their cycles, the prices


def second_atezolizumab_authorisation(session):
    from sqlmodel import select

    from ifr_service.cdf.models import CdfApplication
    from ifr_service.funding.models import FundingAuthorisation

    return session.exec(select(FundingAuthorisation).join(
        CdfApplication, CdfApplication.case_id == FundingAuthorisation.case_id).where(
        CdfApplication.entry_key == ATEZOLIZUMAB, CdfApplication.stopped_on.is_(None))).one()


def test_a_cycle_from_sact_on_the_authorisation_counts_in_the_month_it_was_given(app, client, auth,
                                                                                  year_so_far):
    from ifr_service import db
    from ifr_service.funding import service as funding

    with app.app_context(), db.unit_of_work(app.extensions["ifr"].engine):
        authorisation = second_atezolizumab_authorisation(db.session())
        funding.record_cycle(authorisation, date(2026, 11, 16), "sact", source_key="SACT-2026-11-000001")
    # C has three cycles given in November now: one more £3,807.69 committed. Its last is still
    # 23 November, so the six cycles expected by March stay as they were.
    national = spend(client, auth)["national"]
    assert (national["committed_gbp"], national["forecast_gbp"]) == ("32853.15", "113411.04")


def test_the_authorisations_cycle_length_spaces_the_cycles_expected(app, client, auth, year_so_far):
    from ifr_service import db

    with app.app_context(), db.unit_of_work(app.extensions["ifr"].engine):
        second_atezolizumab_authorisation(db.session()).cycle_days = 14
    # From 23 November every 14 days: 7 and 21 December, 4 and 18 January, 1 and 15 February, 1, 15
    # and 29 March: nine in the year, three more than at 21 days (3 x £3,807.69 = £11,423.07).
    assert spend(client, auth)["national"]["forecast_gbp"] == "121026.42"
