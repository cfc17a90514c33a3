"""The development identity provider speaks OpenID Connect as a real one does, and the service
checks everything it is sent: state, PKCE, the code's single use, the client's secret, the ID
token's signature, issuer, audience and nonce. It sends codes only to its registered redirect URI
and names itself by its configured issuer, whatever Host a request claims."""

from __future__ import annotations

import base64
import re
import socket
from dataclasses import replace
from urllib.parse import parse_qs, quote, urlsplit

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import KeySet

from ifr_service.app import create_app
from ifr_service.web.live import serving
from tests.web.browsing import CSRF, Person

CLIENT = ("ifr-service", "development-only-identity-secret")


def query(url: str) -> dict:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def code_for(client, username: str) -> tuple[dict, str]:
    """Go through the provider's page as `username`; the authorisation request and the code."""
    authorize = client.get("/sign-in").headers["Location"]
    callback = Person(client).submit(authorize, {"username": username}, expect=302).headers["Location"]
    return query(authorize), query(callback)["code"]


def verifier_for(client, state: str) -> str:
    with client.session_transaction() as session:
        return session[f"_state_identity_{state}"]["data"]["code_verifier"]


def exchange(client, code: str, verifier: str, secret: str = CLIENT[1]):
    basic = base64.b64encode(f"{CLIENT[0]}:{secret}".encode()).decode()
    return client.post("/dev-identity/token", headers={"Authorization": f"Basic {basic}"}, data={
        "grant_type": "authorization_code", "code": code, "code_verifier": verifier,
        "redirect_uri": client.application.config["IFR"].sign_in_callback_url})


def test_the_id_token_names_the_person_role_and_organisation_and_is_signed_with_the_published_key(client):
    request, code = code_for(client, "demo-clinician")
    token = exchange(client, code, verifier_for(client, request["state"]))
    assert token.status_code == 200, token.text
    keys = KeySet.import_key_set(client.get("/dev-identity/jwks").json)
    claims = jwt.decode(token.json["id_token"], keys, algorithms=["ES256"]).claims
    assert claims["iss"] == client.application.config["IFR"].development_issuer
    assert claims["aud"] == ["ifr-service"]
    assert claims["nonce"] == request["nonce"] and request["code_challenge_method"] == "S256"
    assert (claims["sub"], claims["roles"], claims["org"]) == ("demo-clinician", ["clinician"], "RRV")


def test_a_code_is_exchanged_once_only(client):
    request, code = code_for(client, "demo-officer")
    verifier = verifier_for(client, request["state"])
    assert exchange(client, code, verifier).status_code == 200
    replay = exchange(client, code, verifier)
    assert replay.status_code == 400 and replay.json["error"] == "invalid_grant"


def test_a_code_needs_the_verifier_of_the_request_that_asked_for_it(client):
    _request, code = code_for(client, "demo-officer")
    stolen = exchange(client, code, "a-verifier-of-someone-else-" + "x" * 30)
    assert stolen.status_code == 400 and stolen.json["error"] == "invalid_grant"


def test_a_code_needs_the_services_client_secret(client):
    request, code = code_for(client, "demo-officer")
    wrong = exchange(client, code, verifier_for(client, request["state"]), secret="guess")
    assert wrong.status_code == 401 and wrong.json["error"] == "invalid_client"


def test_the_provider_never_sends_a_code_to_another_site(client):
    authorize = client.get("/sign-in").headers["Location"]
    evil = authorize.replace("redirect_uri=http%3A%2F%2Flocalhost", "redirect_uri=https%3A%2F%2Fevil.example")
    assert evil != authorize
    response = client.get(evil)
    assert response.status_code == 400 and "Location" not in response.headers
    assert "The sign-in request is not valid" in response.text


def elsewhere_on_this_machine(callback: str) -> list[str]:
    """Addresses a loose check of 'the service's callback on this machine' would let through."""
    address = urlsplit(callback)
    return [callback.replace(f":{address.port}", ":1"),  # another port: anyone's local listener
            callback.replace("http://", "https://"),  # another scheme
            callback.replace("localhost", "127.0.0.1"),  # another name for the host
            callback + "?then=elsewhere", callback + "/", callback.replace("/callback", "/callback2")]


def test_the_provider_sends_a_code_only_to_its_registered_redirect_uri_exactly(client):
    callback = client.application.config["IFR"].sign_in_callback_url
    authorize = client.get("/sign-in").headers["Location"]
    assert f"redirect_uri={quote(callback, safe='')}" in authorize
    for other in elsewhere_on_this_machine(callback):
        asked = authorize.replace(quote(callback, safe=""), quote(other, safe=""))
        assert asked != authorize
        response = client.get(asked)
        assert response.status_code == 400 and "Location" not in response.headers, other
        chosen = Person(client).submit(asked, {"username": "demo-officer"}, form_page=authorize)
        assert chosen.status_code == 400 and "Location" not in chosen.headers, other


@pytest.mark.parametrize("host", ["evil.example", "localhost:1", "127.0.0.1:9"])
def test_the_provider_names_itself_by_its_configured_issuer_whatever_host_is_asked(client, app, host):
    config = app.config["IFR"]
    metadata = client.get("/dev-identity/.well-known/openid-configuration", headers={"Host": host}).json
    assert metadata["issuer"] == config.development_issuer
    assert metadata["authorization_endpoint"] == f"{config.development_issuer}/authorize"
    authorize = client.get("/sign-in", headers={"Host": host}).headers["Location"]
    assert authorize.startswith(f"{config.development_issuer}/authorize?")
    assert f"redirect_uri={quote(config.sign_in_callback_url, safe='')}" in authorize
    assert "ifr_identity_providers" not in app.extensions  # nothing kept per Host


def test_a_callback_this_browser_did_not_start_signs_nobody_in(client, app):
    _request, code = code_for(client, "demo-officer")
    other = app.test_client()
    response = other.get(f"/sign-in/callback?code={code}&state=forged")
    assert response.status_code == 400 and "Signing in did not complete" in response.text
    assert other.get("/queue").status_code == 302


def test_the_provider_refuses_an_unknown_client(client):
    authorize = client.get("/sign-in").headers["Location"].replace("client_id=ifr-service", "client_id=other")
    assert client.get(authorize).status_code == 400


def test_a_configured_provider_is_reached_over_the_network(app):
    """The relying party against an issuer elsewhere: here the development provider of the same
    database, served on a port, so discovery, keys and the code exchange travel over HTTP."""
    with serving(app) as provider_url:
        service = create_app(replace(app.config["IFR"], oidc_issuer=f"{provider_url}/dev-identity"))
        browser = service.test_client()
        assert not any(rule.rule.startswith("/dev-identity") for rule in service.url_map.iter_rules())
        authorize = browser.get("/sign-in?next=/queue").headers["Location"]
        assert authorize.startswith(provider_url)
        at_provider = requests.Session()
        token = CSRF.search(at_provider.get(authorize, timeout=10).text).group(1)
        chosen = at_provider.post(authorize, data={"username": "demo-officer", "csrf_token": token},
                                  allow_redirects=False, timeout=10)
        callback = urlsplit(chosen.headers["Location"])
        signed_in = browser.get(f"{callback.path}?{callback.query}")
        assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/queue"
        assert re.search(r"Sam Patel", browser.get("/queue").text)
        service.extensions["ifr"].engine.dispose()


def test_without_an_explicit_development_or_test_environment_there_is_no_development_provider(app):
    """No IFR_ENV (the embedded default) and production have no provider that lets anyone sign in as
    anyone: its pages do not exist, and signing in says what to set."""
    for environment in ("embedded", "production"):
        service = create_app(replace(app.config["IFR"], environment=environment))
        client = service.test_client()
        assert client.get("/dev-identity/.well-known/openid-configuration").status_code == 404
        assert client.get("/dev-identity/authorize").status_code == 404
        refused = client.get("/sign-in")
        assert refused.status_code == 503 and b"OIDC_ISSUER" in refused.data
        service.extensions["ifr"].engine.dispose()


def test_signing_in_while_the_identity_provider_cannot_be_reached_is_a_503_page_saying_so(app):
    """Discovery failed with a traceback: the sign-in page was a 500 whenever the national identity
    provider was down or unreachable. Now it says so, with Retry-After, and logs no address."""
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        issuer = f"http://127.0.0.1:{closed.getsockname()[1]}/realms/Healthcare"
    service = create_app(replace(app.config["IFR"], oidc_issuer=issuer))
    try:
        refused = service.test_client().get("/sign-in?next=/queue")
        assert refused.status_code == 503 and refused.headers["Retry-After"]
        assert "The sign-in service cannot be reached just now" in refused.text
        assert "127.0.0.1" not in refused.text
    finally:
        service.extensions["ifr"].engine.dispose()
