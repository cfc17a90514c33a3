"""The policy-development use cases: filing cohort candidates, moving items through their
workflow (the same engine and roles as cases), and publishing a policy into the library.

The priority score (0 to 100) weighs what makes a cohort worth a national policy:
- volume, 40 points: the cases in the window, full marks at 20 or more;
- cost, 30 points: their total estimated cost, full marks at £1,000,000 or more;
- approval variation, 20 points: the highest less the lowest approval rate of the hubs that
  decided cases (1.0 when one hub approves every case and another declines every case) - the
  unwarranted variation national policy removes;
- urgency, 10 points: the share of the cases that were urgent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from ifr_service.cases.queries import record_event
from ifr_service.cet.cohorts import CohortCandidate, describe_group, find_candidates
from ifr_service.clock import add_working_days
from ifr_service.db import utc_now
from ifr_service.errors import Conflict, ValidationFailed
from ifr_service.policy import queries
from ifr_service.policy.models import Policy, PolicyEvent, PolicyItem
from ifr_service.reference.icd10_crgs import suggest_crg
from ifr_service.runtime import runtime
from ifr_service.text import quoted
from ifr_service.users.models import Role, User
from ifr_service.users.queries import get_system_user
from ifr_service.workflows import runner
from ifr_service.workflows.definition import Action, Workflow
from ifr_service.workflows.engine import next_state
from ifr_service.workflows.registry import effect, guard

ROUTE = "policy"
FULL_VOLUME, FULL_COST_PENCE = 20, 1_000_000 * 100


def priority_score(candidate: CohortCandidate) -> float:
    cost_pence = int(candidate.total_estimated_cost_gbp * 100)
    return round(40 * min(candidate.count / FULL_VOLUME, 1) + 30 * min(cost_pence / FULL_COST_PENCE, 1)
                 + 20 * (candidate.hub_approval_spread or 0) + 10 * candidate.urgent_share, 1)


def file_candidates(as_of: date) -> dict[str, list[str]]:
    """File each cohort candidate once; a candidate already filed gets its evidence updated."""
    filed: dict[str, list[str]] = {"new": [], "updated": []}
    system = get_system_user()
    for candidate in find_candidates(as_of):
        evidence = _evidence(candidate, as_of)
        item, made = _item_for(candidate.intervention_key, candidate.icd10_category,
                               lambda found=candidate, shown=evidence: (found, shown))
        if made:
            _record(item, "policy_candidate_filed", system, None, item.state, {"as_of": as_of.isoformat()})
            filed["new"].append(item.reference)
        elif evidence["case_refs"] != item.evidence.get("case_refs"):
            item.evidence, item.priority_score = evidence, priority_score(candidate)
            item.suggested_crg_code = candidate.suggested_crg_code
            item.updated_utc = utc_now()
            _record(item, "policy_evidence_updated", system, item.state, item.state,
                    {"as_of": as_of.isoformat(), "count": candidate.count})
            filed["updated"].append(item.reference)
    return filed


def file_referral(case_reference: str, received_on: date, intervention_key: str, icd10_category: str,
                  cohort_description: str) -> PolicyItem:
    """A cohort a hub referred at screening goes into the queue: a new candidate with the group's
    evidence so far (the referred case at least), or, if the cohort is already there, a note of the
    referral on its item."""
    today, system = max(runtime().today(), received_on), get_system_user()

    def describe() -> tuple[CohortCandidate, dict]:  # only for a cohort new to the queue
        group = describe_group(intervention_key, icd10_category, today)
        return group, _evidence(group, today)

    item, made = _item_for(intervention_key, icd10_category, describe)
    referral = {"case": case_reference, "cohort_description": cohort_description}
    if made:
        _record(item, "policy_candidate_filed", system, None, item.state, {"referred_at_screening": referral})
    else:
        _record(item, "policy_referral_added", system, item.state, item.state, referral)
    return item


def take_action(item: PolicyItem, action_key: str, actor: User, payload) -> PolicyItem:
    """The one runner (workflows/runner.py), with a policy item's own move: its due date and event."""
    workflow = _workflow()
    decision = runner.decide(workflow, item, item.state, action_key, actor, payload)
    item.state = decision.to_state
    item.due_on = _due_on(workflow, decision.to_state)
    item.updated_utc = utc_now()
    event = _record(item, decision.action.event, actor, decision.from_state, decision.to_state,
                    decision.payload)
    runner.follow(workflow, decision, item, event)
    return item


def check_action_allowed(item: PolicyItem, action_key: str, actor: User) -> None:
    """404 for no such action, 409 when the item's state does not allow it, 403 for the wrong role:
    before an action's form is shown, as when it is taken."""
    next_state(_workflow(), item.state, action_key, actor.role)


def actions_for(item: PolicyItem, user: User) -> list[Action]:
    return runner.offered(_workflow(), item, item.state, user)


def _workflow() -> Workflow:
    return runtime().workflows[ROUTE]


def _item_for(key: str, category: str,
              describe: Callable[[], tuple[CohortCandidate, dict]]) -> tuple[PolicyItem, bool]:
    """The cohort's item, and whether it was made now (from `describe`, called only then). Two
    filings of a new cohort at the same moment make one item: the later insert clashes on the
    unique key, and finds the item the other made."""
    item = queries.find_item(key, category, for_update=True)
    if item is not None:
        return item, False
    item = _new_item(*describe())
    if queries.create_item_once(item):
        return item, True
    return queries.find_item(key, category, for_update=True), False


def _new_item(candidate: CohortCandidate, evidence: dict) -> PolicyItem:
    today = runtime().today()
    number = queries.allocate_number(today.year)
    workflow = _workflow()
    return PolicyItem(
        reference=f"POL-{today.year}-{number:04d}", state=workflow.initial,
        intervention_key=candidate.intervention_key, icd10_category=candidate.icd10_category,
        title=f"{candidate.intervention_name} for {candidate.icd10_category}",
        suggested_crg_code=candidate.suggested_crg_code, priority_score=priority_score(candidate),
        evidence=evidence, due_on=_due_on(workflow, workflow.initial))


def _evidence(candidate: CohortCandidate, as_of: date) -> dict:
    evidence = candidate.as_dict()
    return {key: (value.isoformat() if isinstance(value, date) else
                  str(value) if isinstance(value, Decimal) else value)
            for key, value in {**evidence, "as_of": as_of}.items()}


def _due_on(workflow: Workflow, state: str) -> date | None:
    target = workflow.state(state).target_working_days
    return add_working_days(runtime().today(), target) if target else None


def _record(item: PolicyItem, name: str, actor: User, from_state, to_state, payload: dict) -> PolicyEvent:
    return queries.record_event(PolicyEvent(item_id=item.id, name=name, actor_id=actor.id,
                                            from_state=from_state, to_state=to_state, payload=payload))


# Guards and effects the policy workflow names, registered into its registry (checked at start-up
# like the cases').

@guard("owner_is_a_cet_analyst", workflows=(ROUTE,))
def _owner_is_a_cet_analyst(item: PolicyItem, actor: User, payload: dict) -> dict:
    """The owner named (by username or by name, in any case), or the analyst accepting the item."""
    named = (payload.get("owner") or "").strip()
    owner = queries.find_cet_analyst(named) if named else actor
    if owner is None or owner.role != Role.CET_ANALYST.value or not owner.is_active:
        must = "The owner must be one of the CET's active analysts"
        raise ValidationFailed({"owner": f"{must}, named by username or by name: {quoted(named)} is not one."
                                if named else f"{must}."})
    item.owner_id = owner.id
    return {"owner": owner.username}


@guard("crg_is_known", workflows=(ROUTE,))
def _crg_is_known(item: PolicyItem, actor: User, payload: dict) -> dict:
    """The CRG typed (its code in any case, spaces around it ignored) or, when none is, the one the item
    has (given it on the 2013 road) or else the one the ICD-10 mapping suggests; kept as the reference
    data prints its code."""
    typed = (payload.get("crg_code") or "").strip()
    if not typed and item.crg_code:
        return {"crg_code": item.crg_code}
    suggestion = suggest_crg(item.icd10_category)
    if not typed and suggestion is None:
        raise ValidationFailed({"crg_code": (
            f"No CRG is suggested for {item.icd10_category}: choose the Clinical Reference Group.")})
    code = queries.find_crg_code(typed) if typed else queries.find_crg_code(suggestion.crg_code)
    if code is None:
        raise ValidationFailed({"crg_code": (
            f"{quoted(typed or suggestion.crg_code)} is not a Clinical Reference Group code: "
            "choose one from the list, like CTY for Chemotherapy.")})
    item.crg_code = code
    return {"crg_code": code}


@effect("publish_policy", workflows=(ROUTE,))
def _publish_policy(item: PolicyItem, event: PolicyEvent) -> None:
    """Into the library; open IFR cases for the same intervention and category are flagged."""
    today = runtime().today()
    if queries.find_policy_for_item(item.id) is not None:
        raise Conflict("This item's policy is already published.")
    policy = queries.create_policy(Policy(
        reference=item.reference.replace("POL-", "NCP-"), title=event.payload["title"],
        intervention_key=item.intervention_key, icd10_category=item.icd10_category,
        position=event.payload["position"], criteria=event.payload["criteria"], crg_code=item.crg_code,
        published_on=today, item_id=item.id))
    from ifr_service.policy.flags import flag_open_cases

    flag_open_cases(policy)



def record_check(case, actor: User, args: dict, answer: str, policies: list, reason: str) -> None:
    """On a new application's history, what the "is this an IFR?" check was asked, what it answered
    and which policies it showed (by reference): the application's policy answers can be changed
    afterwards, this cannot. The reason the patient falls outside a funded policy is the clinician's
    (it is in the application too)."""
    record_event(case, "policy_checked", actor, case.state, case.state, {
        "intervention": args["intervention"], "icd10": args["icd10"], "answer": answer,
        "policies": [policy.reference for policy in policies], "outside_reason_given": bool(reason)})
