"""The checks of one invoice line against its authorisation, as rules: no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from ifr_service.funding.models import ENDED, FundingAuthorisation
from ifr_service.funding.service import is_follow_up_overdue, is_in_force
from ifr_service.invoices.checks import (
    BILLED_BEFORE,
    FOLLOW_UP_OVERDUE,
    NOT_IN_FORCE,
    NOT_OURS,
    OTHER_COMMISSIONER,
    OTHER_PATIENT,
    OTHER_PROVIDER,
    OTHER_TREATMENT,
    OVER_COST_CAP,
    PAST_DURATION,
    Context,
    check_line,
)
from ifr_service.invoices.schedule import ScheduleLine

LINE = ScheduleLine(row=2, provider_code="RRV", invoice_number="INV-1", line_number=1,
                    nhs_number="9990000026", authorisation_reference="IFRA-2026-000001-1",
                    treatment="Nivolumab", dmd_code="12345678", treatment_date=date(2026, 12, 1),
                    quantity=Decimal(1), amount_pence=100_000, commissioner_code="ccg-camden")
CONTEXT = Context(scope_name="the London hub", commissioner_code="ccg-camden", accepted_pence=0,
                  billed_before=False, in_force=is_in_force, follow_up_overdue=is_follow_up_overdue)


def authorisation(**terms) -> FundingAuthorisation:
    values = {"reference": "IFRA-2026-000001-1", "route": "ifr", "nhs_number": "9990000026",
              "treatment": "Nivolumab", "dmd_code": "12345678", "provider_org_code": "RRV",
              "issued_on": date(2026, 11, 2), "cost_cap_pence": 500_000, "case_id": 1, **terms}
    return FundingAuthorisation(**values)


def kinds(line=LINE, approval=None, context=CONTEXT) -> list[str]:
    return [reason.kind for reason in check_line(line, approval or authorisation(), context)]


def test_a_line_for_the_approved_patient_drug_and_day_within_the_cap_is_accepted():
    assert kinds() == []


def test_a_reference_that_is_not_the_checkers_is_challenged_without_saying_whose_it_is():
    [reason] = check_line(LINE, None, CONTEXT)
    assert reason.kind == NOT_OURS
    assert "is not an approval of the London hub" in reason.words


def test_another_patient_another_drug_and_another_provider_are_each_challenged():
    line = replace(LINE, nhs_number="9990000018", dmd_code="87654321", provider_code="RJ1")
    assert kinds(line) == [OTHER_PROVIDER, OTHER_PATIENT, OTHER_TREATMENT]


def test_the_reasons_never_name_the_approved_patient():
    line = replace(LINE, nhs_number="9990000018")
    assert all("9990000026" not in reason.words for reason in check_line(line, authorisation(), CONTEXT))


def test_without_dmd_codes_the_treatment_is_matched_by_name_whatever_its_case_and_spacing():
    approval = authorisation(dmd_code=None)
    assert kinds(replace(LINE, treatment="  NIVOLUMAB "), approval) == []
    assert kinds(replace(LINE, treatment="Pembrolizumab"), approval) == [OTHER_TREATMENT]


def test_treatment_before_the_approval_or_after_it_ended_is_not_in_force():
    assert kinds(replace(LINE, treatment_date=date(2026, 11, 1))) == [NOT_IN_FORCE]
    ended = authorisation(status=ENDED, ended_on=date(2026, 11, 20))
    assert kinds(approval=ended) == [NOT_IN_FORCE]
    assert "ended on 20 November 2026" in check_line(LINE, ended, CONTEXT)[0].words


def test_a_cdf_approval_never_started_by_its_start_window_is_not_in_force():
    approval = authorisation(start_by=date(2026, 11, 30))
    [reason] = check_line(LINE, approval, CONTEXT)
    assert (reason.kind, "start by 30 November 2026" in reason.words) == (NOT_IN_FORCE, True)


def test_treatment_after_a_time_limited_approval_ended_is_past_its_duration():
    assert kinds(approval=authorisation(ends_on=date(2026, 11, 30))) == [PAST_DURATION]


def test_a_line_that_takes_the_approval_past_its_cost_cap_is_challenged():
    assert kinds(context=replace(CONTEXT, accepted_pence=400_000)) == []
    assert kinds(context=replace(CONTEXT, accepted_pence=400_001)) == [OVER_COST_CAP]


def test_treatment_after_a_missed_review_date_has_its_follow_up_overdue():
    approval = authorisation(review_date=date(2026, 11, 30))
    assert kinds(approval=approval) == [FOLLOW_UP_OVERDUE]
    reported = authorisation(review_date=date(2026, 11, 30), outcome_reported_on=date(2026, 11, 28))
    assert kinds(approval=reported) == []


def test_billing_another_commissioner_and_billing_twice_are_challenged():
    context = replace(CONTEXT, commissioner_code="ccg-islington", billed_before=True)
    assert kinds(context=context) == [OTHER_COMMISSIONER, BILLED_BEFORE]


def test_every_reason_is_given_at_once():
    line = replace(LINE, nhs_number="9990000018", treatment_date=date(2026, 12, 5), amount_pence=600_000)
    approval = authorisation(ends_on=date(2026, 12, 1), review_date=date(2026, 12, 2))
    assert kinds(line, approval) == [OTHER_PATIENT, PAST_DURATION, FOLLOW_UP_OVERDUE, OVER_COST_CAP]
