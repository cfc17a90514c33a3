"""The stage of policy development a case closed at screening as a cohort went on to, for its
clinician and its hub to see from the case page (registered into cases/onward.py). They see the
stage's title, what it means and when the item entered it: never the owner, the evidence or what the
CET and the policy team wrote."""

from __future__ import annotations

from ifr_service.cases.models import Case
from ifr_service.cases.onward import OnwardWork, onward_work
from ifr_service.clock import england_date
from ifr_service.policy import queries
from ifr_service.runtime import runtime

REFERRAL_EFFECT = "refer_to_cet"  # the IFR workflow's effect that files a cohort (cet/referrals.py)


@onward_work
def policy_stage(case: Case) -> OnwardWork | None:
    if not _closed_as_a_cohort(case) or not case.intervention_key or not case.icd10_category:
        return None
    item = queries.find_item(case.intervention_key, case.icd10_category)
    if item is None:
        return None
    state = runtime().workflows["policy"].state(item.state)
    entered = queries.find_stage_entered(item)
    return OnwardWork(
        heading="National policy development", reference=item.reference, stage=state.title,
        meaning=state.description, since=england_date(entered.occurred_utc if entered else item.created_utc),
        final=state.final)


def _closed_as_a_cohort(case: Case) -> bool:
    """The case is in a state that an action referring a cohort leads to: read from the case's
    workflow, so a renamed or added cohort closure needs no change here."""
    workflow = runtime().workflows.get(case.route)
    return workflow is not None and any(
        action.to == case.state and REFERRAL_EFFECT in action.effects for action in workflow.actions)
