"""The wire format of cases: marshmallow schemas that dump responses and document the API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ifr_service.treatment_breaks.schemas import BreaksSchema


def money_text(**kwargs) -> fields.Decimal:
    """A sum in pounds answered as text with two decimal places ("1234.50": no float rounds it), and
    documented as such (apispec would call any Decimal a number)."""
    metadata = {"type": "string", "format": "decimal", "pattern": r"^-?\d+\.\d{2}$",
                **kwargs.pop("metadata", {})}
    return fields.Decimal(places=2, as_string=True, metadata=metadata, **kwargs)


class OrganisationSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)


class AssigneeSchema(Schema):
    username = fields.String(required=True)
    display_name = fields.String(required=True)


class AssignmentRequestSchema(Schema):
    assigned_to = fields.String(required=True, allow_none=True, validate=validate.Length(min=1, max=100),
                                metadata={"description": "The username of a case officer of the case's hub, "
                                                         "or null to assign the case to nobody."})


class AssignmentSchema(Schema):
    reference = fields.String(required=True)
    assigned_to = fields.Nested(AssigneeSchema, allow_none=True, required=True, metadata={
        "description": "The hub's case officer working the case, or null."})


class AttachmentSchema(Schema):
    id = fields.Integer(required=True)
    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    size_bytes = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    description = fields.String(allow_none=True)
    uploaded_utc = fields.DateTime(required=True)
    for_panel = fields.Boolean(required=True, metadata={
        "description": "The IFR team chose the file for the de-identified panel pack."})
    holds_identifiers = fields.Boolean(allow_none=True, metadata={
        "description": "The file shows who the patient or clinician is: the pack holds its redacted copy."})
    redacted_of_id = fields.Integer(allow_none=True, metadata={
        "description": "Set on a redacted copy: the id of the original it was made from."})


class PayloadFieldSchema(Schema):
    field = fields.String(required=True)
    label = fields.String(required=True)
    type = fields.String(required=True)
    required = fields.Boolean(required=True)
    options = fields.List(fields.Raw())
    only_when = fields.Dict(metadata={
        "description": "Asked only when the field beside it named `field` has one of the answers `in`: "
                       "then required if `required`, otherwise to be left out."})
    item = fields.Dict(metadata={"description": "Each entry of a list."})
    group_fields = fields.List(fields.Dict(), attribute="fields", data_key="fields",
                               metadata={"description": "The fields of a group."})


class AllowedActionSchema(Schema):
    action = fields.String(required=True, metadata={
        "description": "POST /api/v1/cases/{reference}/actions/{action} takes it."})
    title = fields.String(required=True)
    payload = fields.List(fields.Nested(PayloadFieldSchema), required=True)


class ClockSchema(Schema):
    clock = fields.String(required=True)
    title = fields.String(required=True)
    cycle = fields.Integer(required=True)
    unit = fields.String(required=True, metadata={"enum": ["working_days", "calendar_days", "hours"]})
    target = fields.Integer(required=True, metadata={"description": "In the clock's unit."})
    used = fields.Float(required=True, metadata={
        "description": "In the clock's unit, counted up to now while the clock runs."})
    target_working_days = fields.Integer(allow_none=True, metadata={
        "description": "The target of a clock in working days; null for a clock in other units."})
    used_working_days = fields.Integer(allow_none=True, metadata={
        "description": "Working days used, for a clock in working days; null otherwise."})
    started_on = fields.Date(required=True)
    due_on = fields.Date(allow_none=True, metadata={
        "description": "Null while paused or stopped; for a clock in hours, due_utc's date in England."})
    due_utc = fields.DateTime(allow_none=True, metadata={
        "description": "For a clock in hours, the moment it falls due; null otherwise."})
    stopped_on = fields.Date(allow_none=True)
    status = fields.String(required=True, metadata={
        "enum": ["on_track", "due_soon", "overdue", "paused", "met", "missed", "stopped"]})


class LetterSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    recipient = fields.String(required=True, metadata={
        "enum": ["clinician", "patient"],
        "description": "Who the letter is to: the requesting clinician, or the patient (in plain words, "
                       "made beside the clinician's when the patient asked for copies)."})
    title = fields.String(required=True)
    sha256 = fields.String(required=True)
    size_bytes = fields.Integer(required=True)
    created_utc = fields.DateTime(required=True)


class OnwardWorkSchema(Schema):
    heading = fields.String(required=True, metadata={"description": "National policy development"})
    reference = fields.String(required=True, metadata={"description": "The item's reference, POL-YYYY-NNNN"})
    stage = fields.String(required=True, metadata={"description": "The title of the stage it is at"})
    meaning = fields.String(required=True, metadata={"description": "What the stage means"})
    since = fields.Date(required=True, metadata={"description": "The day it entered the stage"})
    final = fields.Boolean(required=True, metadata={"description": "The work is finished"})


class CaseSchema(Schema):
    reference = fields.String(required=True, metadata={
        "description": "IFR-YYYY-NNNNNN once submitted; the draft reference before that."})
    draft_reference = fields.String(required=True)
    route = fields.String(required=True, metadata={"enum": ["ifr", "cdf"]})
    state = fields.String(required=True)
    state_title = fields.String(required=True)
    form_key = fields.String(required=True)
    form_version = fields.Integer(required=True)
    urgency = fields.String(required=True)
    assigned_to = fields.Nested(AssigneeSchema, allow_none=True, metadata={
        "description": "The hub's case officer working the case, or null (hub staff only)."})
    hub = fields.Nested(OrganisationSchema, allow_none=True)
    region = fields.Nested(OrganisationSchema, allow_none=True)
    commissioner = fields.Nested(OrganisationSchema, allow_none=True)
    created_utc = fields.DateTime(required=True)
    updated_utc = fields.DateTime(required=True)
    submitted_utc = fields.DateTime(allow_none=True)
    allowed_actions = fields.List(fields.Nested(AllowedActionSchema), required=True, metadata={
        "description": "What the calling user may do next with this case, and the payload each needs."})
    clocks = fields.List(fields.Nested(ClockSchema), required=True, metadata={
        "description": "The case's working-day clocks, running, paused and stopped."})
    answers = fields.Dict(required=True, metadata={"description": "The form's answers, by section."})
    deidentified = fields.Boolean(required=True, metadata={
        "description": "True for the panel roles: answers are as the panel pack shows them (the patient's "
                       "age and sex, the clinician's role and trust), with no attachments or letters."})
    attachments = fields.List(fields.Nested(AttachmentSchema), required=True)
    letters = fields.List(fields.Nested(LetterSchema), required=True, metadata={
        "description": "Letters sent about the case; GET .../letters/{id} gives the PDF."})
    approval_number = fields.Function(
        lambda case: (case["cdf"] or {}).get("approval_number"), allow_none=True,
        metadata={"type": "string", "description": "CDF: the approval number an invoice quotes."})
    cdf = fields.Nested("ifr_service.cdf.schemas.ApplicationSchema", allow_none=True, metadata={
        "description": "CDF only: the entry decided on, the approval and the treatment record."})
    breaks = fields.Nested(BreaksSchema, allow_none=True, metadata={
        "description": "Once approved, both routes: when treatment is next due, the last day it may resume, "
                       "and the breaks in treatment recorded (docs/after-approval/breaks.md)."})
    onward = fields.List(fields.Nested(OnwardWorkSchema), required=True, metadata={
        "description": "Where the request went on to: for a case closed at screening as a cohort, the "
                       "policy-development item and its stage, never its notes (docs/cet.md)."})


class QueueItemSchema(Schema):
    reference = fields.String(required=True)
    due_on = fields.Date(allow_none=True, metadata={"description": "When the next running clock falls due."})
    due_utc = fields.DateTime(allow_none=True, metadata={
        "description": "For a next clock in hours (an emergency request), the moment it falls due."})
    clock = fields.String(allow_none=True)
    clock_status = fields.String(allow_none=True)
    state = fields.String(required=True)
    urgency = fields.String(required=True)
    submitted_utc = fields.DateTime(allow_none=True)
    intervention = fields.String(allow_none=True)
    diagnosis_icd10 = fields.String(allow_none=True)
    provider_trust = fields.String(allow_none=True)
    assigned_to = fields.Nested(AssigneeSchema, allow_none=True)


class QueueSchema(Schema):
    hub = fields.Nested(OrganisationSchema, required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
    total = fields.Integer(required=True)
    cases = fields.List(fields.Nested(QueueItemSchema), required=True)


class SimilarCaseSchema(Schema):
    reference = fields.String(required=True)
    hub = fields.String(required=True)
    state = fields.String(required=True)
    submitted_utc = fields.DateTime(required=True)


class PublishedPolicySchema(Schema):
    """A policy of the library that matches a request (policy/matching.py)."""

    reference = fields.String(required=True)
    title = fields.String(required=True)
    kind = fields.String(required=True, metadata={
        "enum": ["clinical_commissioning_policy", "policy_statement", "nice_technology_appraisal"]})
    kind_title = fields.String(required=True)
    position = fields.String(required=True, metadata={
        "enum": ["routinely_commissioned", "not_routinely_commissioned", "recommended", "optimised",
                 "not_recommended", "only_in_research", "cdf"]})
    position_title = fields.String(required=True)
    funded = fields.Boolean(required=True, metadata={
        "description": "The policy funds the treatment for the patients its criteria describe: "
                       "they are treated through the policy's own route, not an IFR."})
    criteria = fields.String(required=True)
    published_on = fields.Date(required=True)
    review_on = fields.Date(allow_none=True, required=True)
    source_url = fields.String(allow_none=True, required=True)
    is_demo = fields.Boolean(required=True)


class SimilarRequestsSchema(Schema):
    icd10_category = fields.String(allow_none=True)
    intervention = fields.String(allow_none=True)
    total = fields.Integer(required=True)
    by_state = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    recent = fields.List(fields.Nested(SimilarCaseSchema), required=True)
    policies = fields.List(fields.Nested(PublishedPolicySchema), required=True, metadata={
        "description": "The library's policies that match this request: its treatment, its diagnosis "
                       "within their ICD-10 ranges, in force on the day it was submitted."})


class ErrorItemSchema(Schema):
    field = fields.String(allow_none=True, required=True, metadata={
        "description": "Dotted path of the field in the request, or null for the request as a whole."})
    message = fields.String(required=True)


class ErrorStateSchema(Schema):
    key = fields.String(required=True)
    title = fields.String(required=True)


class ErrorSchema(Schema):
    errors = fields.List(fields.Nested(ErrorItemSchema), required=True)
    status = fields.Integer(required=True)
    allowed_actions = fields.List(fields.String(), metadata={
        "description": "With a refusal by the workflow engine (an unknown action 404, the wrong state 409, "
                       "the wrong role 403): the actions the caller's role may take from the current state."})
    current_state = fields.Nested(ErrorStateSchema, metadata={
        "description": "With a refusal by the workflow engine: the state the case or item is in now."})
