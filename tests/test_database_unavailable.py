"""While the database cannot be reached, every request is answered at once: 503 with Retry-After, in
the API's one error shape or as an error page, never a 500 and never a wait."""

from __future__ import annotations

import pytest

from tests.conftest import count_rows, database_down
from tests.web.browsing import Person


@pytest.mark.parametrize("path", ["/api/v1/hubs/london/queue", "/api/v1/cases/IFR-2026-000001"])
def test_an_api_request_is_answered_503_with_retry_after(app, client, auth, path):
    headers = auth("demo-officer")
    with database_down(app):
        response = client.get(path, headers=headers)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.json["status"] == 503
    [error] = response.json["errors"]
    assert error["field"] is None and "cannot reach its database" in error["message"]


def test_a_submission_is_answered_503_and_nothing_is_saved(app, client, auth, application, in_db):
    before = count_rows(app)
    headers = {**auth("demo-clinician"), "Idempotency-Key": "during-the-outage"}
    with database_down(app):
        response = client.post("/api/v1/cases?submit=true", json=application, headers=headers)
    assert response.status_code == 503
    assert count_rows(app) == before
    again = client.post("/api/v1/cases?submit=true", json=application, headers=headers)
    assert again.status_code == 201  # sent again once the database is back


def test_a_page_is_an_error_page_503_with_retry_after(app, client):
    officer = Person(app.test_client(), "demo-officer")
    with database_down(app):
        response = officer.client.get("/queue")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    page = response.get_data(as_text=True)
    assert "the service is unavailable for a moment" in page
    assert "cannot reach its database" in page
