"""The OpenAPI document is generated from the code and covers every API route."""

from __future__ import annotations

import json
import re

from ifr_service.config import PROJECT_ROOT
from tests.builders import submit_ifr


def api_routes(app) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint == "api.openapi.openapi_document":
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        routes |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return routes


def test_every_api_route_is_in_the_openapi_document_and_nothing_else(app, client):
    spec = client.get("/api/v1/openapi.json").json
    documented = {(path, method) for path, item in spec["paths"].items() for method in item}
    assert spec["openapi"].startswith("3.")
    assert documented == api_routes(app)


def test_every_operation_documents_its_responses_and_error_shape(client):
    spec = client.get("/api/v1/openapi.json").json
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            assert operation.get("summary"), f"{method} {path} has no summary"
            assert "200" in operation["responses"] or "201" in operation["responses"]


def test_the_application_form_is_described_from_its_definition(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    application = schemas["IfrApplicationV1"]
    assert "patient" in application["properties"]
    assert "nhs_number" in schemas["IfrApplicationV1Patient"]["properties"]
    assert "nhs_number" in schemas["IfrApplicationV1Patient"]["required"]


def test_the_example_request_body_is_a_complete_valid_application(app, in_db):
    from ifr_service.forms.validation import validate_answers

    example = json.loads((PROJECT_ROOT / "docs/examples/ifr-application.json").read_text())
    form = app.extensions["ifr"].forms.latest("ifr-application")
    assert in_db(validate_answers, form, example, complete=True)


def test_every_operation_documents_the_errors_its_shared_rules_can_give(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    meeting = paths["/api/v1/meetings/{meeting_id}"]["get"]["responses"]
    assert {"200", "401", "403", "404"} <= set(meeting)
    hubs = paths["/api/v1/reference/hubs"]["get"]["responses"]  # any signed-in user, no parameters
    assert "401" in hubs and not {"403", "404", "422"} & set(hubs)
    queue = paths["/api/v1/hubs/{hub_code}/queue"]["get"]["responses"]  # pages of a query
    assert queue["422"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    create = paths["/api/v1/cases"]["post"]["responses"]
    assert create["403"]["description"] == "Not a clinician"  # the docstring's own wording is kept


def test_sums_of_money_are_documented_as_the_text_they_are_sent_as(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    for cost in (schemas["CdfEntryCost"]["properties"]["per_patient_gbp"],
                 schemas["CohortCandidate"]["properties"]["total_estimated_cost_gbp"]):
        assert (cost["type"], cost["format"]) == ("string", "decimal")


def test_a_workflow_refusal_matches_the_documented_error_schema(app, client, auth, application):
    """A 409 from the workflow engine carries allowed_actions and current_state: the Error schema
    declares them, so the answer is one the document describes (it forbids undeclared properties)."""
    import schemathesis
    from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

    reference = submit_ifr(client, auth, application).json["reference"]
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operation = schema["/api/v1/cases/{reference}/submit"]["POST"]
    response = operation.Case(path_parameters={"reference": reference}).call_and_validate(
        headers=auth("demo-clinician"), checks=[status_code_conformance, response_schema_conformance])
    assert response.status_code == 409
    body = response.json()
    assert body["current_state"]["key"] == "submitted" and "withdraw" in body["allowed_actions"]


def test_the_limits_the_service_enforces_are_in_the_document(client):
    from ifr_service.config import JSON_MAX_BYTES, JSON_MAX_DEPTH, JSON_MAX_ITEMS

    document = client.get("/api/v1/openapi.json").json
    assert document["info"]["x-limits"].items() >= {
        "json_body_max_bytes": JSON_MAX_BYTES, "json_max_depth": JSON_MAX_DEPTH,
        "json_max_items": JSON_MAX_ITEMS, "request_line_max_bytes": 4094, "header_fields_max": 100}.items()
    assert f"{JSON_MAX_BYTES:,} bytes" in document["info"]["description"]
    schemas = document["components"]["schemas"]
    clinical_case = schemas["IfrApplicationV2ClinicalCase"]["properties"]
    assert clinical_case["treatments_tried"]["maxItems"] == 30
    assert schemas["IfrApplicationV2Evidence"]["properties"]["references"]["maxItems"] == 50
    assert schemas["NewMeeting"]["properties"]["attendee_ids"]["maxItems"] == 100
    create = document["paths"]["/api/v1/cases"]["post"]["responses"]
    assert create["413"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
