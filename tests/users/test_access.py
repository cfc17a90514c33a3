"""Every endpoint says who may call it; tokens name a real, active user."""

from __future__ import annotations

import time

import pytest

from ifr_service.errors import Unauthorised
from ifr_service.users.tokens import issue_token, read_token

SECRET = "x" * 40


def test_every_endpoint_declares_who_may_call_it(app):
    undeclared = [
        rule.endpoint for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        and not hasattr(app.view_functions[rule.endpoint], "access_rule")
    ]
    assert undeclared == []


def test_only_health_the_api_description_and_signing_in_are_public(app):
    public = sorted(
        rule.rule for rule in app.url_map.iter_rules()
        if "public" in getattr(app.view_functions[rule.endpoint], "access_rule", ())
    )
    assert public == ["/", "/api/v1/oauth/token", "/api/v1/openapi.json",
                      # the development identity provider: development and test installations only
                      "/dev-identity/.well-known/openid-configuration", "/dev-identity/authorize",
                      "/dev-identity/jwks", "/dev-identity/token",
                      "/healthz", "/sign-in", "/sign-in/callback", "/sign-out"]


def test_a_token_names_its_user():
    assert read_token(issue_token("demo-officer", SECRET, 60), SECRET) == "demo-officer"


def test_an_expired_token_is_refused():
    token = issue_token("demo-officer", SECRET, -1)
    time.sleep(0.01)
    with pytest.raises(Unauthorised):
        read_token(token, SECRET)


def test_a_token_signed_with_another_key_is_refused():
    with pytest.raises(Unauthorised):
        read_token(issue_token("demo-admin", "y" * 40, 60), SECRET)


def test_a_token_for_an_unknown_user_is_refused(app, client):
    token = issue_token("nobody", app.config["IFR"].secret_key, 60)
    response = client.get("/api/v1/reference/hubs", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_the_service_itself_cannot_sign_in(app, client, in_db):
    from ifr_service.users.queries import get_system_user

    in_db(get_system_user)
    token = issue_token("ifr-service", app.config["IFR"].secret_key, 60)
    response = client.get("/api/v1/reference/hubs", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
