"""The wire format of the Cancer Drugs Fund: marshmallow schemas that dump responses and document them."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ifr_service.cases.schemas import OrganisationSchema, PayloadFieldSchema, money_text

FUNDING_ROUTES = ["managed_access", "interim_funding", "routine_commissioning"]
STATUSES = ["active", "expired", "lapsed", "stopped", "not_approved", "received"]


def _money(description: str) -> fields.Decimal:
    return money_text(required=True, metadata={"description": description})


class EntrySummarySchema(Schema):
    key = fields.String(required=True)
    version = fields.Integer(required=True)
    title = fields.String(required=True)
    drug = fields.String(required=True)
    indication = fields.String(required=True)
    nice_appraisal = fields.String(required=True)
    funding_route = fields.String(required=True, metadata={"enum": FUNDING_ROUTES})


class CriterionSchema(Schema):
    key = fields.String(required=True, metadata={
        "description": "Answer it under `criteria` as true or false."})
    text = fields.String(required=True)
    mandatory = fields.Boolean(required=True, metadata={
        "description": "Every mandatory criterion must be confirmed for an approval."})


class EntryCostSchema(Schema):
    unit = fields.String(required=True, metadata={"enum": ["cycle", "month"]})
    per_unit_gbp = _money("List price of one cycle or month.")
    units = fields.Integer(required=True, metadata={
        "description": "Cycles or months a patient is expected to have."})
    per_patient_gbp = _money("Expected cost of one patient's treatment.")


class EntrySchema(EntrySummarySchema):
    indication_icd10_categories = fields.List(fields.String(), required=True)
    dmd_code = fields.String(required=True)
    valid_from = fields.Date(required=True)
    valid_to = fields.Date(allow_none=True)
    data_collection_ends_on = fields.Date(allow_none=True, metadata={
        "description": "When the managed access agreement's data collection ends."})
    immunotherapy = fields.Boolean(required=True)
    cycle_days = fields.Integer(required=True, metadata={
        "description": "The length of one treatment cycle in days: the end of the last cycle is its "
                       "date plus this."})
    allowed_break_weeks = fields.Integer(required=True, metadata={
        "description": "NHS England's break in treatment allowed with no form, beyond the end of the "
                       "last cycle (6 weeks; 12 for immunotherapy); a longer one needs a treatment-break "
                       "request."})
    start_within_weeks = fields.Integer(required=True, metadata={
        "description": "Treatment must start within this many weeks of the approval."})
    cost = fields.Nested(EntryCostSchema, required=True)
    criteria = fields.List(fields.Nested(CriterionSchema), required=True)
    treatment_fields = fields.List(fields.Nested(PayloadFieldSchema), required=True, metadata={
        "description": "The questions of the `treatment` section for this entry."})


class UnmetCriterionSchema(Schema):
    key = fields.String(required=True)
    text = fields.String(required=True)


class TreatmentRecordSchema(Schema):
    started_on = fields.Date(allow_none=True)
    last_treatment_on = fields.Date(allow_none=True)
    cycles_given = fields.Integer(required=True)
    stopped_on = fields.Date(allow_none=True)
    stop_reason = fields.String(allow_none=True, metadata={
        "enum": ["progression", "toxicity", "patient_choice", "death", "completed", "other", None]})
    break_limit_weeks = fields.Integer(required=True, metadata={
        "description": "The break allowed with no form beyond the end of the last cycle (6 weeks; 12 "
                       "for immunotherapy)."})
    cycle_days = fields.Integer(required=True)
    next_due_on = fields.Date(allow_none=True, metadata={
        "description": "While on treatment: the end of the last cycle, when the next is due."})
    next_treatment_by = fields.Date(allow_none=True, metadata={
        "description": "While on treatment: the last day the next treatment keeps the approval (the "
                       "break allowed with no form, or an approved treatment-break request's planned "
                       "restart)."})


class ApplicationSchema(Schema):
    entry = fields.Nested(EntrySummarySchema, required=True)
    approval_number = fields.String(allow_none=True)
    status = fields.String(required=True, metadata={"enum": STATUSES})
    decided_on = fields.Date(required=True)
    start_by = fields.Date(allow_none=True, metadata={"description": "Treatment must start by this day."})
    unmet_criteria = fields.List(fields.Nested(UnmetCriterionSchema), required=True)
    treatment = fields.Nested(TreatmentRecordSchema, required=True)
    expected_cost_gbp = _money("The entry's expected cost per patient when decided.")


def _provider_name() -> fields.String:
    return fields.String(allow_none=True, metadata={
        "description": "The provider's name from the reference data's trusts; null for a code not held."})


class ApprovalSchema(Schema):
    entry = fields.Nested(EntrySummarySchema, required=True)
    approval_number = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": STATUSES})
    decided_on = fields.Date(required=True)
    start_by = fields.Date(allow_none=True)
    treatment = fields.Nested(TreatmentRecordSchema, required=True)
    expected_cost_gbp = _money("The entry's expected cost per patient when approved.")
    region = fields.Nested(OrganisationSchema, allow_none=True)
    provider_org_code = fields.String(allow_none=True)
    provider_name = _provider_name()
    case_reference = fields.String(allow_none=True, metadata={
        "description": "Only for those who may read the case."})


class RegionApplicationSchema(ApplicationSchema):
    reference = fields.String(required=True)
    state = fields.String(required=True)
    provider_org_code = fields.String(allow_none=True)
    provider_name = _provider_name()


class RegionApplicationsSchema(Schema):
    region = fields.Nested(OrganisationSchema, required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
    total = fields.Integer(required=True)
    applications = fields.List(fields.Nested(RegionApplicationSchema), required=True)


class AuditRowSchema(Schema):
    entry = fields.Nested(EntrySummarySchema, required=True)
    applications = fields.Integer(required=True)
    approved = fields.Integer(required=True)
    not_approved = fields.Integer(required=True)
    unmet_criteria = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True, metadata={
        "description": "How often each criterion was not confirmed."})
    started = fields.Integer(required=True)
    expired = fields.Integer(required=True)
    lapsed = fields.Integer(required=True)
    stopped = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True, metadata={
        "description": "Treatments stopped, by reason."})


class RegionAuditSchema(Schema):
    region = fields.Nested(OrganisationSchema, required=True)
    start = fields.Date(data_key="from", required=True)
    end = fields.Date(data_key="to", required=True)
    entries = fields.List(fields.Nested(AuditRowSchema), required=True)


PRICED_AT = ["list", "confidential", "list_and_confidential"]


class SpendLineSchema(Schema):
    approvals = fields.Integer(required=True, metadata={
        "description": "Approvals with treatment given or expected in the year."})
    committed_gbp = _money("The treatment given in the year up to as_of, each cycle or month in its month.")
    forecast_gbp = _money("Committed, plus the cycles or months approvals in force are still expected to "
                          "use within the year, forward from their last treatment.")
    priced_at = fields.String(required=True, validate=validate.OneOf(PRICED_AT), metadata={
        "description": "Whether the figures use list prices, confidential prices, or both."})


class RegionSpendSchema(SpendLineSchema):
    region = fields.Nested(OrganisationSchema, required=True)
    share_of_forecast_percent = fields.Float(required=True)


class SpendSchema(Schema):
    financial_year = fields.String(required=True, metadata={"description": "For example 2026/27."})
    as_of = fields.Date(required=True)
    budget_gbp = _money("The fund's annual budget (CDF_ANNUAL_BUDGET_GBP).")
    national = fields.Nested(SpendLineSchema, required=True)
    forecast_exceeds_budget = fields.Boolean(required=True)
    budget_reached_on = fields.Date(allow_none=True, metadata={
        "description": "The day spend given and expected, adding up, reaches the budget (as_of if what "
                       "was given already has), if within the year."})
    regions = fields.List(fields.Nested(RegionSpendSchema), required=True)
    routinely_commissioned_gbp = _money(
        "Committed on entries moved to routine commissioning: not the fund's.")


class ConfidentialPriceSchema(Schema):
    id = fields.Integer(required=True)
    entry = fields.String(required=True, attribute="entry_key",
                          metadata={"description": "The list entry's key."})
    cost_unit = fields.String(required=True, validate=validate.OneOf(["cycle", "month"]))
    price_gbp = _money("The confidential price per cycle or month.")
    valid_from = fields.Date(required=True)
    entered_by = fields.String(required=True, metadata={"description": "Who entered it (their username)."})
    entered_utc = fields.DateTime(required=True)


class EntryPricesSchema(Schema):
    entry = fields.String(required=True, metadata={"description": "The list entry's key."})
    title = fields.String(required=True)
    cost_unit = fields.String(required=True, validate=validate.OneOf(["cycle", "month"]))
    list_price_gbp = _money("The list price per cycle or month (the entry's newest version).")
    prices = fields.List(fields.Nested(ConfidentialPriceSchema), required=True, metadata={
        "description": "Every confidential price entered, oldest first; on a day, the latest valid from "
                       "it or before applies."})


class ConfidentialPriceRequestSchema(Schema):
    entry = fields.String(required=True, metadata={"description": "The list entry's key."})
    price_gbp = fields.String(required=True, metadata={
        "description": "Pounds per cycle or month (the entry's unit), as text with at most two decimal "
                       "places, more than 0 and no more than the list price."})
    valid_from = fields.String(required=True, metadata={"format": "date"})
