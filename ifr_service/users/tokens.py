"""API bearer tokens: short-lived JWTs signed with the service's secret key.

In production people will sign in through the national identity provider; a
token names a user of this service either way.
"""

from __future__ import annotations

import time

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey
from joserfc.jwt import JWTClaimsRegistry

from ifr_service.errors import Unauthorised

ISSUER = "ifr-service"
ALGORITHM = "HS256"


def issue_token(username: str, secret_key: str, lifetime_seconds: int,
                extra_claims: dict | None = None) -> str:
    """A token naming `username`; `extra_claims` add to it (a system's client_id and organisation)."""
    now = int(time.time())
    claims = {**(extra_claims or {}),
              "iss": ISSUER, "sub": username, "iat": now, "exp": now + lifetime_seconds}
    return jwt.encode({"alg": ALGORITHM}, claims, OctKey.import_key(secret_key))


def read_token(token: str, secret_key: str) -> str:
    """The username a valid token names; Unauthorised otherwise."""
    try:
        decoded = jwt.decode(token, OctKey.import_key(secret_key), algorithms=[ALGORITHM])
        JWTClaimsRegistry(iss={"essential": True, "value": ISSUER},
                          sub={"essential": True}, exp={"essential": True}).validate(decoded.claims)
    except (JoseError, ValueError) as error:
        raise Unauthorised("Your sign-in token is not valid or has expired; sign in again.") from error
    return decoded.claims["sub"]
