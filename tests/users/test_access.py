"""Every endpoint says who may call it; tokens name a real, active user."""

from __future__ import annotations

import time

import pytest
from joserfc import jwt
from joserfc.jwk import OctKey

from ifr_service.config import Config
from ifr_service.errors import Unauthorised
from ifr_service.users.tokens import AUDIENCE, ISSUER, issue_token, read_token

SECRET = "x" * 40
CONFIG = Config(secret_key=SECRET, token_lifetime_seconds=3600, token_max_lifetime_seconds=8 * 3600)


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
    assert public == ["/", "/accessibility", "/api/v1/oauth/token", "/api/v1/openapi.json",
                      # the development identity provider: development and test installations only
                      "/dev-identity/.well-known/openid-configuration", "/dev-identity/authorize",
                      "/dev-identity/jwks", "/dev-identity/token",
                      # how long a sign-in has left, and staying signed in: each answers for the cookie's own
                      "/healthz", "/session/status", "/session/stay-signed-in",
                      "/sign-in", "/sign-in/callback", "/sign-out", "/signed-out"]


def test_a_token_names_its_user():
    assert read_token(issue_token("demo-officer", CONFIG, 60), CONFIG) == "demo-officer"


def test_an_expired_token_is_refused():
    token = issue_token("demo-officer", CONFIG, -1)
    time.sleep(0.01)
    with pytest.raises(Unauthorised):
        read_token(token, CONFIG)


def test_a_token_signed_with_another_key_is_refused():
    with pytest.raises(Unauthorised):
        read_token(issue_token("demo-admin", Config(secret_key="y" * 40), 60), CONFIG)


def signed(claims: dict) -> str:
    """A token made by hand with the service's own key: what someone holding the key could mint."""
    return jwt.encode({"alg": "HS256"}, claims, OctKey.import_key(SECRET))


def now() -> int:
    return int(time.time())


def test_a_token_is_meant_for_this_services_api():
    token = issue_token("demo-officer", CONFIG)
    claims = jwt.decode(token, OctKey.import_key(SECRET), algorithms=["HS256"]).claims
    assert claims["aud"] == AUDIENCE and claims["exp"] - claims["iat"] == 3600


@pytest.mark.parametrize("audience", [None, "another-service", ["another-service"]])
def test_a_token_for_another_audience_or_none_is_refused(audience):
    claims = {"iss": ISSUER, "sub": "demo-officer", "iat": now(), "exp": now() + 60}
    if audience is not None:
        claims["aud"] = audience
    with pytest.raises(Unauthorised):
        read_token(signed(claims), CONFIG)


def test_issuing_a_token_longer_than_the_configured_maximum_is_refused():
    with pytest.raises(ValueError, match="at most 28800 seconds"):
        issue_token("demo-officer", CONFIG, 8 * 3600 + 1)


@pytest.mark.parametrize("claims", [
    {"iat": now()},  # no expiry: it would never end
    {"iat": now(), "exp": now() + 365 * 24 * 3600},  # a year
    {"iat": now() - 7 * 24 * 3600, "exp": now() + 60},  # issued a week ago, so far within its exp
    {"exp": now() + 60},  # no issue time: its lifetime cannot be known
    {"iat": now() + 3600, "exp": now() + 3600 + 60},  # issued in the future
], ids=["no-exp", "a-year", "a-week", "no-iat", "future"])
def test_a_token_without_an_expiry_or_living_longer_than_the_maximum_is_refused(claims):
    token = signed({"iss": ISSUER, "aud": AUDIENCE, "sub": "demo-officer", **claims})
    with pytest.raises(Unauthorised):
        read_token(token, CONFIG)


def test_a_token_within_the_maximum_made_by_hand_is_read():
    token = signed({"iss": ISSUER, "aud": AUDIENCE, "sub": "demo-officer",
                    "iat": now(), "exp": now() + 8 * 3600})
    assert read_token(token, CONFIG) == "demo-officer"


def test_a_token_for_an_unknown_user_is_refused(app, client):
    token = issue_token("nobody", app.config["IFR"], 60)
    response = client.get("/api/v1/reference/hubs", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_the_service_itself_cannot_sign_in(app, client, in_db):
    from ifr_service.users.queries import get_system_user

    in_db(get_system_user)
    token = issue_token("ifr-service", app.config["IFR"], 60)
    response = client.get("/api/v1/reference/hubs", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
