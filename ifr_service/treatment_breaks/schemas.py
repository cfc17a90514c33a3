"""The wire shape of a case's treatment breaks (both routes)."""

from __future__ import annotations

from marshmallow import Schema, fields

from ifr_service.treatment_breaks.models import KINDS, REASONS, REQUEST_STATES


class TreatmentBreakSchema(Schema):
    kind = fields.String(required=True, metadata={"enum": list(KINDS)})
    starts_on = fields.Date(required=True)
    expected_restart_on = fields.Date(required=True)
    reason = fields.String(required=True, metadata={"enum": list(REASONS)})
    notes = fields.String(allow_none=True)
    request_state = fields.String(allow_none=True, metadata={
        "enum": [*REQUEST_STATES, None],
        "description": "None: within NHS England's policy, no request needed; else the treatment-break "
                       "request's state."})
    decided_on = fields.Date(allow_none=True)
    decision_reasons = fields.String(allow_none=True)


class BreaksSchema(Schema):
    cycle_days = fields.Integer(allow_none=True, metadata={"description": "The length of one cycle."})
    immunotherapy = fields.Boolean(required=True)
    allowed_break_weeks = fields.Integer(required=True, metadata={
        "description": "The break beyond the end of the last cycle that needs no form (6 weeks; 12 "
                       "for immunotherapy)."})
    next_due_on = fields.Date(allow_none=True, metadata={
        "description": "The end of the last cycle, when the next is due; None before treatment or "
                       "after a stop."})
    latest_restart_without_form = fields.Date(allow_none=True)
    next_treatment_by = fields.Date(allow_none=True, metadata={
        "description": "The last day the next cycle keeps the funding: the policy's break, or an "
                       "approved treatment-break request's planned restart."})
    breaks = fields.List(fields.Nested(TreatmentBreakSchema), required=True)
