"""The rules the IFR workflow asks of a panel's decision, registered into its registry: who may
decide (a quorate panel in session, or the chair's action; nobody who declared an interest), who may
review (nobody who took part), and that an outcome follows the panel's findings unless the chair
says why it departs from them."""

from __future__ import annotations

from ifr_service.cases.models import Case
from ifr_service.cases.queries import find_last_event
from ifr_service.errors import Conflict, ValidationFailed
from ifr_service.panels import service as panels
from ifr_service.runtime import runtime
from ifr_service.users.models import User
from ifr_service.workflows.registry import guard


def _has_no_declared_interest(case: Case, user: User) -> bool:
    return not panels.has_declared_interest(case, user, runtime().today())


@guard("panel_may_decide", workflows=("ifr",), before_the_form=True,
       offered_only_if=_has_no_declared_interest)  # nor is the decision's form offered to them
def panel_may_decide(case: Case, actor: User, payload: dict) -> dict:
    meeting = panels.check_panel_may_decide(case, actor, runtime().today())
    if meeting is None:
        return {"decided_by": "chair's action"}
    return {"decided_by": "panel", "panel_meeting": {"id": meeting.id,
                                                     "date": meeting.meeting_date.isoformat()}}


@guard("reviewer_took_no_part_in_decision", workflows=("ifr",), before_the_form=True)
def reviewer_took_no_part_in_decision(case: Case, actor: User, payload: dict) -> None:
    decision = find_last_event(case, "decision_recorded")
    took_part = (decision is not None and decision.actor_id == actor.id) or (
        actor.id in panels.users_who_sat_on(case))
    if took_part:
        raise Conflict("A review must be decided by someone who took no part in the decision.")


# A decision follows the panel's findings unless the chair says why it departs from them
# (departure_reason): each refusal is a 422 naming the departure reason and the findings at odds.
# The findings are those of the test the panel applied (workflows/ifr.yaml: against a policy, or
# no policy or a rare condition); each criterion is met by "Yes", except "a cohort in disguise",
# where "Yes" means the request is a question for policy, not an IFR (DOMAIN.md, "The test").
COHORT_IN_DISGUISE = "cohort_in_disguise"
NOT_MET_BY = {COHORT_IN_DISGUISE: "yes"}


@guard("approval_follows_findings", workflows=("ifr",))
def approval_follows_findings(case: Case, actor: User, payload: dict) -> None:
    """An approval needs every criterion of the test met."""
    against = [key for key, met in criteria_met(payload).items() if not met]
    if against and not _departure_given(payload):
        labels = _criterion_labels(case)
        raise ValidationFailed({
            **{f"findings.{key}.finding": _not_met_words(key, labels) for key in against},
            "departure_reason": "Enter why the approval departs from the findings, or change the "
                                "findings that are not met"})


@guard("decline_follows_findings", workflows=("ifr",))
def decline_follows_findings(case: Case, actor: User, payload: dict) -> None:
    """A decline needs at least one criterion of the test not met."""
    met = criteria_met(payload)
    if met and all(met.values()) and not _departure_given(payload):
        raise ValidationFailed({
            "findings": "A decline needs at least one criterion not met: the panel found every "
                        "criterion met",
            "departure_reason": "Enter why the decline departs from the findings, or change the "
                                "finding on a criterion that is not met"})


def criteria_met(payload: dict) -> dict[str, bool]:
    """Each criterion the panel gave a finding on, and whether that finding meets it."""
    findings = payload.get("findings") or {}
    return {key: found.get("finding") != NOT_MET_BY.get(key, "no")
            for key, found in findings.items() if isinstance(found, dict) and "finding" in found}


def _not_met_words(key: str, labels: dict[str, str]) -> str:
    if key == COHORT_IN_DISGUISE:
        return ("The panel found this is a cohort in disguise, so a question for policy, not an "
                "individual funding request: an approval needs every criterion of the test met")
    return (f"The panel found \"No\" on \"{labels.get(key, key)}\": an approval needs every "
            "criterion of the test met")


def _departure_given(payload: dict) -> bool:
    return bool((payload.get("departure_reason") or "").strip())


def _criterion_labels(case: Case) -> dict[str, str]:
    approve = runtime().workflows[case.route].action("approve")
    return {criterion.key: criterion.label for field in approve.payload if field.key == "findings"
            for criterion in field.fields if criterion.type == "group"}
