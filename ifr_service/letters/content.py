"""What a letter says, gathered from the case, the event that called for it, and the workflow, in
the words of wording.yaml: the clinician's letter always, and a plain-words letter to the patient
beside it when the patient asked for copies (consent.copy_letters_to_patient)."""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from pathlib import Path

import yaml

from ifr_service.cases.models import Case, CaseEvent
from ifr_service.clock import add_working_days, england_date
from ifr_service.forms.answers import (
    CLINICIAN_NAME,
    CLINICIAN_PROVIDER_TRUST,
    CONSENT_COPY_LETTERS_TO_PATIENT,
    INTERVENTION_NAME,
    PATIENT_DATE_OF_BIRTH,
    PATIENT_FAMILY_NAME,
    PATIENT_GIVEN_NAME,
    PATIENT_NHS_NUMBER,
    PATIENT_POSTAL_ADDRESS,
    read_answer,
    submitted_answer,
)
from ifr_service.forms.definition import FieldDefinition
from ifr_service.letters.body import OUTCOME, LetterContent, Section
from ifr_service.letters.models import CLINICIAN, PATIENT
from ifr_service.reference.models import Hub
from ifr_service.reference.queries import get_hub_by_id
from ifr_service.users.models import User
from ifr_service.users.queries import get_user_by_id
from ifr_service.web.display import nhs_date, nhs_number
from ifr_service.workflows.definition import Action, Workflow, letter_of

WORDING_FILE = Path(__file__).with_name("wording.yaml")
DEPARTURE_REASON = "departure_reason"  # recorded by a panel whose outcome departs from its findings
# The branch of the exceptionality test a decision applied, and what it states beside its findings
# (workflows/ifr.yaml); findings recorded before the test branched have none of them.
POLICY_POSITION, POLICY_REFERENCE = "policy_position", "policy_reference"
COMPARATOR_GROUP = "comparator_group"


@cache
def wording() -> dict:
    with WORDING_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def letter_names() -> frozenset[str]:
    """The letters a workflow state or action may name (`letter:` in workflows/*.yaml)."""
    return frozenset(wording()["letters"])


def letter_template(workflow: Workflow, event: CaseEvent) -> dict:
    """What the letter an event sends says, by the name the workflow gives it (the action's own
    letter, or the letter of the state it entered)."""
    name = letter_of(workflow, action_of(workflow, event), event.to_state)
    if name is None:
        raise ValueError(f"{workflow.key}: event {event.name!r} into {event.to_state!r} sends no letter")
    return wording()["letters"][name]


def wants_copies(case: Case) -> bool:
    return read_answer(case.answers, CONSENT_COPY_LETTERS_TO_PATIENT) is True


def letters_for(workflow: Workflow, case: Case, event: CaseEvent) -> list[LetterContent]:
    """The letters an event calls for: the clinician's, and the patient's when they asked."""
    recipients = (CLINICIAN, PATIENT) if wants_copies(case) else (CLINICIAN,)
    return [letter_content(workflow, case, event, recipient) for recipient in recipients]


def letter_content(workflow: Workflow, case: Case, event: CaseEvent,
                   recipient: str = CLINICIAN) -> LetterContent:
    facts = _Facts(workflow, case, event)
    return _to_patient(facts) if recipient == PATIENT else _to_clinician(facts)


class _Facts:
    """What both letters draw on, read once."""

    def __init__(self, workflow: Workflow, case: Case, event: CaseEvent) -> None:
        self.workflow, self.case, self.event = workflow, case, event
        self.action = action_of(workflow, event)
        self.template = letter_template(workflow, event)
        self.dated = england_date(event.occurred_utc)
        self.hub = get_hub_by_id(case.hub_id)
        self.answers = case.answers
        self.clinician_name = submitted_answer(self.answers, CLINICIAN_NAME)
        self.provider_trust = submitted_answer(self.answers, CLINICIAN_PROVIDER_TRUST)
        self.treatment = submitted_answer(self.answers, INTERVENTION_NAME)
        self.state = event.to_state
        actor = get_user_by_id(event.actor_id) if event.actor_id else None
        self.signatory = signatory(actor, event.name, self.hub.name, event.payload)
        self.review_deadline = _review_deadline(workflow, self.dated)

    @property
    def patient_name(self) -> str:
        return " ".join(filter(None, (read_answer(self.answers, PATIENT_GIVEN_NAME),
                                      read_answer(self.answers, PATIENT_FAMILY_NAME))))

    def base(self, recipient: str, title: str) -> dict:
        words = wording()
        return {"recipient": recipient, "reference": self.case.reference, "dated": self.dated,
                "title": title, "signatory": self.signatory,
                "letterhead": (words["sender"], words["team"].format(hub=self.hub.name)),
                "contact": contact_of(self.hub),
                "onward": onward_routes(self.template)}

    def identifiers(self) -> tuple[tuple[str, str], ...]:
        labels = wording()["labels"]
        return ((labels["nhs_number"], nhs_number(read_answer(self.answers, PATIENT_NHS_NUMBER))),
                (labels["date_of_birth"], nhs_date(read_answer(self.answers, PATIENT_DATE_OF_BIRTH))))


def _to_clinician(facts: _Facts) -> LetterContent:
    words = wording()
    payload = facts.event.payload
    return LetterContent(
        **facts.base(CLINICIAN, facts.template["title"]["clinician"]),
        addressee=(facts.clinician_name, facts.provider_trust),
        salutation=words["salutation"].format(name=facts.clinician_name),
        about=((words["labels"]["patient"], facts.patient_name), *facts.identifiers(),
               (words["labels"]["requested_treatment"], facts.treatment),
               (OUTCOME, facts.template.get("outcome") or facts.workflow.state(facts.state).title)),
        opening=tuple(filter(None, (decided_by(payload),))),
        sections=(*payload_sections(facts.action.payload, payload), *departure(facts.action, payload)),
        next_steps=clinician_next_steps(facts.template, facts.review_deadline),
        copies=(words["clinician"]["copy_to_patient"],) if wants_copies(facts.case) else (),
        closing=(words["clinician"]["keep"],),
    )


def _to_patient(facts: _Facts) -> LetterContent:
    words = wording()["patient"]
    fill = {"clinician": facts.clinician_name, "trust": facts.provider_trust,
            "treatment": facts.treatment, **facts.review_deadline}
    questions = Section(heading=words["questions"], paragraphs=(
        words["contact"], *(f"{label}: {value}" for label, value in contact_of(facts.hub))))
    return LetterContent(
        **facts.base(PATIENT, facts.template["title"]["patient"]),
        addressee=(facts.patient_name, *_address_lines(read_answer(facts.answers, PATIENT_POSTAL_ADDRESS))),
        salutation=wording()["salutation"].format(name=facts.patient_name),
        about=((wording()["labels"]["name"], facts.patient_name), *facts.identifiers(),
               (wording()["labels"]["treatment_asked_for"], facts.treatment)),
        opening=(words["opening"].format(**fill), facts.template.get("patient_outcome", words["otherwise"]),
                 words["reasons"].format(**fill)),
        next_steps=tuple(step.format(**fill) for step in facts.template.get("patient_next_steps", ())),
        sections=(questions,),
        closing=(words["keep"],),
    )


def _address_lines(address: str | None) -> tuple[str, ...]:
    return tuple(line.strip() for line in re.split(r"[,\n]", address or "") if line.strip())


def _review_deadline(workflow: Workflow, dated: date) -> dict:
    window = workflow.clock("review_request_window").working_days
    return {"window": window, "deadline": nhs_date(add_working_days(dated, window))}


def contact_of(hub: Hub) -> tuple[tuple[str, str], ...]:
    labels = wording()["labels"]
    rows = ((labels["email"], hub.ifr_email), (labels["telephone"], hub.ifr_telephone),
            (labels["address"], hub.ifr_address))
    return tuple((label, value) for label, value in rows if value)


def signatory(actor: User | None, event_name: str, hub_name: str,
              payload: dict | None = None) -> tuple[str, str]:
    """Who signs: the person the event records as taking the action, in their role (the panel's
    chair for a decision or a review, the case officer for a screening outcome, the screening
    group's chair for one screened by chair's action)."""
    words = wording()["signatory"]
    if actor is None or actor.role not in words["by_role"]:
        return words["otherwise"].format(hub=hub_name), ""
    if (payload or {}).get("decided_by") == "screening chair's action":
        return actor.display_name, words["screening_chair"].format(panel=payload["screening_group"]["name"])
    role = words["by_event"].get(event_name) or words["by_role"][actor.role]
    return actor.display_name, role.format(hub=hub_name)


def decided_by(payload: dict) -> str | None:
    words = wording()["decided_by"]
    if payload.get("decided_by") == "chair's action":
        return words["chairs_action"]
    if payload.get("decided_by") == "screening chair's action":
        return words["screening_chairs_action"].format(panel=payload["screening_group"]["name"])
    meeting = payload.get("panel_meeting")
    if meeting and payload.get("decided_by") == "screening group":
        return words["screening_group"].format(panel=meeting["panel"], date=nhs_date(meeting["date"]))
    if meeting:
        by = "review_panel" if payload.get("decided_by") == "review_panel" else "panel"
        return words[by].format(date=nhs_date(meeting["date"]))
    return None


def departure(action: Action, payload: dict) -> tuple[Section, ...]:
    """A panel's reason for an outcome that departs from its findings, when it recorded one and the
    action's own fields have not already printed it."""
    reason = payload.get(DEPARTURE_REASON)
    if not reason or any(field.key == DEPARTURE_REASON for field in action.payload):
        return ()
    return (Section(heading=wording()["departure_heading"], paragraphs=(str(reason),)),)


def onward_routes(template: dict) -> Section | None:
    """The routes left after NHS England's process is complete, on the letters that say so."""
    words = wording()["onward"]
    if not template.get("onward"):
        return None
    return Section(heading=words["heading"], paragraphs=tuple(words["routes"]))


def action_of(workflow: Workflow, event: CaseEvent) -> Action:
    """The action that recorded the event: its name, from-state and to-state identify it."""
    return next(a for a in workflow.actions if a.event == event.name
                and event.from_state in a.from_states and a.to in (event.to_state, "same"))


def clinician_next_steps(template: dict, review: dict) -> tuple[str, ...]:
    words = wording()["clinician"]
    if template.get("review_offered"):  # a decline: reconsideration with new information, or review
        return words["reconsideration"], words["review"].format(**review)
    return tuple(template.get("next_steps", (words["otherwise"],)))


def payload_sections(fields: tuple[FieldDefinition, ...], payload: dict) -> tuple[Section, ...]:
    """Every payload field of the action that was answered, under its label, in the workflow's order:
    the findings as the test applied and a table of its criteria, choices by their labels, dates in
    words."""
    sections = []
    for field in fields:
        value = payload.get(field.key)
        if value in (None, "", [], {}):
            continue
        if field.type == "group" and any(child.type == "group" for child in field.fields):
            sections.append(Section(heading=field.label, paragraphs=stated_test(value),
                                    table=_findings(field, value)))
        else:
            sections.append(Section(heading=field.label, paragraphs=(_as_text(field, value),)))
    return tuple(sections)


def stated_test(findings: dict) -> tuple[str, ...]:
    """The branch of the exceptionality test the panel applied, in the letter's words, and the
    comparator group it stated; nothing for findings recorded before the test branched."""
    words = wording()["exceptionality_test"]
    position = findings.get(POLICY_POSITION)
    if position not in words["branches"]:
        return ()
    stated = [words["branches"][position].format(policy=findings.get(POLICY_REFERENCE, ""))]
    if findings.get(COMPARATOR_GROUP):
        stated.append(words["comparator_group"].format(group=findings[COMPARATOR_GROUP]))
    return tuple(stated)


def _findings(field: FieldDefinition, value: dict) -> tuple[tuple[str, ...], ...]:
    """The criteria the panel gave findings on: those of the branch it applied (or, recorded before
    the test branched, the four asked of every case); or the grounds an initial consideration of a
    request for review answered (only those the clinician stated)."""
    headings = wording()["table_heading"]
    rows = [(headings.get(field.key, headings["otherwise"]), "Finding", "Reasons")]
    for criterion in field.fields:
        answer = value.get(criterion.key)
        if criterion.type != "group" or not isinstance(answer, dict):
            continue
        rows.append((criterion.label, str(answer.get("finding", "")).capitalize(),
                     str(answer.get("reasons", ""))))
    return tuple(rows)


def _as_text(field: FieldDefinition, value) -> str:
    labels = {option["value"]: option["label"] for option in (field.item or field).options}
    if isinstance(value, list):
        return "; ".join(labels.get(item, str(item)) for item in value)
    if field.type == "date":
        return nhs_date(value)
    return labels.get(value, str(value))
