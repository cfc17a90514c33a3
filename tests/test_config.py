"""Configuration is read once from the environment; production refuses unsafe defaults."""

from __future__ import annotations

import pytest

from ifr_service.config import Config, ConfigError

PRODUCTION = {"IFR_ENV": "production", "SECRET_KEY": "k" * 40, "CET_PSEUDONYM_KEY": "p" * 40,
              "DATABASE_URL": "postgresql+psycopg://ifr@db/ifr", "REDIS_URL": "redis://redis:6379/0",
              "SMTP_HOST": "relay.nhs.net", "OIDC_ISSUER": "https://identity.example.nhs.uk/realms/Healthcare",
              "OIDC_CLIENT_ID": "ifr-service", "OIDC_CLIENT_SECRET": "s" * 32}


def test_the_embedded_default_is_sqlite_under_instance_with_in_process_jobs(tmp_path):
    config = Config.from_environment({"IFR_PROJECT_ROOT": str(tmp_path)})
    assert config.database_url == f"sqlite:///{tmp_path / 'instance' / 'ifr-service.sqlite3'}"
    assert config.redis_url is None


def test_production_starts_with_a_real_secret_postgresql_and_redis():
    assert Config.from_environment(PRODUCTION).is_production


@pytest.mark.parametrize(("missing", "problem"), [
    ({"SECRET_KEY": ""}, "SECRET_KEY"),
    ({"SECRET_KEY": "short"}, "SECRET_KEY"),
    ({"DATABASE_URL": ""}, "PostgreSQL"),
    ({"REDIS_URL": ""}, "REDIS_URL"),
    ({"SMTP_HOST": ""}, "SMTP_HOST"),
    ({"OIDC_ISSUER": ""}, "OIDC_ISSUER"),
    ({"OIDC_ISSUER": "http://idp.example"}, "https"),
    ({"OIDC_CLIENT_SECRET": ""}, "OIDC_CLIENT_SECRET"),
    ({"CET_PSEUDONYM_KEY": ""}, "CET_PSEUDONYM_KEY"),
    ({"CET_PSEUDONYM_KEY": "k" * 40}, "must differ from SECRET_KEY"),
    ({"CDF_ANNUAL_BUDGET_GBP": "lots"}, "CDF_ANNUAL_BUDGET_GBP"),
    ({"CDF_ANNUAL_BUDGET_GBP": "-5"}, "CDF_ANNUAL_BUDGET_GBP"),
])
def test_production_refuses_unsafe_defaults(missing, problem, tmp_path):
    environ = {**PRODUCTION, **missing, "IFR_PROJECT_ROOT": str(tmp_path)}
    environ = {key: value for key, value in environ.items() if value}
    with pytest.raises(ConfigError, match=problem):
        Config.from_environment(environ)


def test_an_unknown_environment_name_is_refused():
    with pytest.raises(ConfigError, match="IFR_ENV"):
        Config.from_environment({"IFR_ENV": "staging"})


def test_the_identity_providers_roles_are_mapped_by_configuration():
    config = Config.from_environment({**PRODUCTION, "OIDC_ROLE_MAP": "R8000=clinician, R8001=case_officer"})
    assert config.oidc_role_map == (("R8000", "clinician"), ("R8001", "case_officer"))
    with pytest.raises(ConfigError, match="OIDC_ROLE_MAP"):
        Config.from_environment({**PRODUCTION, "OIDC_ROLE_MAP": "R8000"})
    with pytest.raises(ConfigError, match="openid"):
        Config.from_environment({**PRODUCTION, "OIDC_SCOPES": "profile"})


def test_a_token_lifetime_over_the_configured_maximum_stops_start_up():
    longer = Config.from_environment({**PRODUCTION, "TOKEN_MAX_LIFETIME_SECONDS": "36000"})
    assert longer.token_max_lifetime_seconds == 36000
    with pytest.raises(ConfigError, match="TOKEN_MAX_LIFETIME_SECONDS"):
        Config.from_environment({**PRODUCTION, "TOKEN_MAX_LIFETIME_SECONDS": "3600"})
    with pytest.raises(ConfigError, match="TOKEN_MAX_LIFETIME_SECONDS"):
        Config.from_environment({**PRODUCTION, "TOKEN_MAX_LIFETIME_SECONDS": "forever"})


def test_the_service_url_is_a_bare_address_and_names_the_sign_in_callback():
    config = Config.from_environment({"SERVICE_URL": "https://ifr.example.nhs.uk/"})
    assert config.sign_in_callback_url == "https://ifr.example.nhs.uk/sign-in/callback"
    assert config.development_issuer == "https://ifr.example.nhs.uk/dev-identity"
    assert Config.from_environment({}).sign_in_callback_url == "http://127.0.0.1:5000/sign-in/callback"
    for wrong in ("ifr.example.nhs.uk", "https://ifr.example.nhs.uk/ifr", "javascript:alert(1)",
                  "https://user:pass@ifr.example.nhs.uk"):
        with pytest.raises(ConfigError, match="SERVICE_URL"):
            Config.from_environment({"SERVICE_URL": wrong})
