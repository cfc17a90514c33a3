"""The wire format of panels and meetings: requests checked, responses dumped, both documented."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from ifr_service.forms.fields import BoundedList
from ifr_service.panels.models import PanelKind, PanelRole

PANEL_ROLES = [role.value for role in PanelRole]
PANEL_KINDS = [kind.value for kind in PanelKind]
MAX_ATTENDEES = 100  # far more than sit on any panel
MAX_QUORUM_ALTERNATIVES = 10


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE


class QuorumRuleSchema(StrictSchema):
    minimum_members = fields.Integer(required=True, validate=validate.Range(min=1, max=30))
    requires = BoundedList(BoundedList(fields.String(validate=validate.OneOf(PANEL_ROLES)), min_items=1,
                                       max_items=len(PANEL_ROLES)),
                           max_items=MAX_QUORUM_ALTERNATIVES, required=True)


class NewPanelSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=3, max=200))
    hub_code = fields.String(required=True, metadata={"description": "The region's lead hub."})
    kind = fields.String(load_default=PanelKind.IFR_PANEL.value, metadata={
        "description": "ifr_panel (the default), screening_group or review_panel: one of each a region.",
        "enum": PANEL_KINDS})  # checked by the service, so a bad kind is a 422 naming `kind` in words
    quorum = fields.Nested(QuorumRuleSchema, metadata={"description": "Defaults to the kind's rule."})


class NewMemberSchema(StrictSchema):
    username = fields.String(required=True)
    panel_role = fields.String(required=True, validate=validate.OneOf(PANEL_ROLES))


class MemberChangesSchema(StrictSchema):
    panel_role = fields.String(validate=validate.OneOf(PANEL_ROLES))
    is_active = fields.Boolean(metadata={"description": "False stands the member down."})


class NewMeetingSchema(StrictSchema):
    meeting_date = fields.Date(required=True)
    kind = fields.String(load_default="ordinary",
                         validate=validate.OneOf(["ordinary", "extraordinary", "review"]))
    attendee_ids = BoundedList(fields.Integer(), max_items=MAX_ATTENDEES, load_default=list,
                               metadata={"description": "Panel member ids expected to attend."})


class AttendanceSchema(StrictSchema):
    attendee_ids = BoundedList(fields.Integer(), max_items=MAX_ATTENDEES, required=True)


class AgendaMoveSchema(StrictSchema):
    direction = fields.String(required=True, validate=validate.OneOf(["up", "down"]), metadata={
        "description": "up: heard one place sooner; down: one place later."})


class NewConflictSchema(StrictSchema):
    case_reference = fields.String(required=True)
    member_id = fields.Integer(required=True)
    details = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class ConflictWithdrawalSchema(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000), metadata={
        "description": "Why the declaration is withdrawn, for the minutes."})


class MemberSchema(Schema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    display_name = fields.String(required=True)
    panel_role = fields.String(required=True)
    is_active = fields.Boolean(required=True)


class PanelSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, metadata={"enum": PANEL_KINDS})
    hub = fields.String(required=True)
    region = fields.String(required=True)
    quorum = fields.Dict(required=True)
    members = fields.List(fields.Nested(MemberSchema), required=True)


class QuorumSchema(Schema):
    quorate = fields.Boolean(required=True)
    present = fields.Integer(required=True)
    missing = fields.List(fields.String(), required=True)


class AgendaEntrySchema(Schema):
    position = fields.Integer(required=True)
    reference = fields.String(required=True)
    state = fields.String(required=True)
    urgency = fields.String(required=True)
    conflicted_member_ids = fields.List(fields.Integer(), required=True)
    conflicts = fields.List(fields.Dict(), required=True, metadata={
        "description": "Each declaration not withdrawn: {id, member_id, details, declared_by}."})
    withdrawn_conflicts = fields.List(fields.Dict(), required=True, metadata={
        "description": "Each declaration withdrawn: {id, member_id, details, declared_utc, declared_by, "
                       "withdrawn_utc, withdrawn_by, reason}."})
    quorum = fields.Nested(QuorumSchema, required=True)


class PackEvidenceSchema(Schema):
    id = fields.Integer(required=True, metadata={
        "description": "GET /api/v1/meetings/{meeting_id}/cases/{reference}/evidence/{id} gives the file."})
    filename = fields.String(required=True, metadata={
        "description": "A neutral name (evidence-1.pdf): a file's own name may hold the patient's."})
    content_type = fields.String(required=True)
    size_bytes = fields.Integer(required=True)
    description = fields.String(required=True, metadata={
        "description": "The IFR team's words, for the panel."})
    redacted = fields.Boolean(required=True, metadata={
        "description": "True for a copy with the patient's and clinician's details removed."})


class ReviewPaperSchema(Schema):
    event = fields.String(required=True, metadata={
        "description": "decision_recorded, review_requested or review_grounds_considered"})
    occurred_utc = fields.DateTime(required=True)
    payload = fields.Dict(required=True, metadata={"description": "What was recorded, de-identified."})


class PackCaseSchema(Schema):
    position = fields.Integer(required=True)
    reference = fields.String(required=True)
    urgency = fields.String(required=True)
    application = fields.Dict(required=True, metadata={"description": "De-identified answers."})
    screening_notes = fields.List(fields.Dict(), required=True)
    similar_requests = fields.Dict(required=True)
    evidence = fields.List(fields.Nested(PackEvidenceSchema), required=True, metadata={
        "description": "The files the IFR team chose for the panel: redacted copies where the original "
                       "shows who the patient or clinician is, never such an original."})
    review = fields.List(fields.Nested(ReviewPaperSchema), required=True, metadata={
        "description": "For a Review Panel's meeting: the decision under review, the request for review "
                       "and its initial consideration, identifiers taken out; empty for other panels."})


class PanelPackSchema(Schema):
    meeting_id = fields.Integer(required=True)
    meeting_date = fields.Date(required=True)
    cases = fields.List(fields.Nested(PackCaseSchema), required=True)


class MeetingSchema(Schema):
    id = fields.Integer(required=True)
    panel_id = fields.Integer(required=True)
    panel_kind = fields.String(required=True, metadata={"enum": PANEL_KINDS})
    meeting_date = fields.Date(required=True)
    kind = fields.String(required=True)
    attendee_ids = fields.List(fields.Integer(), required=True)
    agenda = fields.List(fields.Nested(AgendaEntrySchema), required=True)
    next_meeting_due = fields.Date(required=True, allow_none=True, metadata={
        "description": "A screening group's: when its next meeting is due, this meeting's date and "
                       "SCREENING_GROUP_MEETING_INTERVAL_DAYS (7: weekly) on. Null for other panels."})


class MinutesMemberSchema(Schema):
    member_id = fields.Integer(required=True)
    display_name = fields.String(required=True)
    panel_role = fields.String(required=True)


class MinutesConflictSchema(Schema):
    reference = fields.String(required=True, allow_none=True)
    member_id = fields.Integer(required=True)
    member = fields.String(required=True)
    details = fields.String(required=True)
    withdrawn = fields.Boolean(required=True)
    withdrawal_reason = fields.String(required=True, allow_none=True)


class MinutesOutcomeSchema(Schema):
    reference = fields.String(required=True)
    action = fields.String(required=True, metadata={"description": "The workflow action recorded."})
    outcome = fields.String(required=True, metadata={"description": "The state the case entered."})
    recorded_by = fields.String(required=True)
    recorded_utc = fields.DateTime(required=True)
    reasons = fields.Dict(required=True, metadata={
        "description": "The action's fields as recorded: reasons, findings, summary and the like."})


class MinutesSchema(Schema):
    meeting_id = fields.Integer(required=True)
    panel = fields.String(required=True)
    panel_kind = fields.String(required=True, metadata={"enum": PANEL_KINDS})
    meeting_date = fields.Date(required=True)
    kind = fields.String(required=True)
    present = fields.List(fields.Nested(MinutesMemberSchema), required=True)
    absent = fields.List(fields.Nested(MinutesMemberSchema), required=True)
    conflicts = fields.List(fields.Nested(MinutesConflictSchema), required=True, metadata={
        "description": "Every interest declared at the meeting, withdrawn ones too, marked so."})
    outcomes = fields.List(fields.Nested(MinutesOutcomeSchema), required=True, metadata={
        "description": "Each case the meeting decided (an IFR panel) or screened (a screening group)."})
