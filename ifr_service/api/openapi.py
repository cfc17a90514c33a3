"""The OpenAPI 3 document, generated from the marshmallow schemas and the routes' docstrings."""

from __future__ import annotations

from apispec import APISpec, BasePlugin
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec_webframeworks.flask import FlaskPlugin
from flask import Blueprint, current_app

from ifr_service.users.access import ANY_SIGNED_IN, PUBLIC, allow

openapi = Blueprint("openapi", __name__)


@openapi.get("/openapi.json")
@allow(PUBLIC)
def openapi_document():
    return build_spec().to_dict()


def build_spec() -> APISpec:
    from ifr_service.cases.schemas import (
        AssigneeSchema,
        AssignmentRequestSchema,
        AssignmentSchema,
        AttachmentSchema,
        CaseSchema,
        ErrorSchema,
        LetterSchema,
        QueueSchema,
        SimilarRequestsSchema,
    )
    from ifr_service.forms.schema import schema_for
    from ifr_service.reference.routes import CommissionerSchema, HubSchema
    from ifr_service.runtime import runtime

    spec = APISpec(
        title="ifr-service", version="1", openapi_version="3.0.3",
        info={"description": "Individual Funding Requests and the Cancer Drugs Fund for NHS England.\n\n"
                             + describe_limits(current_app.config["IFR"]),
              "x-limits": limits(current_app.config["IFR"])},
        plugins=[FlaskPlugin(), SharedErrorsPlugin(), MarshmallowPlugin()],
        security=[{"bearer": []}],
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    # Nested schemas first, so that apispec refers to them rather than naming them again.
    from ifr_service.cdf import schemas as cdf_schemas

    for name in ("EntrySummary", "Criterion", "EntryCost", "Entry", "UnmetCriterion", "TreatmentRecord",
                 "Application", "Approval", "RegionApplication", "RegionApplications", "AuditRow",
                 "RegionAudit", "SpendLine", "RegionSpend", "Spend"):
        spec.components.schema(f"Cdf{name}", schema=getattr(cdf_schemas, f"{name}Schema"))
    for name, schema in [("Assignee", AssigneeSchema), ("SimilarRequests", SimilarRequestsSchema),
                         ("Attachment", AttachmentSchema), ("Letter", LetterSchema),
                         ("Case", CaseSchema),
                         ("Queue", QueueSchema), ("Error", ErrorSchema),
                         ("AssignmentRequest", AssignmentRequestSchema), ("Assignment", AssignmentSchema),
                         ("Commissioner", CommissionerSchema), ("Hub", HubSchema)]:
        spec.components.schema(name, schema=schema)
    from ifr_service.panels import schemas as panel_schemas

    for name in ("QuorumRule", "NewPanel", "NewMember", "MemberChanges", "NewMeeting", "Attendance",
                 "NewConflict", "ConflictWithdrawal", "AgendaMove",
                 "Member", "Panel", "Quorum", "AgendaEntry", "Meeting", "PackCase", "PanelPack",
                 "MinutesMember", "MinutesConflict", "MinutesOutcome", "Minutes"):
        spec.components.schema(name, schema=getattr(panel_schemas, f"{name}Schema"))
    from ifr_service.cet.routes import (
        CetExportSchema,
        ClockPerformanceSchema,
        CohortReferralSchema,
        TrendSchema,
    )

    spec.components.schema("Trend", schema=TrendSchema)
    spec.components.schema("CetExport", schema=CetExportSchema)
    from ifr_service.cet.routes import CohortCandidateSchema, EquitySchema

    spec.components.schema("CohortCandidate", schema=CohortCandidateSchema)
    from ifr_service.policy import routes as policy_routes

    for name in ("PolicyEvent", "PolicyItem", "PolicyQueue", "Policy", "PolicyMatch"):
        spec.components.schema(name, schema=getattr(policy_routes, f"{name}Schema"))
    spec.components.schema("Equity", schema=EquitySchema)

    spec.components.schema("CohortReferral", schema=CohortReferralSchema)
    from ifr_service.users import routes as user_routes

    for name in ("HubLeads", "HubLead", "TokenRequest", "Token", "OAuthError"):
        spec.components.schema(name, schema=getattr(user_routes, f"{name}Schema"))
    spec.components.schema("ClockPerformance", schema=ClockPerformanceSchema)
    from ifr_service.audit.routes import AuditEventSchema, AuditEventsSchema

    spec.components.schema("AuditEvent", schema=AuditEventSchema)
    spec.components.schema("AuditEvents", schema=AuditEventsSchema)
    from ifr_service.jobs.routes import JobSchema, JobsSchema

    spec.components.schema("Job", schema=JobSchema)
    spec.components.schema("Jobs", schema=JobsSchema)
    from ifr_service.funding.schemas import AuthorisationSchema

    spec.components.schema("Authorisation", schema=AuthorisationSchema)
    for form in runtime().forms:  # IfrApplicationV2; the CDF's common part, CdfApplicationV1
        name = f"{''.join(part.capitalize() for part in form.key.split('-'))}V{form.version}"
        spec.components.schema(name, schema=schema_for(form))
    for rule in current_app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi.openapi_document":
            spec.path(view=current_app.view_functions[rule.endpoint], app=current_app)
    return spec


def limits(config) -> dict:
    """The bounds the service enforces on every request, beside each schema's own (maxLength,
    maxItems): what a client must stay within, in numbers."""
    from ifr_service import gunicorn_conf
    from ifr_service.config import JSON_MAX_DEPTH, JSON_MAX_ITEMS

    return {"json_body_max_bytes": config.json_max_bytes, "json_max_depth": JSON_MAX_DEPTH,
            "json_max_items": JSON_MAX_ITEMS, "attachment_max_bytes": config.attachment_max_bytes,
            "request_line_max_bytes": gunicorn_conf.limit_request_line,
            "header_fields_max": gunicorn_conf.limit_request_fields,
            "header_field_max_bytes": gunicorn_conf.limit_request_field_size}


def describe_limits(config) -> str:
    bounds = limits(config)
    return (f"Limits (also in `info.x-limits`): a request body of at most {bounds['json_body_max_bytes']:,} "
            f"bytes (an attachment's, multipart, at most {bounds['attachment_max_bytes']:,} bytes of file), "
            f"else 413; JSON nested at most {bounds['json_max_depth']} levels deep, and no list or object "
            f"of more than {bounds['json_max_items']:,} items (each schema's maxItems is lower), else 422 "
            f"naming the field; a request line of at most {bounds['request_line_max_bytes']:,} bytes, else "
            f"414; at most {bounds['header_fields_max']} headers of at most "
            f"{bounds['header_field_max_bytes']:,} bytes each, else 431. Every error, these included, "
            "has the Error schema's shape; a method an address does not take is 405 with Allow.")


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": "Error"}}}


class SharedErrorsPlugin(BasePlugin):
    """The errors any operation can answer by the service's shared rules, documented for each one
    whose docstring does not describe them itself (a docstring's own, more exact wording wins):

    - 401 and 403 from `allow(...)`: 401 unless the route is public; 403 when it admits only some roles;
    - 404 when the path has parameters: no such thing, one the caller may not see, or an id the URL
      converter refuses (above a PostgreSQL integer);
    - 422 when the operation takes query parameters or a JSON body, read by `load_query` or `json_body`;
    - 413 when it takes a request body, larger than the limit (app.limit_request_bodies);
    - 503 with Retry-After from any operation while the database is down or restarting.
    """

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        rule = getattr(kwargs.get("view"), "access_rule", (PUBLIC,))
        for operation in (operations or {}).values():
            shared = {}
            if PUBLIC not in rule:
                shared[401] = _error("Not signed in, or the account is not active")
            if PUBLIC not in rule and ANY_SIGNED_IN not in rule:
                shared[403] = _error("The caller's role does not allow this")
            if "{" in (path or ""):
                shared[404] = _error("Nothing at this address that the caller may see")
            if _reads_query_or_json(operation):
                shared[422] = _error("The query or the JSON body has errors")
            if "requestBody" in operation:
                shared[413] = _error("The request body is larger than the service accepts (info.x-limits)")
            shared[503] = {**_error("The database is down or restarting: nothing was changed, or the "
                                    "whole change was; send it again after Retry-After seconds"),
                           "headers": {"Retry-After": {"schema": {"type": "integer"}}}}
            responses = operation.setdefault("responses", {})
            documented = {str(code) for code in responses}
            responses.update({code: answer for code, answer in shared.items() if str(code) not in documented})


def _reads_query_or_json(operation: dict) -> bool:
    takes_query = any(isinstance(parameter, dict) and parameter.get("in") == "query"
                      for parameter in operation.get("parameters", ()))
    return takes_query or "application/json" in operation.get("requestBody", {}).get("content", {})
