"""API bearer tokens: short-lived JWTs signed with the service's secret key.

A token names a user of this service, is meant for this service's API (its audience) and lives no
longer than the configured maximum: issuing refuses a longer one, and reading refuses a token
without an expiry or whose expiry lies further from its issue than the maximum, so a token made
with the key by hand for a year is refused too.
"""

from __future__ import annotations

import time

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey
from joserfc.jwt import JWTClaimsRegistry

from ifr_service.config import Config
from ifr_service.errors import Unauthorised

ISSUER = "ifr-service"
AUDIENCE = "ifr-service-api"
ALGORITHM = "HS256"
NOT_VALID = "Your sign-in token is not valid or has expired; sign in again."


def issue_token(username: str, config: Config, lifetime_seconds: int | None = None,
                extra_claims: dict | None = None) -> str:
    """A token naming `username`, for the configured lifetime unless a shorter one is given;
    `extra_claims` add to it (a system's client_id and organisation). ValueError for a lifetime
    over the configured maximum."""
    lifetime = config.token_lifetime_seconds if lifetime_seconds is None else lifetime_seconds
    if lifetime > config.token_max_lifetime_seconds:
        raise ValueError(f"a token may last at most {config.token_max_lifetime_seconds} seconds, "
                         f"not {lifetime}")
    now = int(time.time())
    claims = {**(extra_claims or {}), "iss": ISSUER, "aud": AUDIENCE, "sub": username,
              "iat": now, "exp": now + lifetime}
    return jwt.encode({"alg": ALGORITHM}, claims, OctKey.import_key(config.secret_key))


def read_token(token: str, config: Config) -> str:
    """The username a valid token names; Unauthorised otherwise."""
    try:
        decoded = jwt.decode(token, OctKey.import_key(config.secret_key), algorithms=[ALGORITHM])
        JWTClaimsRegistry(iss={"essential": True, "value": ISSUER},
                          aud={"essential": True, "value": AUDIENCE}, sub={"essential": True},
                          iat={"essential": True}, exp={"essential": True}).validate(decoded.claims)
    except (JoseError, ValueError, TypeError) as error:
        raise Unauthorised(NOT_VALID) from error
    if not _lifetime_is_allowed(decoded.claims, config.token_max_lifetime_seconds):
        raise Unauthorised(NOT_VALID)
    return decoded.claims["sub"]


def _lifetime_is_allowed(claims: dict, maximum: int) -> bool:
    issued, expires = claims["iat"], claims["exp"]
    numbers = all(isinstance(value, int) and not isinstance(value, bool) for value in (issued, expires))
    return numbers and 0 < expires - issued <= maximum and issued <= time.time() + 60
