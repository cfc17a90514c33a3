"""A trust's system calls the API with OAuth 2.0 client credentials, as a clinician of its trust."""

from __future__ import annotations

import base64

import pytest
from joserfc import jwt
from joserfc.jwk import OctKey
from sqlalchemy import create_engine, text
from werkzeug.security import check_password_hash

from ifr_service.users.clients import register_client, revoke_client
from ifr_service.users.queries import find_api_client
from tests.conftest import clear_cases
from tests.test_cli import run

TOKEN_URL = "/api/v1/oauth/token"
UCLH = ("UCLH EPR", "RRV", "University College London Hospitals NHS Foundation Trust")


@pytest.fixture
def system(app, client, in_db) -> dict:
    """A system of UCLH (RRV, demo-clinician's trust); removed after the test, with its user."""

    def register():
        registration = register_client(*UCLH)
        return {"client_id": registration.client.client_id, "secret": registration.secret,
                "username": registration.user.username}

    registered = in_db(register)
    yield registered
    clear_cases(app)
    with app.extensions["ifr"].engine.begin() as connection:
        connection.execute(text("DELETE FROM api_client WHERE client_id = :id"),
                           {"id": registered["client_id"]})
        connection.execute(text("DELETE FROM app_user WHERE username = :name"),
                           {"name": registered["username"]})


def basic(client_id: str, secret: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def ask_for_token(client, system: dict, secret: str | None = None, **form):
    return client.post(TOKEN_URL, data={"grant_type": "client_credentials", **form},
                       headers=basic(system["client_id"], secret or system["secret"]))


def bearer(client, system: dict) -> dict:
    response = ask_for_token(client, system)
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['access_token']}"}


def test_a_registered_system_gets_a_token_with_http_basic(app, client, system):
    response = ask_for_token(client, system)

    assert response.status_code == 200
    assert response.json["token_type"] == "Bearer"
    assert response.json["expires_in"] == 3600
    assert response.headers["Cache-Control"] == "no-store"
    claims = jwt.decode(response.json["access_token"], OctKey.import_key(app.config["IFR"].secret_key)).claims
    assert claims["sub"] == system["username"] == f"client:{system['client_id']}"
    assert claims["client_id"] == system["client_id"]
    assert claims["org"] == "RRV"
    assert claims["exp"] - claims["iat"] == 3600


def test_a_registered_system_gets_a_token_with_its_credentials_in_the_form(client, system):
    form = {"grant_type": "client_credentials", "client_id": system["client_id"],
            "client_secret": system["secret"]}
    response = client.post(TOKEN_URL, data=form)
    assert response.status_code == 200
    assert response.json["access_token"]


def test_the_secret_is_kept_only_as_a_salted_slow_hash(system, in_db):
    secret_hash = in_db(lambda: find_api_client(system["client_id"]).secret_hash)
    assert system["secret"] not in secret_hash
    assert secret_hash.startswith("scrypt:")
    assert check_password_hash(secret_hash, system["secret"])


def test_a_system_submits_and_reads_its_own_organisations_cases(client, auth, system, application):
    headers = bearer(client, system)

    submitted = client.post("/api/v1/cases?submit=true", json=application, headers=headers)
    assert submitted.status_code == 201, submitted.json
    reference = submitted.json["reference"]
    assert client.get(f"/api/v1/cases/{reference}", headers=headers).status_code == 200
    # A case a clinician of the same trust submitted is the trust's too.
    colleagues = client.post("/api/v1/cases?submit=true", json=application, headers=auth("demo-clinician"))
    assert client.get(f"/api/v1/cases/{colleagues.json['reference']}", headers=headers).status_code == 200


def test_a_system_cannot_see_another_organisations_case(client, auth, system, application):
    application["clinician"]["provider_ods_code"] = "RJ1"  # demo-clinician-2's trust
    other_trust = client.post("/api/v1/cases?submit=true", json=application, headers=auth("demo-clinician-2"))
    assert other_trust.status_code == 201

    response = client.get(f"/api/v1/cases/{other_trust.json['reference']}", headers=bearer(client, system))
    assert response.status_code == 404


def test_a_system_has_no_more_than_a_clinicians_reach(client, system):
    response = client.get("/api/v1/hubs/london/queue", headers=bearer(client, system))
    assert response.status_code == 403


def test_a_wrong_secret_is_refused_as_an_invalid_client(client, system):
    response = ask_for_token(client, system, secret="not-the-secret")

    assert response.status_code == 401
    assert response.json["error"] == "invalid_client"
    assert response.headers["WWW-Authenticate"].startswith("Basic ")
    in_the_form = client.post(TOKEN_URL, data={"grant_type": "client_credentials",
                                               "client_id": system["client_id"], "client_secret": "wrong"})
    assert (in_the_form.status_code, in_the_form.json["error"]) == (401, "invalid_client")


def test_an_unknown_client_is_refused_like_a_wrong_secret(client):
    for headers, form in [(basic("ifr-nobody", "secret"), {}),
                          ({}, {"client_id": "ifr-nobody", "client_secret": "secret"}),
                          ({}, {})]:
        response = client.post(TOKEN_URL, data={"grant_type": "client_credentials", **form}, headers=headers)
        assert (response.status_code, response.json["error"]) == (401, "invalid_client")


def test_an_unknown_grant_a_missing_grant_and_a_scope_are_refused(client, system):
    unknown = ask_for_token(client, system, grant_type="password")
    assert (unknown.status_code, unknown.json["error"]) == (400, "unsupported_grant_type")
    missing = client.post(TOKEN_URL, data={}, headers=basic(system["client_id"], system["secret"]))
    assert (missing.status_code, missing.json["error"]) == (400, "invalid_request")
    scoped = ask_for_token(client, system, scope="cases")
    assert (scoped.status_code, scoped.json["error"]) == (400, "invalid_scope")


def test_a_revoked_client_is_refused_its_tokens_and_any_new_one(client, system, in_db, application):
    headers = bearer(client, system)
    in_db(revoke_client, system["client_id"])

    refused = client.post("/api/v1/cases?submit=true", json=application, headers=headers)
    assert refused.status_code == 401
    again = ask_for_token(client, system)
    assert (again.status_code, again.json["error"]) == (401, "invalid_client")


def test_a_token_is_asked_for_with_a_post(client, system):
    assert client.get(TOKEN_URL, headers=basic(system["client_id"], system["secret"])).status_code == 405


# The command operators use.

ADD = ["clients", "add", "--name", UCLH[0], "--organisation", UCLH[1], "--organisation-name", UCLH[2]]


def test_operators_add_list_and_revoke_clients_with_the_command(fresh_env):
    run("db", "upgrade", env=fresh_env)
    added = run(*ADD, env=fresh_env)
    lines = dict(line.split(": ", 1) for line in added.stdout.splitlines())
    client_id, secret = lines["client_id"], lines["client_secret"]
    assert client_id.startswith("ifr-")
    assert "shown now and never again" in added.stderr

    listed = run("clients", "list", env=fresh_env).stdout
    assert client_id in listed and "UCLH EPR" in listed and "RRV" in listed and "active" in listed
    assert secret not in listed
    assert check_password_hash(_stored_hash(fresh_env, client_id), secret)

    assert run("clients", "revoke", client_id, env=fresh_env).stdout.strip() == f"revoked {client_id}"
    assert "revoked 20" in run("clients", "list", env=fresh_env).stdout
    assert _user_is_active(fresh_env, client_id) is False


def test_the_command_refuses_an_unknown_client_and_a_bad_organisation(fresh_env):
    run("db", "upgrade", env=fresh_env)
    unknown = run("clients", "revoke", "ifr-nobody", env=fresh_env, check=False)
    assert unknown.returncode != 0 and "There is no API client 'ifr-nobody'" in unknown.stderr
    bad = run(*ADD[:5], "not an ODS code", *ADD[6:], env=fresh_env, check=False)
    assert bad.returncode != 0 and "organisation: Give the trust's ODS code" in bad.stderr


def _stored_hash(env: dict, client_id: str) -> str:
    return _scalar(env, "SELECT secret_hash FROM api_client WHERE client_id = :id", client_id)


def _user_is_active(env: dict, client_id: str) -> bool:
    return bool(_scalar(env, "SELECT is_active FROM app_user WHERE username = 'client:' || :id", client_id))


def _scalar(env: dict, query: str, client_id: str):
    engine = create_engine(env["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            return connection.execute(text(query), {"id": client_id}).scalar_one()
    finally:
        engine.dispose()


def test_a_registration_is_checked(app, in_db):
    from ifr_service.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        in_db(register_client, "", "rrv!", "")
    assert set(refused.value.fields) == {"name", "organisation", "organisation_name"}


def test_a_systems_token_is_meant_for_the_api_and_lasts_an_hour_at_most(client, system):
    token = ask_for_token(client, system).json["access_token"]
    claims = jwt.decode(token, OctKey.import_key(client.application.config["IFR"].secret_key)).claims
    assert claims["aud"] == "ifr-service-api" and claims["exp"] - claims["iat"] == 3600
