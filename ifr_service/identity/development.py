"""The development identity provider: a small OpenID Connect provider, built with authlib, that
signs in the demo users.

It lets the real sign-in flow run end to end on one machine: the authorisation code flow with PKCE,
and an ID token signed with a published key that the service checks. It is registered only when no
OIDC_ISSUER is configured, and production refuses to start without one (see config.py).

Its authorisation codes are signed, short-lived and single-use within the process, so it keeps no
state in the database.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import ClientMixin
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.core.models import AuthorizationCodeMixin
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Blueprint, Flask, current_app, g, jsonify, render_template, request
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, OctKey

from ifr_service.errors import ValidationFailed
from ifr_service.identity.relying_party import DEVELOPMENT_PROVIDER_PATH
from ifr_service.reference.queries import get_hub_by_id, get_region
from ifr_service.users.access import PUBLIC
from ifr_service.users.models import Role, User
from ifr_service.users.queries import find_user, find_users
from ifr_service.web.session import ROLE_TITLES, page_allow

dev_identity = Blueprint("dev_identity", __name__, url_prefix=f"/{DEVELOPMENT_PROVIDER_PATH}")
SCOPES = ("openid", "profile", "email")
NO_CHOICE = "Choose who you are signing in as."
CODE_LIFETIME_SECONDS = 60
ID_TOKEN_LIFETIME_SECONDS = 300
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def register_development_identity(app: Flask) -> None:
    server = AuthorizationServer(query_client=_client, save_token=lambda _token, _request: None)
    server.init_app(app)
    server.register_grant(SignedCodeGrant, [DemoUserClaims(require_nonce=True), CodeChallenge(required=True)])
    app.extensions["dev_identity"] = server
    app.register_blueprint(dev_identity)


def issuer() -> str:
    """From the configuration (SERVICE_URL), never from the request's Host header."""
    return current_app.config["IFR"].development_issuer


def registered_redirect_uris() -> tuple[str, ...]:
    """The service's own sign-in callback, as configured: the only place a code is ever sent."""
    return (current_app.config["IFR"].sign_in_callback_url,)


@dev_identity.before_request
def page_nonce():
    g.csp_nonce = secrets.token_urlsafe(16)  # the authorisation page uses the service's layout


@dev_identity.after_request
def protect(response):
    from ifr_service.web.responses import protect_page

    return protect_page(response)


@dev_identity.get("/.well-known/openid-configuration")
@page_allow(PUBLIC)
def metadata():
    base = issuer()
    return jsonify({
        "issuer": base, "authorization_endpoint": f"{base}/authorize", "token_endpoint": f"{base}/token",
        "jwks_uri": f"{base}/jwks", "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["ES256"], "scopes_supported": list(SCOPES),
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": ["sub", "name", "email", "roles", "org", "org_name"]})


@dev_identity.get("/jwks")
@page_allow(PUBLIC)
def keys():
    return jsonify({"keys": [_signing_key().as_dict(private=False)]})


@dev_identity.route("/authorize", methods=["GET", "POST"])
@page_allow(PUBLIC)  # no password to guess here: the service's callback counts sign-in attempts
def authorize():
    """Ask who is signing in (a development installation has no passwords), then send the browser
    back to the service with a code."""
    from ifr_service.web.responses import csrf, render_error_page

    server = current_app.extensions["dev_identity"]
    people = [user for user in find_users() if _may_sign_in(user)]
    try:
        if request.method == "GET":
            server.get_consent_grant()
            return render_template("dev_identity/authorize.html", choices=_choices(people))
        csrf.protect()
        user = find_user(request.form.get("username", ""))
        if user is None or not _may_sign_in(user):
            return render_template("dev_identity/authorize.html", choices=_choices(people),
                                   errors=ValidationFailed({"username": NO_CHOICE}).fields), 422
        grant = server.get_consent_grant(end_user=user)
        return server.create_authorization_response(grant=grant, grant_user=user)
    except OAuth2Error as error:  # never send the browser to a callback that was not checked
        reason = error.description or error.error
        return render_error_page(400, f"The sign-in request is not valid: {reason}.")


@dev_identity.post("/token")
@page_allow(PUBLIC)
def token():
    return current_app.extensions["dev_identity"].create_token_response()


def _may_sign_in(user: User) -> bool:
    return user.is_active and user.role != Role.SYSTEM and not user.username.startswith("client:")


def _choices(people: list[User]) -> list[dict]:
    return [{"value": user.username, "text": user.display_name, "hint": {"text": ", ".join(
        filter(None, [ROLE_TITLES.get(user.role_enum, user.role), user.organisation_name]))}}
        for user in people]


@dataclass(frozen=True)
class DevelopmentClient(ClientMixin):
    """The service itself, as the development provider's one client."""

    client_id: str
    client_secret: str
    id_token_signed_response_alg = "ES256"

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return registered_redirect_uris()[0]

    def get_allowed_scope(self, scope):
        return " ".join(name for name in (scope or "").split() if name in SCOPES)

    def check_redirect_uri(self, redirect_uri):
        """Only a registered redirect URI, exactly: no other port, scheme, host or path."""
        return redirect_uri in registered_redirect_uris()

    def check_client_secret(self, client_secret):
        return hmac.compare_digest(client_secret.encode(), self.client_secret.encode())

    def check_endpoint_auth_method(self, method, endpoint):
        return endpoint != "token" or method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


def _client(client_id: str) -> DevelopmentClient | None:
    config = current_app.config["IFR"]
    return DevelopmentClient(config.oidc_client_id, config.oidc_client_secret) \
        if client_id == config.oidc_client_id else None


@dataclass(frozen=True)
class SignedCode(AuthorizationCodeMixin):
    """An authorisation code's contents, carried inside the code itself."""

    claims: dict

    def get_redirect_uri(self):
        return self.claims["redirect_uri"]

    def get_scope(self):
        return self.claims["scope"]

    def get_nonce(self):
        return self.claims.get("nonce")

    def get_auth_time(self):
        return self.claims["iat"]

    def get_acr(self):
        return None

    def get_amr(self):
        return None

    @property
    def code_challenge(self):
        return self.claims.get("code_challenge")

    @property
    def code_challenge_method(self):
        return self.claims.get("code_challenge_method")


class SignedCodeGrant(AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def generate_authorization_code(self):
        now, payload = int(time.time()), self.request.payload
        claims = {"purpose": "dev-identity-code", "jti": secrets.token_urlsafe(16), "iat": now,
                  "exp": now + CODE_LIFETIME_SECONDS, "client_id": payload.client_id,
                  "redirect_uri": payload.redirect_uri, "scope": payload.scope,
                  "sub": self.request.user.username,
                  "nonce": payload.data.get("nonce"), "code_challenge": payload.data.get("code_challenge"),
                  "code_challenge_method": payload.data.get("code_challenge_method")}
        return jwt.encode({"alg": "HS256"}, claims, _code_key())

    def save_authorization_code(self, code, request):
        """Nothing to save: the code carries what it stands for."""

    def query_authorization_code(self, code, client):
        try:
            claims = jwt.decode(code, _code_key(), algorithms=["HS256"]).claims
        except (JoseError, ValueError):
            return None
        fresh = claims.get("purpose") == "dev-identity-code" and claims.get("exp", 0) > time.time()
        if not fresh or claims.get("client_id") != client.get_client_id() or USED_CODES.seen(claims["jti"]):
            return None
        return SignedCode(claims)

    def delete_authorization_code(self, authorization_code):
        USED_CODES.use(authorization_code.claims["jti"], authorization_code.claims["exp"])

    def authenticate_user(self, authorization_code):
        user = find_user(authorization_code.claims["sub"])
        return user if user is not None and _may_sign_in(user) else None


class DemoUserClaims(OpenIDCode):
    """The ID token: the person, their role and their organisation, in the claims the service's
    default configuration reads (sub, roles, org)."""

    def exists_nonce(self, nonce, request):
        return False  # each code is used once, and carries its own nonce

    def resolve_client_private_key(self, client):
        return _signing_key()

    def get_client_algorithm(self, client):
        return "ES256"

    def get_encode_header(self, client):
        return {"alg": "ES256", "kid": _signing_key().kid}

    def get_client_claims(self, client):
        return {"iss": issuer(), "aud": [client.get_client_id()],
                "exp": int(time.time()) + ID_TOKEN_LIFETIME_SECONDS}

    def generate_user_info(self, user: User, scope):
        return UserInfo(sub=user.username, name=user.display_name, email=user.email, roles=[user.role],
                        org=_organisation_code(user), org_name=user.organisation_name)


def _organisation_code(user: User) -> str | None:
    if user.hub_id is not None:
        return get_hub_by_id(user.hub_id).code
    if user.region_id is not None:
        return get_region(user.region_id).code
    return user.organisation_code


class UsedCodes:
    """Codes already exchanged, until they would have expired anyway."""

    def __init__(self):
        self._expiries: dict[str, int] = {}
        self._lock = threading.Lock()

    def seen(self, jti: str) -> bool:
        with self._lock:
            return jti in self._expiries

    def use(self, jti: str, expires: int) -> None:
        with self._lock:
            now = time.time()
            self._expiries = {key: at for key, at in self._expiries.items() if at > now}
            self._expiries[jti] = expires


USED_CODES = UsedCodes()


def _code_key() -> OctKey:
    return OctKey.import_key(hashlib.sha256(b"dev-identity-code:" + _secret()).digest())


def _signing_key() -> ECKey:
    """A P-256 key derived from the service's secret, so that every process of a development
    installation publishes and signs with the same key."""
    digest = hashlib.sha256(b"dev-identity-signing:" + _secret()).digest()
    scalar = int.from_bytes(digest) % (P256_ORDER - 1) + 1
    private = ec.derive_private_key(scalar, ec.SECP256R1())
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return ECKey.import_key(pem, {"use": "sig", "alg": "ES256", "kid": "dev-identity-1"})


def _secret() -> bytes:
    return current_app.config["IFR"].secret_key.encode()
