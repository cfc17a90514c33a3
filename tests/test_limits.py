"""Rate limits: sign-in attempts and token requests, counted per address; nothing else is limited."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ifr_service.app import create_app
from ifr_service.config import Config, ConfigError
from tests.conftest import token_for

# Where a sign-in attempt ends: the identity provider's answer. ifr_service/web/session.py is to
# carry @sign_in_limit there; the app below applies it in case it does not yet.
SIGN_IN_ENDPOINT = "pages.session.finish_sign_in"
TOKEN_URL = "/api/v1/oauth/token"


@pytest.fixture
def limited(app):
    """An app of its own, over the suite's database, with the service's default limits (the suite
    raises them, as it asks far more often than a person would)."""
    defaults = Config()
    limited_app = create_app(replace(app.config["IFR"], sign_in_rate_limit=defaults.sign_in_rate_limit,
                                     token_rate_limit=defaults.token_rate_limit))
    yield limited_app
    limited_app.extensions["ifr"].engine.dispose()


def from_address(app, address: str):
    """A test client whose requests come from `address` (each test its own, as counts may be shared)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_the_eleventh_sign_in_attempt_in_a_minute_is_refused(limited):
    browser = from_address(limited, "203.0.113.11")
    for _ in range(10):
        assert browser.get("/sign-in/callback").status_code != 429

    refused = browser.get("/sign-in/callback")
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 61  # the end of the minute window
    assert "Too many sign-in attempts from your address" in refused.text
    assert refused.mimetype == "text/html"
    # Another address is counted apart.
    assert from_address(limited, "203.0.113.12").get("/sign-in/callback").status_code != 429


def test_the_thirty_first_token_request_in_a_minute_is_refused_in_the_one_error_shape(limited):
    system = from_address(limited, "203.0.113.21")
    for _ in range(30):
        answer = system.post(TOKEN_URL, data={"grant_type": "client_credentials"})
        assert answer.status_code == 401, answer.json

    refused = system.post(TOKEN_URL, data={"grant_type": "client_credentials"})
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 61  # the end of the minute window
    assert refused.json == {"errors": [{"field": None, "message": "Too many token requests from your "
                                        "address. Wait a minute, then try again."}], "status": 429}


def test_other_endpoints_are_not_limited(limited):
    someone = from_address(limited, "203.0.113.31")
    headers = {"Authorization": f"Bearer {token_for(limited, 'demo-officer')}"}
    for _ in range(40):
        assert someone.get("/healthz").status_code == 200
        assert someone.get("/api/v1/reference/hubs", headers=headers).status_code == 200


def test_the_limits_are_read_from_the_environment_and_checked():
    config = Config.from_environment({"SIGN_IN_RATE_LIMIT": "5 per minute", "TOKEN_RATE_LIMIT": "100/hour"})
    assert (config.sign_in_rate_limit, config.token_rate_limit) == ("5 per minute", "100/hour")
    assert Config.from_environment({}).sign_in_rate_limit == "10 per minute"
    with pytest.raises(ConfigError, match="TOKEN_RATE_LIMIT"):
        Config.from_environment({"TOKEN_RATE_LIMIT": "lots"})
