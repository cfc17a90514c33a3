"""Rate limits: sign-in attempts and token requests, counted per client address (the real client's
behind trusted proxies, never the load balancer's) and per account where one is named; nothing else
is limited."""

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


LOAD_BALANCER = "10.0.0.5"


def limited_app(app, **settings):
    """An app of its own, over the suite's database, with the service's default limits (the suite
    raises them, as it asks far more often than a person would)."""
    defaults = Config()
    return create_app(replace(app.config["IFR"], sign_in_rate_limit=defaults.sign_in_rate_limit,
                              token_rate_limit=defaults.token_rate_limit, **settings))


@pytest.fixture
def limited(app):
    service = limited_app(app)
    yield service
    service.extensions["ifr"].engine.dispose()


@pytest.fixture
def behind_a_load_balancer(app):
    """The service as deployed behind one trusted proxy (TRUSTED_PROXY_HOPS=1)."""
    service = limited_app(app, trusted_proxy_hops=1)
    yield service
    service.extensions["ifr"].engine.dispose()


def through_load_balancer(app, forwarded_for: str):
    """A client reached through the load balancer, which appends the address it was called from."""
    client = from_address(app, LOAD_BALANCER)
    client.environ_base["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client


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


def test_behind_a_trusted_load_balancer_junk_from_one_client_locks_out_nobody_else(behind_a_load_balancer):
    attacker = through_load_balancer(behind_a_load_balancer, "198.51.100.66")
    for _ in range(11):
        attacker.get("/sign-in/callback")
    assert attacker.get("/sign-in/callback").status_code == 429

    colleague = through_load_balancer(behind_a_load_balancer, "198.51.100.67")
    assert colleague.get("/sign-in/callback").status_code != 429
    token_asker = through_load_balancer(behind_a_load_balancer, "198.51.100.68")
    assert token_asker.post(TOKEN_URL, data={"grant_type": "client_credentials"}).status_code == 401


def test_a_client_cannot_escape_its_count_by_writing_its_own_forwarded_for(behind_a_load_balancer):
    """The load balancer appends the address it saw; only that last one is believed."""
    for number in range(11):
        spoofing = through_load_balancer(behind_a_load_balancer, f"192.0.2.{number}, 198.51.100.70")
        answer = spoofing.get("/sign-in/callback")
    assert answer.status_code == 429


def test_with_no_proxy_trusted_a_forwarded_for_header_is_ignored(limited):
    for number in range(11):
        client = from_address(limited, "203.0.113.41")
        client.environ_base["HTTP_X_FORWARDED_FOR"] = f"192.0.2.{number}"
        answer = client.get("/sign-in/callback")
    assert answer.status_code == 429


def test_a_systems_token_requests_are_counted_for_it_from_whatever_address(limited):
    form = {"grant_type": "client_credentials", "client_id": "ifr-some-system", "client_secret": "guess"}
    for number in range(30):
        answer = from_address(limited, f"203.0.113.{100 + number}").post(TOKEN_URL, data=form)
        assert answer.status_code == 401

    refused = from_address(limited, "203.0.113.200").post(TOKEN_URL, data=form)
    assert refused.status_code == 429
    assert refused.json["errors"][0]["message"].startswith("Too many token requests for this client")
    other = from_address(limited, "203.0.113.201").post(TOKEN_URL, data={**form, "client_id": "ifr-another"})
    assert other.status_code == 401


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


def test_no_proxy_is_trusted_unless_configured():
    assert Config.from_environment({}).trusted_proxy_hops == 0
    assert Config.from_environment({"TRUSTED_PROXY_HOPS": "2"}).trusted_proxy_hops == 2
    with pytest.raises(ConfigError, match="TRUSTED_PROXY_HOPS"):
        Config.from_environment({"TRUSTED_PROXY_HOPS": "all"})
