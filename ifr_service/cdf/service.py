"""The Cancer Drugs Fund use cases: an application decided at once against its entry's criteria
form, and an application for a drug not on the list turned into an IFR draft.

Like the case service, each function runs in the caller's unit of work: anything refused is
refused before a row is written, so a refusal changes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from ifr_service import db
from ifr_service.audit.models import DENIED
from ifr_service.audit.recording import note_case_seen, note_cases_shown
from ifr_service.cases import queries as cases
from ifr_service.cases import service as case_service
from ifr_service.cases.access import can_see_case
from ifr_service.cases.actions import take_system_action
from ifr_service.cases.models import Case
from ifr_service.cdf import queries
from ifr_service.cdf.approval_numbers import allocate_approval_number, normalise_approval_number
from ifr_service.cdf.definition import APPLICATION_FORM, UNLISTED_DRUG_FORM, CdfEntry
from ifr_service.cdf.models import CdfApplication
from ifr_service.errors import Conflict, Forbidden, IfrError, NotFound, ValidationFailed
from ifr_service.forms.answers import (
    DIAGNOSIS_ICD10_CODE,
    DRUG_DMD_CODE,
    DRUG_DOSE,
    DRUG_DURATION,
    DRUG_FREQUENCY,
    DRUG_NAME,
    PATIENT_COMMISSIONER,
    PATIENT_NHS_NUMBER,
    TREATMENT_PLANNED_START_DATE,
    read_answer,
    submitted_answer,
)
from ifr_service.forms.definition import FormDefinition
from ifr_service.forms.validation import validate_answers
from ifr_service.funding import breaks
from ifr_service.funding.breaks import break_policy
from ifr_service.interventions import intervention_key
from ifr_service.reference import queries as reference
from ifr_service.reference.models import Region
from ifr_service.runtime import runtime
from ifr_service.text import shortened
from ifr_service.treatment_breaks import service as treatment_breaks
from ifr_service.users.models import Role, User

CONVERSION = {"href": "/api/v1/cdf/ifr-conversions", "method": "POST",
              "description": "Turn this application into an Individual Funding Request draft that "
                             "carries its patient, clinician and diagnosis."}


def apply(actor: User, body) -> Case:
    """Check a CDF application and decide it: approved with a number when every mandatory
    criterion is confirmed, not approved (naming the unmet criteria) when any is not."""
    _check_is_clinician(actor)
    if not isinstance(body, dict):
        raise ValidationFailed({"_request": "The request body must be a JSON object of answers."})
    answers = dict(body)
    today = runtime().today()
    entry = _current_entry(answers.pop("entry", None), today)
    answers = validate_answers(runtime().cdf.criteria_form(entry), answers, complete=True)
    case_service.check_provider_is_own_trust(actor, answers)
    _check_indication(entry, submitted_answer(answers, DIAGNOSIS_ICD10_CODE))
    planned_start = date.fromisoformat(submitted_answer(answers, TREATMENT_PLANNED_START_DATE))
    _check_planned_start(entry, planned_start, today)
    nhs_number = submitted_answer(answers, PATIENT_NHS_NUMBER)
    db.lock(f"cdf:{nhs_number}:{entry.key}")
    _refuse_duplicate(actor, answers, entry, today)
    case = _receive(actor, entry, answers)
    unmet = [c.key for c in entry.criteria if c.mandatory and answers["criteria"][c.key] is not True]
    record = queries.create_application(CdfApplication(
        case_id=case.id, entry_key=entry.key, entry_version=entry.version, nhs_number=nhs_number,
        decided_on=today, unmet_criteria=unmet,
        # The policy's break for the class, recorded; the policy itself decides (funding/breaks.py).
        treatment_break_weeks=break_policy().allowed_weeks(entry.immunotherapy),
        funding_route=entry.funding_route, cost_unit=entry.cost.unit,
        cost_unit_pence=entry.cost.unit_pence, cost_units=entry.cost.units))
    if unmet:
        return take_system_action(case, "not_approve", {"unmet_criteria": unmet})
    record.approval_number = allocate_approval_number(today.year)
    record.start_by = today + timedelta(weeks=entry.start_within_weeks)
    return take_system_action(case, "approve", {"approval_number": record.approval_number,
                                                "start_by": record.start_by.isoformat()})


def check_patient(actor: User, entry_key, patient) -> dict:
    """The first step of an application, as soon as the patient and the drug are known: the patient's
    answers checked, and the rule of one approval in force per patient and entry applied, so that a
    clinician learns of a duplicate before answering the criteria. `apply` checks it all again."""
    _check_is_clinician(actor)
    today = runtime().today()
    entry = _current_entry(entry_key, today)
    application = runtime().cdf.application_form
    section = next(s for s in application.sections if s.key == "patient")
    form = FormDefinition(key=f"{application.key}-v{application.version}-patient", version=1, route="cdf",
                          title=section.title, sections=(section,))
    answers = validate_answers(form, {"patient": patient}, complete=True)
    _refuse_duplicate(actor, answers, entry, today)
    return answers["patient"]


def apply_idempotently(actor: User, body, key: str | None) -> tuple[Case, int]:
    return case_service.once(actor, key, {"cdf": body}, lambda: apply(actor, body), status_code=201)


def convert_to_ifr(actor: User, body) -> Case:
    """An IFR draft carrying the CDF application's patient, clinician, diagnosis and the drug
    wanted; the clinician completes the rest (the clinical case, the cost) before submitting."""
    _check_is_clinician(actor)
    form = _conversion_form()
    answers = validate_answers(form, body, complete=True)
    intervention = {"type": "drug", "name": submitted_answer(answers, DRUG_NAME),
                    "dose": submitted_answer(answers, DRUG_DOSE),
                    "frequency": submitted_answer(answers, DRUG_FREQUENCY),
                    "duration": submitted_answer(answers, DRUG_DURATION)}
    if read_answer(answers, DRUG_DMD_CODE):
        intervention["dmd_code"] = read_answer(answers, DRUG_DMD_CODE)
    ifr_answers = {"patient": answers["patient"], "clinician": answers["clinician"],
                   "diagnosis": answers["diagnosis"], "intervention": intervention}
    case = case_service.create_draft(actor, ifr_answers, route="ifr")
    cases.record_event(case, "converted_from_cdf", actor, case.state, case.state, {
        "drug": submitted_answer(answers, DRUG_NAME),
        "planned_start_date": submitted_answer(answers, TREATMENT_PLANNED_START_DATE)})
    return case


def convert_application_to_ifr(actor: User, case: Case, drug: dict) -> Case:
    """An IFR draft from a CDF application already made (one not approved, say): its patient,
    clinician, diagnosis and planned start, with the drug as the clinician describes it."""
    answers = case.answers
    return convert_to_ifr(actor, {
        "patient": answers["patient"], "clinician": answers["clinician"], "diagnosis": answers["diagnosis"],
        "treatment": {"planned_start_date": submitted_answer(answers, TREATMENT_PLANNED_START_DATE)},
        "drug": drug})


def approval_status(record: CdfApplication, state: str, today: date) -> str:
    """Whether an approval is in force today: active, expired, lapsed, stopped or not_approved. On
    treatment, NHS England's break policy decides (funding/breaks.py): a break past it lapses the
    approval unless a treatment-break request is pending or approved."""
    if record.approval_number is None:
        return "not_approved"
    if state == "approved":
        return "active" if today <= record.start_by else "expired"
    if state == "on_treatment":
        if _within_the_break_allowed(record, today):  # no query: the spend reads every approval
            return "active"
        course, found = _course_and_breaks(record)
        return "lapsed" if breaks.has_lapsed(break_policy(), course, found, today) else "active"
    return {"treatment_stopped": "stopped"}.get(state, state)


def next_treatment_by(record: CdfApplication) -> date | None:
    """The last day the next treatment may be given and keep the approval: the break the policy
    allows beyond the end of the last cycle, or an approved request's planned restart."""
    course, found = _course_and_breaks(record)
    return breaks.in_force_until(break_policy(), course, found)


def next_due_on(record: CdfApplication) -> date | None:
    """The end of the last cycle, when the next is due."""
    return breaks.next_due_on(_course_and_breaks(record)[0])


def _within_the_break_allowed(record: CdfApplication, today: date) -> bool:
    """Whether today is within the break the policy allows with no form, from the application's own
    last treatment date and its entry's cycle and class. A request can only lengthen that (a refused
    one lapses the case at once), and a later cycle recorded on the authorisation only moves it on."""
    if record.last_treatment_on is None:
        return False
    entry = runtime().cdf.get(record.entry_key, record.entry_version)
    course = breaks.Course(record.last_treatment_on, entry.cycle_days, entry.immunotherapy)
    return today <= breaks.latest_restart_without_form(break_policy(), course)


def _course_and_breaks(record: CdfApplication) -> tuple[breaks.Course, list[breaks.RecordedBreak]]:
    """The authorisation's course and breaks; for an approval with no authorisation, the
    application's own last treatment date and its entry's cycle and class."""
    found = treatment_breaks.course_and_breaks(record.case_id)
    if found is not None:
        return found
    entry = runtime().cdf.get(record.entry_key, record.entry_version)
    return breaks.Course(record.last_treatment_on, entry.cycle_days, entry.immunotherapy), []


def _check_is_clinician(actor: User) -> None:
    if actor.role_enum is not Role.CLINICIAN:
        raise Forbidden("Only a clinician can apply to the Cancer Drugs Fund.")


def _current_entry(key, today: date) -> CdfEntry:
    if not isinstance(key, str) or not key.strip():
        raise ValidationFailed({"entry": "Choose a drug and indication from the national CDF list "
                                         "(GET /api/v1/cdf/entries) and give its key."})
    entry = runtime().cdf.current(key.strip(), today)
    if entry is None:
        raise IfrError(f"{shortened(key.strip())} is not on the national Cancer Drugs Fund list today, so it "
                       "cannot be approved through the CDF. You can make an Individual Funding "
                       "Request for it instead.", status_code=422, field="entry",
                       ifr_conversion=CONVERSION)
    return entry


def _check_indication(entry: CdfEntry, icd10_code: str) -> None:
    if icd10_code[:3] not in entry.icd10_categories:
        raise IfrError(f"{icd10_code} is outside this entry's indication (ICD-10 "
                       f"{', '.join(entry.icd10_categories)}): the CDF cannot fund {entry.drug_name} "
                       "for it. You can make an Individual Funding Request instead.",
                       status_code=422, field="diagnosis.icd10_code", ifr_conversion=CONVERSION)


def _check_planned_start(entry: CdfEntry, planned: date, today: date) -> None:
    latest = today + timedelta(weeks=entry.start_within_weeks)
    if planned < today:
        raise ValidationFailed({"treatment.planned_start_date": "The CDF approves treatment before "
                                "it starts: give a planned start date from today on."})
    if planned > latest:
        raise ValidationFailed({"treatment.planned_start_date": "An approval lasts "
                                f"{entry.start_within_weeks} weeks: apply no earlier than "
                                f"{entry.start_within_weeks} weeks before the planned start "
                                f"(by {latest:%d %B %Y})."})


def _refuse_duplicate(actor: User, answers: dict, entry: CdfEntry, today: date) -> None:
    """One approval in force per patient and entry. Who may see that approval's case (a clinician
    of the trust that holds it) is told its number; anyone else learns only that an application
    cannot be made now and whom to ask, never that an approval exists, nor its number."""
    for record, case in queries.find_live_approvals(submitted_answer(answers, PATIENT_NHS_NUMBER), entry.key):
        if approval_status(record, case.state, today) != "active":
            continue
        if can_see_case(actor, case):
            raise Conflict(f"This patient already has an approval in force for {entry.drug_name} in "
                           f"this indication: {record.approval_number} ({case.reference}). Record its "
                           "treatment instead of applying again.", field="entry",
                           approval_number=record.approval_number, reference=case.reference)
        team = _cdf_team_for(submitted_answer(answers, PATIENT_COMMISSIONER))
        raise Conflict(f"An application to the Cancer Drugs Fund for this patient and {entry.drug_name} "
                       f"cannot be made now. Contact {team} before applying.", field="entry")


def _cdf_team_for(commissioner_code: str) -> str:
    """The regional CDF team that would receive the patient's application, by their commissioner."""
    commissioner = reference.find_commissioner(commissioner_code)
    hub = commissioner and reference.find_hub_for_commissioner(commissioner, runtime().today())
    if not hub:
        return "your region's Cancer Drugs Fund team"
    return f"the Cancer Drugs Fund team of {reference.get_region(hub.region_id).name}"


def _receive(actor: User, entry: CdfEntry, answers: dict) -> Case:
    application = runtime().cdf.application_form
    case = cases.create_case(Case(
        draft_reference=case_service.new_draft_reference(), route="cdf",
        state=runtime().workflows["cdf"].initial, form_key=application.key,
        form_version=application.version, answers=answers, created_by_id=actor.id,
        provider_org_code=actor.organisation_code))
    _, region = case_service.register_submission(case, intervention_key(entry.drug_name, entry.dmd_code))
    cases.record_event(case, "cdf_application_received", actor, None, case.state, {
        "reference": case.reference, "entry": entry.key, "entry_version": entry.version,
        "region": region.code})
    return case


def _conversion_form() -> FormDefinition:
    application, drug = runtime().cdf.application_form, runtime().forms.latest(UNLISTED_DRUG_FORM)
    return FormDefinition(key=f"{APPLICATION_FORM}-v{application.version}-unlisted-v{drug.version}",
                          version=1, route="cdf", title=drug.title,
                          sections=application.sections + drug.sections)


def look_up_approval(user: User, typed: str) -> tuple[CdfApplication, Case]:
    """An approval by its number as a person typed it (spaces and case forgiven): 422 naming `number`
    for one that cannot be a number or has a wrong check digit, 404 for one that is not known or,
    for a clinician, not of their own trust (the refusal recorded). Each look-up is recorded as a
    read of the patient's case, whoever makes it."""
    record, case = queries.find_by_approval_number(normalise_approval_number(typed))
    if user.role_enum is Role.CLINICIAN and case.provider_org_code != user.organisation_code:
        note_case_seen(user, case, action=DENIED)
        raise NotFound(f"There is no CDF approval {record.approval_number} for your trust.", field="number")
    note_cases_shown(user, [case])
    return record, case


def region_of_team(user: User, region_code: str) -> Region:
    """The region, if the user is its CDF administrator (or an administrator); else not found, so
    that another region's team is not told what exists."""
    region = reference.find_region(region_code)
    if region is None or (user.role_enum is Role.CDF_ADMIN and user.region_id != region.id):
        raise NotFound(f"There is no region {shortened(region_code)} for you.", field="region_code")
    return region
