"""Schemathesis sends generated requests to every operation in the OpenAPI document, as several
users: whatever it sends, the service answers without a server error, and every answer is one the
document describes (its status code, content type, headers and body schema).

Most generated requests name things that do not exist (a random reference, meeting id or region), so
they are answered 404, or 403 for a role the operation does not admit: the document states both
for every operation they apply to (api/openapi.py, SharedErrorsPlugin), so they are checked like any
other answer rather than excused."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, note, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

USERS = ("demo-clinician", "demo-officer", "demo-admin")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]


def test_every_answer_is_documented_and_none_is_a_server_error(app, client, auth):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
        def answers_as_documented(case):
            for user in USERS:
                note(f"as {user}")
                case.call_and_validate(headers=auth(user), checks=CHECKS)

        answers_as_documented()


# What the fuzzer found, kept as plain tests: each was a 500 or an undocumented answer.
FOUND = [
    ("demo-officer", "/api/v1/hubs/london/queue?page=99999999999999999999", "page"),  # the offset overflowed
    ("demo-cet", "/api/v1/cet/policy-queue?page=9223372036854775807", "page"),
    ("demo-cdf-admin", "/api/v1/cdf/regions/london/applications?page=99999999999999999999", "page"),
    ("demo-cet", "/api/v1/cet/cohorts?as_of=0001-01-01", "as_of"),  # a year before it overflowed
]


@pytest.mark.parametrize(("user", "url", "field"), FOUND)
def test_a_query_beyond_what_the_database_holds_is_a_422_naming_it(client, auth, user, url, field):
    response = client.get(url, headers=auth(user))
    assert response.status_code == 422
    assert [error["field"] for error in response.json["errors"]] == [field]
