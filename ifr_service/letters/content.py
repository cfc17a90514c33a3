"""What a letter says, gathered from the case, the event that called for it, and the workflow."""

from __future__ import annotations

from datetime import date

from ifr_service.cases.models import Case, CaseEvent
from ifr_service.clock import add_working_days, england_date
from ifr_service.letters.render import LetterContent
from ifr_service.reference.queries import get_hub_by_id
from ifr_service.workflows.definition import Action, Workflow

TITLES = {
    "screening_completed": "Outcome of the screening of your Individual Funding Request",
    "decision_recorded": "Decision on your Individual Funding Request",
    "reconsideration_refused": "Your request for reconsideration",
    "review_decided": "Outcome of the review of your Individual Funding Request",
}
RECONSIDERATION = ("If you have significant new clinical information about the patient that the "
                   "panel has not seen, you may ask for the request to be reconsidered at any time.")


def letter_content(workflow: Workflow, case: Case, event: CaseEvent) -> LetterContent:
    action = action_of(workflow, event)
    dated = england_date(event.occurred_utc)
    answers = case.answers
    return LetterContent(
        reference=case.reference, dated=dated,
        title=TITLES.get(event.name, action.title),
        hub_name=get_hub_by_id(case.hub_id).name,
        clinician_name=answers["clinician"]["name"],
        provider_trust=answers["clinician"]["provider_trust"],
        intervention=answers["intervention"]["name"],
        outcome=workflow.state(event.to_state).title,
        payload=event.payload, fields=action.payload,
        next_steps=next_steps(workflow, event.to_state, dated),
        copy_to_patient=answers.get("consent", {}).get("copy_letters_to_patient") is True,
        decided_by=decided_by(event.payload),
    )


def decided_by(payload: dict) -> str | None:
    if payload.get("decided_by") == "chair's action":
        return "Decided urgently by the panel chair's action."
    meeting = payload.get("panel_meeting")
    if meeting:
        return f"Decided by the IFR panel at its meeting of {date.fromisoformat(meeting['date']):%d %B %Y}."
    return None


def action_of(workflow: Workflow, event: CaseEvent) -> Action:
    """The action that recorded the event: its name, from-state and to-state identify it."""
    return next(a for a in workflow.actions if a.event == event.name
                and event.from_state in a.from_states and a.to in (event.to_state, "same"))


def next_steps(workflow: Workflow, state: str, dated: date) -> tuple[str, ...]:
    if state == "declined":
        window = workflow.clock("review_request_window").working_days
        deadline = add_working_days(dated, window)
        return (RECONSIDERATION,
                f"If you believe the decision was not reached properly, you may ask for a review of "
                f"the process within {window} working days, that is by {deadline:%d %B %Y}. A review "
                "looks at whether NHS England followed its policy and procedure, considered the "
                "evidence, and reached a decision a reasonable panel could reach; it does not "
                "substitute its own clinical judgement.")
    return {
        "approved": ("NHS England will fund the treatment described in the application. Please "
                     "tell the IFR team if the patient's treatment plan changes.",),
        "approved_with_conditions": (
            "NHS England will fund the treatment on the conditions above. Treatment must stop if the "
            "stopping criteria are met, and its effect must be reported by the review date.",),
        "closed_not_responsible": ("Please send the request to the commissioner named above, which "
                                   "is responsible for funding this treatment.",),
        "closed_routinely_commissioned": ("The treatment is funded under the policy named above, so "
                                          "no individual funding request is needed.",),
        "closed_cohort": ("The request describes a group of patients, so it is a question for "
                          "commissioning policy rather than an individual request. It has been "
                          "referred, with its evidence, to the Clinical Effectiveness Team for "
                          "policy development.",),
        "decision_upheld": ("The review found that the decision was reached properly. This completes "
                            "NHS England's individual funding request process for this request.",),
        "ready_for_panel": ("The request will be considered afresh by a newly constituted IFR "
                            "panel. We will write to you with its decision.",),
    }.get(state, ("We will write to you again when there is news.",))
