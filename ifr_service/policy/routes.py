"""The policy-development queue and the policy library, over HTTP."""

from __future__ import annotations

from flask import Blueprint, request
from marshmallow import Schema, fields, validate

from ifr_service.cases.actions import describe_fields
from ifr_service.cases.schemas import AllowedActionSchema, PublishedPolicySchema
from ifr_service.policy import check, queries, service
from ifr_service.reference.icd10_crgs import suggest_crg
from ifr_service.runtime import runtime
from ifr_service.users.access import ANY_SIGNED_IN, allow, current_user
from ifr_service.users.models import Role
from ifr_service.web.requests import PageArgs, json_body, load_query

policy = Blueprint("policy", __name__)
# The states of workflows/policy.yaml: the current method's, then the 2013 road's (historic), whose items
# still show and move on.
STATES = ["candidate", "accepted", "evidence_review", "clinical_panel", "impact_analysis",
          "stakeholder_testing", "public_consultation", "cpag", "commissioning_decision", "published",
          "closed", "not_taken_forward",
          "assigned_to_crg", "draft_policy", "board_review"]


class QueueArgs(PageArgs):
    state = fields.String(load_default=None, validate=validate.OneOf(
        STATES, error="Choose a state: " + ", ".join(STATES) + "."))


class LibraryArgs(Schema):
    intervention_key = fields.String(load_default=None, validate=validate.Length(max=200))
    icd10_category = fields.String(load_default=None, validate=validate.Length(equal=3))


class PolicyEventSchema(Schema):
    name = fields.String(required=True)
    occurred_utc = fields.DateTime(required=True)
    from_state = fields.String(allow_none=True)
    to_state = fields.String(allow_none=True)
    payload = fields.Dict(required=True)


class PolicyItemSchema(Schema):
    reference = fields.String(required=True)
    state = fields.String(required=True, metadata={"enum": STATES})
    state_title = fields.String(required=True)
    title = fields.String(required=True)
    intervention_key = fields.String(required=True)
    icd10_category = fields.String(required=True)
    priority_score = fields.Float(required=True, metadata={"description": "0 to 100 (docs/cet.md)"})
    suggested_crg_code = fields.String(allow_none=True, metadata={
        "description": "From the cohort's ICD-10 category (reference/data/icd10_crgs.yaml)"})
    suggested_crg_name = fields.String(allow_none=True)
    suggestion_reason = fields.String(allow_none=True, metadata={
        "description": "Why: 'C50 falls in C50, malignant neoplasm of breast … → CTY — Chemotherapy. …'"})
    crg_code = fields.String(allow_none=True)
    crg_name = fields.String(allow_none=True)
    owner = fields.String(allow_none=True, metadata={"description": "The owner's username"})
    owner_name = fields.String(allow_none=True)
    due_on = fields.Date(allow_none=True)
    evidence = fields.Dict(required=True, metadata={
        "description": "The cohort: its cases (case_refs), hubs, costs and outcomes when last found."})
    allowed_actions = fields.List(fields.Nested(AllowedActionSchema), required=True)
    events = fields.List(fields.Nested(PolicyEventSchema), required=True)


class PolicyQueueSchema(Schema):
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
    total = fields.Integer(required=True)
    items = fields.List(fields.Nested(PolicyItemSchema), required=True)


class PolicySchema(Schema):
    reference = fields.String(required=True)
    title = fields.String(required=True)
    intervention_key = fields.String(required=True)
    icd10_category = fields.String(required=True)
    position = fields.String(required=True, metadata={
        "enum": ["routinely_commissioned", "not_routinely_commissioned", "recommended", "optimised",
                 "not_recommended", "only_in_research", "cdf"]})
    kind = fields.String(required=True, metadata={
        "enum": ["clinical_commissioning_policy", "policy_statement", "nice_technology_appraisal"]})
    icd10_ranges = fields.List(fields.List(fields.String()), allow_none=True, metadata={
        "description": "Inclusive [first, last] ICD-10 codes; null: the policy covers icd10_category"})
    review_on = fields.Date(allow_none=True)
    withdrawn_on = fields.Date(allow_none=True)
    source_url = fields.String(allow_none=True)
    criteria = fields.String(required=True)
    crg_code = fields.String(allow_none=True)
    crg_name = fields.String(allow_none=True)
    published_on = fields.Date(required=True)
    source = fields.String(allow_none=True, metadata={
        "description": "Where a policy published outside the service's policy development was published"})
    is_demo = fields.Boolean(required=True, metadata={"description": "An entry of the demo data set"})


@policy.get("/cet/policy-queue")
@allow(Role.CET_ANALYST, Role.POLICY_LEAD)
def list_queue():
    """The policy-development queue.
    ---
    get:
      summary: Cohort candidates and policy work, highest priority first
      tags: [policy]
      parameters:
        - {in: query, name: state, schema: {type: string}}
        - {in: query, name: page, schema: {type: integer, minimum: 1, default: 1}}
        - {in: query, name: page_size, schema: {type: integer, minimum: 1, maximum: 100, default: 25}}
      responses:
        200: {description: One page, content: {application/json: {schema: PolicyQueue}}}
        422: {description: Bad query, content: {application/json: {schema: Error}}}
    """
    args = load_query(QueueArgs())
    items, total = queries.find_items(args["state"], args["page"], args["page_size"])
    names = queries.find_crg_names()
    return PolicyQueueSchema().dump({"page": args["page"], "page_size": args["page_size"], "total": total,
                                     "items": [_present(item, with_events=False, names=names)
                                               for item in items]})


@policy.get("/cet/policy-queue/<reference>")
@allow(Role.CET_ANALYST, Role.POLICY_LEAD)
def get_item(reference: str):
    """A policy-development item.
    ---
    get:
      summary: The item, its evidence, what may be done next and its history
      tags: [policy]
      parameters: [{in: path, name: reference, required: true, schema: {type: string}}]
      responses:
        200: {description: The item, content: {application/json: {schema: PolicyItem}}}
        404: {description: No such item, content: {application/json: {schema: Error}}}
    """
    return PolicyItemSchema().dump(_present(queries.get_item(reference)))


@policy.post("/cet/policy-queue/<reference>/actions/<action>")
@allow(Role.CET_ANALYST, Role.POLICY_LEAD)
def take_action(reference: str, action: str):
    """Move a policy-development item on.
    ---
    post:
      summary: Take one of the item's allowed actions (the policy workflow), with its payload
      tags: [policy]
      parameters:
        - {in: path, name: reference, required: true, schema: {type: string}}
        - {in: path, name: action, required: true, schema: {type: string}}
      requestBody:
        content: {application/json: {schema: {type: object}}}
      responses:
        200: {description: The item after the action, content: {application/json: {schema: PolicyItem}}}
        403: {description: Not for your role, content: {application/json: {schema: Error}}}
        404: {description: No such item or action, content: {application/json: {schema: Error}}}
        409: {description: Not allowed now, content: {application/json: {schema: Error}}}
        422: {description: Payload with errors, content: {application/json: {schema: Error}}}
    """
    payload = json_body() if request.content_length else {}
    item = service.take_action(queries.get_item(reference, for_update=True), action, current_user(), payload)
    return PolicyItemSchema().dump(_present(item))


@policy.get("/policies")
@allow(ANY_SIGNED_IN)
def list_policies():
    """The policy library.
    ---
    get:
      summary: Published national commissioning policies, newest first; screening checks against them
      tags: [policy]
      parameters:
        - {in: query, name: intervention_key, schema: {type: string}}
        - {in: query, name: icd10_category, schema: {type: string, minLength: 3, maxLength: 3}}
      responses:
        200:
          description: The policies
          content: {application/json: {schema: {type: array, items: Policy}}}
    """
    args = load_query(LibraryArgs())
    found = queries.find_policies(args["intervention_key"], args["icd10_category"])
    names = queries.find_crg_names()
    return PolicySchema(many=True).dump([{**policy.model_dump(), "crg_name": names.get(policy.crg_code)}
                                         for policy in found])


class PolicyMatchSchema(Schema):
    answer = fields.String(required=True, metadata={"enum": list(check.ANSWERS), "description": (
        "policy_route: a policy funds the treatment; a patient who meets its criteria is treated through "
        "it, not an IFR. ifr_against_policy: a policy covers it and does not fund it; an IFR is made "
        "against that policy. no_policy: no policy covers it; an IFR is the route.")})
    policies = fields.List(fields.Nested(PublishedPolicySchema), required=True, metadata={
        "description": "The matching policies, those that fund the treatment first, then newest first."})


@policy.get("/policies/match")
@allow(ANY_SIGNED_IN)
def match_policies():
    """The "is this an IFR?" check.
    ---
    get:
      summary: The policies a request for this treatment, for this diagnosis, falls under, and what that means
      description: >-
        A policy matches when it covers the treatment (by any of its names, or its dm+d or OPCS-4 code),
        the diagnosis is within its ICD-10 ranges, and it is in force on the day. docs/api.md#policy-match.
      tags: [policy]
      parameters:
        - {in: query, name: intervention, required: true, schema: {type: string, maxLength: 200},
           description: The treatment's name}
        - {in: query, name: icd10, required: true, schema: {type: string},
           description: The diagnosis's ICD-10 code}
        - {in: query, name: dmd_code, schema: {type: string, pattern: "^[0-9]{6,18}$"}}
        - {in: query, name: opcs4_code, schema: {type: string}}
        - {in: query, name: "on", schema: {type: string, format: date},
           description: "The day [default: today]"}
      responses:
        200:
          description: The answer and the matching policies
          content: {application/json: {schema: PolicyMatch}}
        422: {description: A parameter missing or wrong, content: {application/json: {schema: Error}}}
    """
    args = load_query(check.CheckArgs())
    answer, policies = check.check_request(args, runtime().today())
    return PolicyMatchSchema().dump({"answer": answer, "policies": [vars(policy) for policy in policies]})


def _present(item, with_events: bool = True, names: dict[str, str] | None = None) -> dict:
    from ifr_service.users.queries import get_user_by_id

    workflow, names = runtime().workflows[service.ROUTE], names or queries.find_crg_names()
    owner = get_user_by_id(item.owner_id) if item.owner_id else None
    suggestion = suggest_crg(item.icd10_category)
    return {
        "reference": item.reference, "state": item.state, "state_title": workflow.state(item.state).title,
        "title": item.title, "intervention_key": item.intervention_key,
        "icd10_category": item.icd10_category, "priority_score": item.priority_score,
        "suggested_crg_code": suggestion.crg_code if suggestion else None,
        "suggested_crg_name": suggestion.crg_name if suggestion else None,
        "suggestion_reason": suggestion.explanation() if suggestion else None,
        "crg_code": item.crg_code, "crg_name": names.get(item.crg_code),
        "owner": owner.username if owner else None, "owner_name": owner.display_name if owner else None,
        "due_on": item.due_on, "evidence": item.evidence,
        "allowed_actions": [{"action": a.key, "title": a.title, "payload": describe_fields(a.payload)}
                            for a in service.actions_for(item, current_user())],
        "events": queries.find_events(item) if with_events else [],
    }
