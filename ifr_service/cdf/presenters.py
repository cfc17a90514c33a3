"""Turn the national list and CDF applications into the plain dicts the response schemas dump."""

from __future__ import annotations

from decimal import Decimal

from ifr_service.cases.models import Case
from ifr_service.cdf import queries
from ifr_service.cdf.definition import CdfEntry
from ifr_service.cdf.models import CdfApplication
from ifr_service.cdf.service import approval_status, next_due_on, next_treatment_by
from ifr_service.forms.answers import TREATMENT_PLANNED_START_DATE, read_answer
from ifr_service.forms.definition import FieldDefinition
from ifr_service.funding.breaks import break_policy
from ifr_service.reference.models import Region
from ifr_service.reference.queries import find_organisation, find_provider_names
from ifr_service.runtime import runtime


def pounds(pence: int) -> Decimal:
    return Decimal(pence) / 100


def present_entry(entry: CdfEntry, describe_fields) -> dict:
    """An entry of the list with its criteria form: what a clinician answers to apply."""
    form = runtime().cdf.criteria_form(entry)
    treatment: tuple[FieldDefinition, ...] = next(s.fields for s in form.sections if s.key == "treatment")
    return {
        **present_entry_summary(entry),
        "indication_icd10_categories": list(entry.icd10_categories),
        "dmd_code": entry.dmd_code,
        "valid_from": entry.valid_from, "valid_to": entry.valid_to,
        "data_collection_ends_on": entry.data_collection_ends_on,
        "immunotherapy": entry.immunotherapy,
        "cycle_days": entry.cycle_days,
        "allowed_break_weeks": break_policy().allowed_weeks(entry.immunotherapy),
        "start_within_weeks": entry.start_within_weeks,
        "cost": {"unit": entry.cost.unit, "per_unit_gbp": pounds(entry.cost.unit_pence),
                 "units": entry.cost.units, "per_patient_gbp": pounds(entry.cost.per_patient_pence)},
        "criteria": [{"key": c.key, "text": c.text, "mandatory": c.mandatory} for c in entry.criteria],
        "treatment_fields": describe_fields(treatment),
    }


def present_entry_summary(entry: CdfEntry) -> dict:
    return {"key": entry.key, "version": entry.version, "title": entry.title, "drug": entry.drug_name,
            "indication": entry.indication, "nice_appraisal": entry.nice_appraisal,
            "funding_route": entry.funding_route}


def present_application(case: Case) -> dict:
    """The CDF part of a case: the entry version decided on, the approval and the treatment."""
    record = queries.get_application(case.id)
    return present_record(record, case)


def present_record(record: CdfApplication, case: Case) -> dict:
    entry = runtime().cdf.get(record.entry_key, record.entry_version)
    on_treatment = case.state == "on_treatment"
    return {
        "entry": present_entry_summary(entry),
        "approval_number": record.approval_number,
        "status": approval_status(record, case.state, runtime().today()),
        "decided_on": record.decided_on,
        "start_by": record.start_by,
        "unmet_criteria": [{"key": key, "text": entry.criterion(key).text} for key in record.unmet_criteria],
        "treatment": {
            "started_on": record.started_on, "last_treatment_on": record.last_treatment_on,
            "cycles_given": record.cycles_given, "stopped_on": record.stopped_on,
            "stop_reason": record.stop_reason,
            "break_limit_weeks": break_policy().allowed_weeks(entry.immunotherapy),
            "cycle_days": entry.cycle_days,
            "next_due_on": next_due_on(record) if on_treatment else None,
            "next_treatment_by": next_treatment_by(record) if on_treatment else None,
        },
        "expected_cost_gbp": pounds(record.expected_cost_pence),
    }


def present_region_item(record: CdfApplication, case: Case, provider_names: dict[str, str]) -> dict:
    """One line of a region's list of applications: no patient details. `provider_names` are the
    trusts' names by ODS code (reference.queries.find_provider_names, one query for the page)."""
    return {"reference": case.reference, "state": case.state, "provider_org_code": case.provider_org_code,
            "provider_name": provider_names.get(case.provider_org_code), **present_record(record, case)}


def present_approval(record: CdfApplication, case: Case, show_case: bool) -> dict:
    """An approval looked up by its number: enough to check an invoice, no patient details."""
    presented = present_record(record, case)
    presented.pop("unmet_criteria")
    return {**presented, "region": find_organisation(Region, case.region_id),
            "provider_org_code": case.provider_org_code,
            "provider_name": find_provider_names([case.provider_org_code]).get(case.provider_org_code),
            "case_reference": case.reference if show_case else None}


def present_case_summary(case: Case) -> dict:
    """What a CDF case page and its printable approval confirmation show: the drug, the regimen
    chosen (by its label), the approval number and the date treatment must start by."""
    cdf = present_application(case)
    record = queries.get_application(case.id)
    entry = runtime().cdf.get(record.entry_key, record.entry_version)
    form = runtime().cdf.criteria_form(entry, case.form_version)
    treatment = next((s for s in form.sections if s.key == "treatment"), None)
    answered = case.answers.get("treatment") or {}
    rows = []
    for field in treatment.fields if treatment else ():
        if field.key != TREATMENT_PLANNED_START_DATE.keys[1] and answered.get(field.key) is not None:
            labels = {str(option["value"]): option["label"] for option in field.options}
            rows.append({"label": field.label,
                         "answer": labels.get(str(answered[field.key]), str(answered[field.key]))})
    return {**cdf, "drug_name": entry.drug_name, "treatment_answers": rows,
            "regimen": next((row["answer"] for row in rows if row["label"] == "Regimen"), None),
            "planned_start_date": read_answer(case.answers, TREATMENT_PLANNED_START_DATE)}


def present_entry_prices(entry) -> dict:
    """An entry's list price and its confidential prices (cdf/prices.py: EntryPrices), for the CDF
    teams and administrators only."""
    return {"entry": entry.key, "title": entry.title, "cost_unit": entry.cost_unit,
            "list_price_gbp": pounds(entry.list_pence),
            "prices": [present_price(price.row, price.entered_by) for price in entry.prices]}


def present_price(row, entered_by: str) -> dict:
    return {"id": row.id, "entry_key": row.entry_key, "cost_unit": row.cost_unit,
            "price_gbp": pounds(row.unit_pence), "valid_from": row.valid_from, "entered_by": entered_by,
            "entered_utc": row.entered_utc}
