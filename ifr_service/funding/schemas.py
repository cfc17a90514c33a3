"""The wire format of funding authorisations."""

from __future__ import annotations

from marshmallow import Schema, fields

from ifr_service.cases.schemas import OrganisationSchema, money_text

STATUSES = ["in_force", "ended"]


class TreatmentGivenSchema(Schema):
    started_on = fields.Date(allow_none=True)
    last_cycle_on = fields.Date(allow_none=True)
    cycles_given = fields.Integer(required=True)
    stopped_on = fields.Date(allow_none=True)
    stop_reason = fields.String(allow_none=True)


class AuthorisationSchema(Schema):
    reference = fields.String(required=True, metadata={
        "description": "IFRA-… for an IFR approval; a CDF approval's number (CDFA-…) for the CDF."})
    route = fields.String(required=True, metadata={"enum": ["ifr", "cdf"]})
    status = fields.String(required=True, metadata={"enum": STATUSES, "description": (
        "Whether it covers treatment today, by its status and dates.")})
    treatment = fields.String(required=True)
    dmd_code = fields.String(allow_none=True)
    regimen = fields.String(allow_none=True)
    immunotherapy = fields.Boolean(required=True)
    cycle_days = fields.Integer(allow_none=True)
    issued_on = fields.Date(required=True)
    start_by = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True, metadata={
        "description": "A time-limited approval's last day; null for one until treatment stops."})
    cost_cap_gbp = money_text(allow_none=True)
    conditions = fields.String(allow_none=True)
    review_date = fields.Date(allow_none=True)
    stopping_criteria = fields.String(allow_none=True)
    outcome_measures = fields.String(allow_none=True)
    follow_up_overdue = fields.Boolean(required=True, metadata={
        "description": "The review date has passed with no outcome report made for it."})
    ended_on = fields.Date(allow_none=True)
    end_reason = fields.String(allow_none=True)
    end_reason_text = fields.String(allow_none=True)
    treatment_given = fields.Nested(TreatmentGivenSchema, required=True)
    provider_org_code = fields.String(allow_none=True)
    provider_name = fields.String(allow_none=True)
    region = fields.Nested(OrganisationSchema, allow_none=True)
    case_reference = fields.String(allow_none=True, metadata={
        "description": "Only for those who may read the case."})
