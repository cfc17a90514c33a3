"""The audit log's API: the auditor's search, per case or per person."""

from __future__ import annotations

from flask import Blueprint
from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from ifr_service.api.requests import PageArgs, SearchDate, load_query
from ifr_service.audit import queries
from ifr_service.audit.models import ACTIONS, AuditEvent
from ifr_service.cases.queries import get_case
from ifr_service.errors import NotFound
from ifr_service.users.access import allow
from ifr_service.users.models import Role

audit = Blueprint("audit", __name__)


class AuditSearchArgs(PageArgs):
    """?case=IFR-2026-000123 or ?user=demo-officer (or both), optionally ?from= and ?to= (days)."""

    case = fields.String(load_default=None, validate=validate.Length(max=40))
    user = fields.String(load_default=None, validate=validate.Length(max=100))
    start = SearchDate(data_key="from", load_default=None)
    end = SearchDate(data_key="to", load_default=None)

    @validates_schema
    def check_search(self, data, **_kwargs):
        if not (data.get("case") or "").strip() and not (data.get("user") or "").strip():
            raise ValidationError("Give a case reference or a username to search for.", field_name="case")
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
    case_reference = fields.String(required=True, allow_none=True)
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
      summary: Who read, changed or was refused a case, or what one person did; newest first
      description: >-
        Give a case reference (its draft reference finds the same rows), a username, or both.
        Rows are never changed or deleted.
      tags: [audit]
      parameters:
        - {in: query, name: case, schema: {type: string, maxLength: 40}}
        - {in: query, name: user, schema: {type: string, maxLength: 100}}
        - {in: query, name: from, schema: {type: string, format: date}}
        - {in: query, name: to, schema: {type: string, format: date}}
        - {in: query, name: page, schema: {type: integer, minimum: 1, default: 1}}
        - {in: query, name: page_size, schema: {type: integer, minimum: 1, maximum: 100, default: 25}}
      responses:
        200: {description: One page of the log, content: {application/json: {schema: AuditEvents}}}
        401: {description: Not signed in, content: {application/json: {schema: Error}}}
        403: {description: Not an auditor, content: {application/json: {schema: Error}}}
        422: {description: No case or user; bad dates, content: {application/json: {schema: Error}}}
    """
    args = load_query(AuditSearchArgs())
    found, total = search(args)
    return AuditEventsSchema().dump({"page": args["page"], "page_size": args["page_size"], "total": total,
                                     "events": found})


def search(args: dict) -> tuple[list[AuditEvent], int]:
    references = case_references(args["case"]) if args.get("case") else None
    return queries.find_events(references, args.get("user"), args.get("start"), args.get("end"),
                               args["page"], args["page_size"])


def case_references(reference: str) -> list[str]:
    """A case is audited by its draft reference until it is submitted and by its reference after:
    asking by either finds both."""
    try:
        case = get_case(reference)
    except NotFound:
        return [reference]
    return [ref for ref in (case.reference, case.draft_reference) if ref]
