"""Configuration is read once from the environment; production refuses unsafe defaults."""

from __future__ import annotations

import pytest

from ifr_service.config import Config, ConfigError

PRODUCTION = {"IFR_ENV": "production", "SECRET_KEY": "k" * 40, "CET_PSEUDONYM_KEY": "p" * 40,
              "DATABASE_URL": "postgresql+psycopg://ifr@db/ifr", "REDIS_URL": "redis://redis:6379/0",
              "SMTP_HOST": "relay.nhs.net"}


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
