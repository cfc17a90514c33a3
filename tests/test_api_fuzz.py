"""Schemathesis sends generated requests to every operation in the OpenAPI document, as several
users: whatever it sends, the service answers without a server error."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

USERS = ("demo-clinician", "demo-officer", "demo-admin")


def test_no_request_gets_a_server_error(app, client, auth):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
        def answers_without_a_server_error(case):
            for user in USERS:
                response = case.call(headers=auth(user))
                assert response.status_code < 500, (
                    user, case.method, case.formatted_path, response.text[:300])

        answers_without_a_server_error()
