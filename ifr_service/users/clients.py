"""Systems that call the API for themselves: OAuth 2.0 client credentials (RFC 6749 section 4.4).

A trust's electronic patient record, say, is registered once by an operator (`ifr-service clients
add`) and is given a client_id and a secret. It swaps them at `POST /api/v1/oauth/token` for a bearer
token like anybody's: a JWT of this service naming its service-account user (`client:<client_id>`, a
clinician of its trust), so the API's access rules apply to it unchanged and it sees and submits only
its own organisation's cases. Revoking the client deactivates that user, so its tokens stop working at
once. Nothing about a token is stored: it is checked, like every token, on each request.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from functools import cache

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin
from authlib.oauth2.rfc6749.authenticate_client import authenticate_client_secret_basic
from authlib.oauth2.rfc6749.errors import InsecureTransportError, InvalidRequestError, InvalidScopeError
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
from flask import current_app, request
from werkzeug.security import check_password_hash, generate_password_hash

from ifr_service import db
from ifr_service.errors import ValidationFailed
from ifr_service.users import queries
from ifr_service.users.models import ApiClient, Role, User
from ifr_service.users.tokens import issue_token

USERNAME_PREFIX = "client:"
# A system's token lasts an hour at most (less if the service's token lifetime is shorter): it asks
# again with its secret, so a revoked client is refused a new one within the hour at the latest.
CLIENT_TOKEN_LIFETIME_SECONDS = 60 * 60
HASH_METHOD = "scrypt"
ODS_CODE = re.compile(r"[A-Z0-9]{3,10}")


@dataclass(frozen=True)
class Registration:
    """A newly registered client and its secret: shown to the operator once, and never kept."""

    client: ApiClient
    user: User
    secret: str


def register_client(name: str, organisation_code: str, organisation_name: str,
                    email: str = "") -> Registration:
    """Register a trust's system: a client acting as a clinician of the trust (its ODS code)."""
    name, organisation_name = name.strip(), organisation_name.strip()
    organisation_code = organisation_code.strip().upper()
    errors = {}
    if not name or len(name) > 200:
        errors["name"] = "Give the system a name of at most 200 characters."
    if not ODS_CODE.fullmatch(organisation_code):
        errors["organisation"] = "Give the trust's ODS code: 3 to 10 letters and digits, like RRV."
    if not organisation_name or len(organisation_name) > 200:
        errors["organisation_name"] = "Give the trust's name, of at most 200 characters."
    if errors:
        raise ValidationFailed(errors)
    client_id = "ifr-" + secrets.token_urlsafe(16)
    secret = secrets.token_urlsafe(32)
    user = queries.create_user(User(
        username=USERNAME_PREFIX + client_id, display_name=name, email=email, role=Role.CLINICIAN.value,
        organisation_code=organisation_code, organisation_name=organisation_name))
    client = queries.create_api_client(ApiClient(
        client_id=client_id, secret_hash=generate_password_hash(secret, method=HASH_METHOD),
        name=name, user_id=user.id))
    return Registration(client, user, secret)


def revoke_client(client_id: str) -> ApiClient:
    """Stop a client: no new tokens, and its user is deactivated, so the tokens it holds fail too."""
    client = queries.get_api_client(client_id)
    if client.is_active:
        client.is_active = False
        client.revoked_utc = db.utc_now()
    queries.get_user_by_id(client.user_id).is_active = False
    db.session().flush()
    return client


# The token endpoint, by authlib's authorization server.


class OAuthClient(ClientMixin):
    """authlib's view of an ApiClient. An unknown or revoked client is one whose every secret is
    wrong, so it is refused the same way (401 invalid_client), taking as long to check."""

    def __init__(self, client: ApiClient | None, user: User | None):
        self.client, self.user = client, user

    @property
    def is_usable(self) -> bool:
        return bool(self.client and self.client.is_active and self.user and self.user.is_active)

    def get_client_id(self):
        return self.client.client_id if self.client else None

    def get_default_redirect_uri(self):
        return None

    def get_allowed_scope(self, scope):
        return ""

    def check_redirect_uri(self, redirect_uri):
        return False

    def check_client_secret(self, client_secret):
        if not self.is_usable:
            check_password_hash(_decoy_hash(), client_secret)
            return False
        return check_password_hash(self.client.secret_hash, client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return method in ClientCredentials.TOKEN_ENDPOINT_AUTH_METHODS

    def check_response_type(self, response_type):
        return False

    def check_grant_type(self, grant_type):
        return grant_type == ClientCredentials.GRANT_TYPE


class ClientCredentials(ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]


@cache
def _decoy_hash() -> str:
    return generate_password_hash(secrets.token_urlsafe(32), method=HASH_METHOD)


def _query_client(client_id: str) -> OAuthClient:
    if not client_id or len(client_id) > 60 or "\x00" in client_id:
        return OAuthClient(None, None)
    client = queries.find_api_client(client_id)
    return OAuthClient(client, queries.get_user_by_id(client.user_id) if client else None)


def _authenticate_basic(query_client, oauth_request):
    """HTTP Basic, as authlib reads it; a header that is not UTF-8 is no credentials at all."""
    try:
        return authenticate_client_secret_basic(query_client, oauth_request)
    except UnicodeDecodeError:
        return None


def _generate_token(grant_type, client: OAuthClient, user=None, scope=None, expires_in=None,
                    include_refresh_token=False) -> dict:
    """Our own JWT, naming the client's user, with the client_id and organisation beside."""
    config = current_app.config["IFR"]
    lifetime = min(CLIENT_TOKEN_LIFETIME_SECONDS, config.token_lifetime_seconds)
    claims = {"client_id": client.client.client_id, "org": client.user.organisation_code}
    token = issue_token(client.user.username, config, lifetime, claims)
    return {"access_token": token, "token_type": "Bearer", "expires_in": lifetime}


class TokenServer(AuthorizationServer):
    def validate_requested_scope(self, scope):
        if scope:  # a client's reach is its organisation's, not a scope it asks for
            raise InvalidScopeError("This service has no scopes: leave scope out.")


def _build_server() -> TokenServer:
    server = TokenServer(query_client=_query_client, save_token=lambda token, oauth_request: None)
    server.register_grant(ClientCredentials)
    server.register_token_generator("default", _generate_token)
    server.register_client_auth_method("client_secret_basic", _authenticate_basic)
    return server


token_server = _build_server()


def create_token_response():
    """The token endpoint's answer: a token, or an error in RFC 6749's shape ({"error": ...})."""
    try:
        if not request.form.get("grant_type"):
            raise InvalidRequestError("Send grant_type=client_credentials, form-encoded.")
        return token_server.create_token_response()
    except (InsecureTransportError, InvalidRequestError) as error:
        return token_server.handle_error_response(None, error)
