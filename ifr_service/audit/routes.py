"""The audit log's API: the auditor's search, per case or per person."""

from __future__ import annotations

from flask import Blueprint, current_app
from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from ifr_service.audit import queries, words
from ifr_service.audit.models import ACTIONS, AuditEvent
from ifr_service.cases.queries import get_case
from ifr_service.errors import NotFound
from ifr_service.runtime import runtime
from ifr_service.users.access import allow
from ifr_service.users.models import Role
from ifr_service.web.requests import PageArgs, SearchDate, load_query

audit = Blueprint("audit", __name__)


ORGANISATION = r"^(trust|hub|region):[A-Za-z0-9-]{1,40}$"
FILTERS = ("case", "user", "organisation", "action", "start", "end")


class AuditSearchArgs(PageArgs):
    """Any of ?case=, ?user= (a username or a name), ?organisation=, ?action= and a period (?from=
    and ?to=, days in England): at least one. Each one left out means any."""

    case = fields.String(load_default=None, validate=validate.Length(max=40))
    user = fields.String(load_default=None, validate=validate.Length(max=100))
    organisation = fields.String(load_default=None, validate=validate.Regexp(
        ORGANISATION, error="Give an organisation as trust:<ODS code>, hub:<code> or region:<code>."))
    action = fields.String(load_default=None, validate=validate.OneOf(
        ACTIONS, error=f"Give an action as one of {', '.join(ACTIONS)}."))
    start = SearchDate(data_key="from", load_default=None)
    end = SearchDate(data_key="to", load_default=None)

    @validates_schema
    def check_search(self, data, **_kwargs):
        if not any(str(data.get(name) or "").strip() for name in FILTERS):
            raise ValidationError("Give something to search by: a case, a person, an organisation, an "
                                  "action or a period.", field_name="case")
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError("Give a 'from' date no later than the 'to' date.", field_name="from")


class AuditSearchForm(AuditSearchArgs):
    """The search page's form: it sends its empty boxes, and an empty box is no filter. The API takes
    what its document says: a date, or no parameter."""

    @pre_load
    def drop_blanks(self, data, **_kwargs):
        return {name: value.strip() for name, value in data.items() if value.strip()}


class AuditEventSchema(Schema):
    id = fields.Integer(required=True)
    occurred_utc = fields.DateTime(required=True)
    username = fields.String(required=True)
    role = fields.String(required=True)
    action = fields.String(required=True, validate=validate.OneOf(ACTIONS))
    organisation = fields.String(required=True, allow_none=True, metadata={
        "description": "The person's organisation when they acted: trust:RRV, hub:london, region:london."})
    case_reference = fields.String(required=True, allow_none=True)
    subject = fields.String(required=True, allow_none=True, metadata={
        "description": "What a row about no one case is about: list:work-queue:london, export:audit-log."})
    done = fields.String(required=True, metadata={
        "description": "What was done, in words: Viewed the case page."})
    what = fields.String(required=True, metadata={"description": "The endpoint, e.g. api.cases.get_case."})
    method = fields.String(required=True)
    path = fields.String(required=True, metadata={"description": "Without the query string."})
    address = fields.String(required=True, allow_none=True)
    status_code = fields.Integer(required=True)


class AuditEventsSchema(Schema):
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
    total = fields.Integer(required=True)
    events = fields.List(fields.Nested(AuditEventSchema), required=True)


@audit.get("/audit")
@allow(Role.AUDITOR)
def search_audit_log():
    """Search the audit log.
    ---
    get:
      summary: Who read, changed or was refused a case, what a person or organisation did; newest first
      description: >-
        Give any of a case reference (its draft reference finds the same rows), a person (a
        username, or words of a name), an organisation, an action and a period; at least one.
        Each row says what was done in words (`done`) beside its endpoint (`what`). Rows are
        never changed or deleted.
      tags: [audit]
      parameters:
        - {in: query, name: case, schema: {type: string, maxLength: 40}}
        - {in: query, name: user, schema: {type: string, maxLength: 100},
           description: "A username, or words of a person's name (every user whose name holds them)"}
        - {in: query, name: organisation, description: "trust:<ODS code>, hub:<code> or region:<code>",
           schema: {type: string, pattern: "^(trust|hub|region):[A-Za-z0-9-]{1,40}$"}}
        - {in: query, name: action, schema: {type: string, enum: [read, change, denied, list, export, admin]}}
        - {in: query, name: from, schema: {type: string, format: date}}
        - {in: query, name: to, schema: {type: string, format: date}}
        - {in: query, name: page, schema: {type: integer, minimum: 1, default: 1}}
        - {in: query, name: page_size, schema: {type: integer, minimum: 1, maximum: 100, default: 25}}
      responses:
        200: {description: One page of the log, content: {application/json: {schema: AuditEvents}}}
        401: {description: Not signed in, content: {application/json: {schema: Error}}}
        403: {description: Not an auditor, content: {application/json: {schema: Error}}}
        422: {description: Nothing to search by; a bad filter, content: {application/json: {schema: Error}}}
    """
    args = load_query(AuditSearchArgs())
    found, total = search(args)
    return AuditEventsSchema().dump({"page": args["page"], "page_size": args["page_size"], "total": total,
                                     "events": in_words(found)})


def search(args: dict) -> tuple[list[AuditEvent], int]:
    return queries.find_events(audit_filter(args), args["page"], args["page_size"])


def audit_filter(args: dict) -> queries.AuditFilter:
    return queries.AuditFilter(
        case_references=case_references(args["case"]) if args.get("case") else None,
        usernames=queries.usernames_for(args["user"]) if args.get("user") else None,
        organisation=args.get("organisation"), action=args.get("action"),
        start=args.get("start"), end=args.get("end"))


def in_words(events: list[AuditEvent]) -> list[dict]:
    """Each row with what was done in words (`done`), beside its columns. The workflows of the cases
    whose actions are named are read in one query, whatever the number of rows."""
    routes = queries.case_routes({event.case_reference for event in events
                                  if event.what in words.ACTION_ENDPOINTS and event.case_reference})
    name_action = words.WorkflowActionNames(runtime().workflows, routes.get)
    return [{**event.model_dump(), "done": words.describe(event, current_app.url_map, name_action)}
            for event in events]


def case_references(reference: str) -> list[str]:
    """A case is audited by its draft reference until it is submitted and by its reference after:
    asking by either finds both."""
    try:
        case = get_case(reference)
    except NotFound:
        return [reference]
    return [ref for ref in (case.reference, case.draft_reference) if ref]
