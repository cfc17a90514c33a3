"""The API's answers, and /healthz's, are never run, framed, sniffed, cached or named in a Referer;
in production they tell the browser to use HTTPS only. (The pages' headers: tests/web/test_session.py.)"""

from __future__ import annotations

from dataclasses import replace

import pytest

from ifr_service.api import API_HEADERS
from ifr_service.headers import HSTS

API_ANSWERS = [
    ("/api/v1/reference/hubs", "demo-clinician", 200),
    ("/api/v1/reference/hubs", None, 401),  # an error answer
    ("/api/v1/cet/trends", "demo-clinician", 403),
    ("/api/v1/nothing-here", "demo-clinician", 404),  # no route, so no blueprint: still the API's headers
    ("/api/v1/openapi.json", None, 200),
    ("/healthz", None, 200),
]


@pytest.mark.parametrize(("path", "username", "status"), API_ANSWERS)
def test_every_api_answer_carries_the_api_headers(client, auth, path, username, status):
    response = client.get(path, headers=auth(username) if username else {})
    assert response.status_code == status
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers  # not in development or test


def test_a_case_read_through_the_api_is_never_cached(client, auth, application):
    created = client.post("/api/v1/cases", json=application, headers=auth("demo-clinician"))
    assert created.status_code == 201
    for response in (created, client.get(f"/api/v1/cases/{created.json['reference']}",
                                         headers=auth("demo-clinician"))):
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Referrer-Policy"] == "no-referrer"


def test_production_api_answers_tell_the_browser_to_use_https_only(client, app):
    config = app.config["IFR"]
    app.config["IFR"] = replace(config, environment="production")
    try:
        for path in ("/api/v1/openapi.json", "/healthz", "/api/v1/reference/hubs"):
            assert client.get(path).headers["Strict-Transport-Security"] == HSTS
    finally:
        app.config["IFR"] = config


def test_pages_keep_their_own_policy(client):
    response = client.get("/")
    assert response.headers["Content-Security-Policy"] != API_HEADERS["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "same-origin"
