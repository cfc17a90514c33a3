"""A cohort found at screening goes, with its evidence (the case), to the CET's inbox and to policy
development's queue: the IFR workflow's `refer_to_cet` effect, registered into its registry."""

from __future__ import annotations

from ifr_service.cases.models import Case, CaseEvent
from ifr_service.cet.models import CohortReferral
from ifr_service.cet.queries import create_referral_once
from ifr_service.clock import england_date
from ifr_service.policy.service import file_referral
from ifr_service.workflows.registry import effect


@effect("refer_to_cet", workflows=("ifr",))
def refer_to_cet(case: Case, event: CaseEvent) -> None:
    if create_referral_once(CohortReferral(
            case_id=case.id, hub_id=case.hub_id, icd10_category=case.icd10_category,
            intervention_key=case.intervention_key, cohort_description=event.payload["cohort_description"],
            reason=event.payload["reason"])):
        file_referral(case.reference, england_date(case.submitted_utc), case.intervention_key,
                      case.icd10_category, event.payload["cohort_description"])
