"""The Cancer Drugs Fund pages: the national list, an application decided at once, its result (and
an IFR instead when it is not approved), and a region's applications for its CDF team.

The application page is built from the entry's criteria form (the CDF application form, the
entry's treatment questions and its criteria), so a new list entry needs no new template.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from marshmallow import fields, validate

from ifr_service.audit.recording import note_list_shown
from ifr_service.cases import service as case_service
from ifr_service.cases.access import get_identifiable_case, get_visible_case
from ifr_service.cases.models import Case
from ifr_service.cdf import queries, service
from ifr_service.cdf.definition import UNLISTED_DRUG_FORM, CdfEntry
from ifr_service.cdf.presenters import present_application, present_case_summary, present_region_item
from ifr_service.cdf.routes import CDF_STATES
from ifr_service.errors import IfrError, NotFound, ValidationFailed
from ifr_service.forms.definition import FormDefinition
from ifr_service.reference.queries import find_provider_names, get_region
from ifr_service.runtime import runtime
from ifr_service.text import shortened
from ifr_service.users.access import current_user
from ifr_service.users.models import Role
from ifr_service.web.fields import posted_values, read_fields, shown_values
from ifr_service.web.requests import PageArgs, load_query, page_count
from ifr_service.web.session import page_allow

cdf_pages = Blueprint("cdf", __name__)
PAGE_SIZE = 25
CDF_READERS = (Role.CLINICIAN, Role.CDF_ADMIN)  # each sees only its own (cases/access.py)
STATUS_TITLES = {"active": "Active", "expired": "Expired", "lapsed": "Lapsed", "stopped": "Stopped",
                 "not_approved": "Not approved"}


class RegionListArgs(PageArgs):
    state = fields.String(load_default=None, validate=validate.OneOf(CDF_STATES))
    entry = fields.String(load_default=None, validate=validate.Length(max=60))


@cdf_pages.get("/cdf")
@page_allow(Role.CLINICIAN)
def choose_drug():
    today = runtime().today()
    return render_template("cdf/choose.html", title="Apply to the Cancer Drugs Fund",
                           entries=runtime().cdf.current_list(today), today=today)


@cdf_pages.route("/cdf/<entry_key>/apply", methods=["GET", "POST"])
@page_allow(Role.CLINICIAN)
def apply(entry_key: str):
    """Two steps: the patient first, checked at once against the rule of one approval in force per
    patient and entry; then the rest and the criteria. A refusal at either keeps what was typed."""
    entry = _current_entry(entry_key)
    form = runtime().cdf.criteria_form(entry)
    if request.method == "GET":
        return _application_page(entry, form, {}, None, step=PATIENT_STEP)
    if request.form.get("step") in (PATIENT_STEP, "change_patient"):
        return _patient_step(entry, form)
    answers = {section.key: read_fields(section.fields, request.form, f"{section.key}.")
               for section in form.sections}
    try:
        case = service.apply(current_user(), {"entry": entry.key, **answers})
    except IfrError as error:
        if error.status_code not in (409, 422):
            raise
        errors = _field_errors(error)
        step = PATIENT_STEP if all(path.startswith("patient.") for path in errors) else "criteria"
        return _application_page(entry, form, posted_values(request.form), errors, step), error.status_code
    return redirect(url_for(".show_application", reference=case.public_reference))


PATIENT_STEP = "patient"


def _patient_step(entry: CdfEntry, form: FormDefinition):
    values = posted_values(request.form)
    if request.form.get("step") == "change_patient":
        return _application_page(entry, form, values, None, step=PATIENT_STEP)
    patient = next(s for s in form.sections if s.key == "patient")
    try:
        service.check_patient(current_user(), entry.key,
                              read_fields(patient.fields, request.form, "patient."))
    except IfrError as error:
        if error.status_code not in (409, 422):
            raise
        return _application_page(entry, form, values, _field_errors(error), PATIENT_STEP), error.status_code
    clinician = next(s for s in form.sections if s.key == "clinician")  # from the sign-in, not retyped
    prefilled = shown_values(clinician.fields, case_service.clinician_details(current_user()), "clinician.")
    return _application_page(entry, form, prefilled | values, None, step="criteria")


@cdf_pages.get("/cdf/applications/<reference>")
@page_allow(*CDF_READERS)
def show_application(reference: str):
    return _result_page(_cdf_case(reference), {}, None)


@cdf_pages.get("/cdf/applications/<reference>/confirmation")
@page_allow(Role.CLINICIAN)
def approval_confirmation(reference: str):
    """The approval, as a page to print and keep with the patient's record: what the trust quotes
    when it invoices, and the date treatment must start by."""
    case = get_identifiable_case(reference, current_user())
    if case.route != "cdf":
        raise NotFound("That case is not a Cancer Drugs Fund application.")
    summary = present_case_summary(case)
    if not summary["approval_number"]:
        raise NotFound("This application was not approved, so there is no approval to confirm.")
    return render_template("cdf/confirmation.html", title=f"Approval {summary['approval_number']}", case=case,
                           cdf=summary)


@cdf_pages.post("/cdf/applications/<reference>/ifr-conversion")
@page_allow(Role.CLINICIAN)
def convert_to_ifr(reference: str):
    case = _cdf_case(reference)
    drug = read_fields(_drug_form().sections[0].fields, request.form, "drug.")
    try:
        draft = service.convert_application_to_ifr(current_user(), case, drug)
    except ValidationFailed as error:
        return _result_page(case, posted_values(request.form), error.fields)
    return redirect(url_for("pages.application.task_list", reference=draft.public_reference))


@cdf_pages.get("/cdf/applications")
@page_allow(Role.CDF_ADMIN)
def list_applications():
    args = load_query(RegionListArgs())
    region = get_region(current_user().region_id) if current_user().region_id else None
    if region is None:
        raise NotFound("You are not a member of a region's CDF team, so there are no applications for you.")
    found, total = queries.find_region_applications(region.id, args["state"], args["entry"], args["page"],
                                                    PAGE_SIZE)
    note_list_shown(current_user(), f"list:cdf-applications:{region.code}")  # no patient details
    providers = find_provider_names(case.provider_org_code for _, case in found)
    return render_template(
        "cdf/applications.html", title=f"{region.name}: Cancer Drugs Fund applications", region=region,
        applications=[present_region_item(record, case, providers) for record, case in found], total=total,
        args=args, pages=page_count(total, PAGE_SIZE), states=CDF_STATES, statuses=STATUS_TITLES,
        entries=runtime().cdf.current_list(runtime().today()), workflow=runtime().workflows["cdf"])


def _current_entry(key: str) -> CdfEntry:
    entry = runtime().cdf.current(key, runtime().today())
    if entry is None:
        raise NotFound(f"{shortened(key)} is not on the national Cancer Drugs Fund list today.")
    return entry


def _application_page(entry: CdfEntry, form: FormDefinition, values: dict, errors: dict | None,
                      step: str):
    patient = next(s for s in form.sections if s.key == "patient")
    carried = {name: value for name, value in values.items() if name.startswith("patient.")}
    return render_template("cdf/apply.html", title=f"Apply for {entry.title}", entry=entry, form=form,
                           values=values, errors=errors, step=step, patient=patient, carried=carried)


def _field_errors(error: IfrError) -> dict[str, list[str]]:
    """The service's refusals beside the inputs: every answer's problem, or the one refusal
    (an ICD-10 code outside the entry's indication, a start date out of its window)."""
    if isinstance(error, ValidationFailed):
        return error.fields
    if error.status_code == 409:  # an approval in force for this patient: said beside their NHS number
        return {"patient.nhs_number": [error.message]}
    return {error.field or "_request": [error.message]}


def _cdf_case(reference: str) -> Case:
    case = get_visible_case(reference, current_user())
    if case.route != "cdf":
        raise NotFound("That case is not a Cancer Drugs Fund application.")
    return case


def _result_page(case: Case, values: dict, errors: dict | None):
    cdf = present_application(case)
    drug_form, approved = _drug_form(), bool(cdf["approval_number"])
    if not values:  # what the clinician asked the CDF for, ready to carry into the IFR
        values = {"drug.name": cdf["entry"]["drug"],
                  "drug.dmd_code": runtime().cdf.get(cdf["entry"]["key"], cdf["entry"]["version"]).dmd_code}
    return render_template(
        "cdf/result.html", title="Application approved" if approved else "Application not approved",
        case=case, cdf=cdf, statuses=STATUS_TITLES, drug_section=drug_form.sections[0], values=values,
        errors=errors, can_convert=current_user().role_enum is Role.CLINICIAN and not approved,
        provider=find_provider_names([case.provider_org_code]).get(case.provider_org_code)), \
        422 if errors else 200


def _drug_form() -> FormDefinition:
    return runtime().forms.latest(UNLISTED_DRUG_FORM)
