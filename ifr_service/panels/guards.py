"""The rules the IFR workflow asks of a panel's decision, registered into its registry: who may
decide (a quorate panel in session, or the chair's action; nobody who declared an interest), who may
record a screening outcome (the region's screening group, quorate, in session; or its chair's action on
an urgent case), who may consider a request for review and decide it (the Review Panel, nobody who took
part), and that an outcome follows the panel's findings unless the chair says why it departs from them."""

from __future__ import annotations

from ifr_service.cases.models import Case
from ifr_service.errors import ValidationFailed
from ifr_service.panels import review, screening
from ifr_service.panels import service as panels
from ifr_service.runtime import runtime
from ifr_service.users.models import Role, User
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


def _offered_screening(case: Case, user: User) -> bool:
    """The lead hub's case officers are offered the outcomes (the guard says what a meeting lacks); a
    panel chair only when they may screen the case by chair's action."""
    return user.role != Role.PANEL_CHAIR or screening.may_screen_by_chairs_action(case, user)


@guard("screening_group_may_screen", workflows=("ifr",), before_the_form=True,
       offered_only_if=_offered_screening)
def screening_group_may_screen(case: Case, actor: User, payload: dict) -> dict:
    return screening.check_group_may_screen(case, actor, runtime().today())


# A review: the initial consideration by the Review Panel's chair, then the Review Panel's outcome,
# nobody who took part in the decision taking part in either (panels/review.py).

def _chairs_the_review(case: Case, user: User) -> bool:
    return review.may_sit_on_review(case, user, seats=review.CHAIRS)


@guard("initial_consideration_by_review_panel_chair", workflows=("ifr",), before_the_form=True,
       offered_only_if=_chairs_the_review)
def initial_consideration_by_review_panel_chair(case: Case, actor: User, payload: dict) -> None:
    review.check_initial_consideration(case, actor)


@guard("grounds_considered_are_those_stated", workflows=("ifr",))
def grounds_considered_are_those_stated(case: Case, actor: User, payload: dict) -> dict:
    return review.check_grounds_considered(case, payload)


@guard("referral_follows_the_grounds", workflows=("ifr",))
def referral_follows_the_grounds(case: Case, actor: User, payload: dict) -> None:
    review.check_referral_follows_the_grounds(payload)


@guard("refusal_follows_the_grounds", workflows=("ifr",))
def refusal_follows_the_grounds(case: Case, actor: User, payload: dict) -> None:
    review.check_refusal_follows_the_grounds(payload)


@guard("review_panel_may_decide", workflows=("ifr",), before_the_form=True,
       offered_only_if=review.may_sit_on_review)
def review_panel_may_decide(case: Case, actor: User, payload: dict) -> dict:
    meeting = review.check_review_panel_may_decide(case, actor, runtime().today())
    return {"decided_by": "review_panel", "panel_meeting": {"id": meeting.id,
                                                            "date": meeting.meeting_date.isoformat()}}


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
