"""Configuration is read once from the environment; production refuses unsafe defaults."""

from __future__ import annotations

import re
import secrets
from dataclasses import fields
from datetime import date

import pytest

from ifr_service.config import (
    EMBEDDED,
    PLACEHOLDER_CONTACT_EMAIL,
    PROJECT_ROOT,
    SETTINGS,
    CohortRule,
    Config,
    ConfigError,
)

STRONG_SECRET = "Jq3vT9xLw2Rk8ZpN4bYc6HsDf1GmUa7eXo5WtQiV"  # as secrets.token_urlsafe makes them
STRONG_PSEUDONYM_KEY = "r7PkX2mWq9LzT4vYb8NcH3sJd6FgA1eUo5KiR0tS"
PRODUCTION = {"IFR_ENV": "production", "SECRET_KEY": STRONG_SECRET, "CET_PSEUDONYM_KEY": STRONG_PSEUDONYM_KEY,
              "DATABASE_URL": "postgresql+psycopg://ifr@db/ifr", "REDIS_URL": "redis://redis:6379/0",
              "SMTP_HOST": "relay.nhs.net", "OIDC_ISSUER": "https://identity.example.nhs.uk/realms/Healthcare",
              "OIDC_CLIENT_ID": "ifr-service", "OIDC_CLIENT_SECRET": "s" * 32,
              "SERVICE_URL": "https://ifr.example.nhs.uk"}


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
    ({"CET_PSEUDONYM_KEY": STRONG_SECRET}, "must differ from SECRET_KEY"),
    ({"CDF_ANNUAL_BUDGET_GBP": "lots"}, "CDF_ANNUAL_BUDGET_GBP"),
    ({"CDF_ANNUAL_BUDGET_GBP": "-5"}, "CDF_ANNUAL_BUDGET_GBP"),
    ({"SERVICE_URL": ""}, "production needs SERVICE_URL"),
    ({"SERVICE_URL": "http://ifr.example.nhs.uk"}, "SERVICE_URL must be an https:// address in production"),
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


# Without IFR_ENV: the embedded default, or nothing. A real part is a deployment that forgot to say it
# is production, which must not start on the secrets and the sign-in that config.py publishes.
REAL_PARTS = [
    ({"DATABASE_URL": "postgresql+psycopg://ifr@db/ifr"}, "DATABASE_URL"),
    ({"REDIS_URL": "redis://redis:6379/0"}, "REDIS_URL"),
    ({"SMTP_HOST": "relay.nhs.net"}, "SMTP_HOST"),
    ({"DATABASE_URL": "postgresql+psycopg://ifr@db/ifr", "REDIS_URL": "redis://redis:6379/0",
      "SMTP_HOST": "relay.nhs.net"}, "DATABASE_URL"),
]


@pytest.mark.parametrize(("real", "named"), REAL_PARTS)
@pytest.mark.parametrize("unset", [{}, {"IFR_ENV": ""}])
def test_without_ifr_env_any_real_database_redis_or_relay_refuses_to_start(real, named, unset, tmp_path):
    with pytest.raises(ConfigError, match=rf"IFR_ENV is not set.*{named}.*set IFR_ENV=production"):
        Config.from_environment({**real, **unset, "IFR_PROJECT_ROOT": str(tmp_path)})


@pytest.mark.parametrize("environment", ["development", "test"])
def test_a_real_part_starts_when_ifr_env_names_development_or_test(environment, tmp_path):
    config = Config.from_environment({"IFR_ENV": environment, "DATABASE_URL": "postgresql+psycopg://ifr@db/ifr",
                                      "REDIS_URL": "redis://redis:6379/0", "IFR_PROJECT_ROOT": str(tmp_path)})
    assert config.environment == environment and config.uses_development_identity


def test_the_embedded_default_without_ifr_env_starts_without_the_development_sign_in(tmp_path):
    config = Config.from_environment({"IFR_PROJECT_ROOT": str(tmp_path)})
    assert config.is_embedded_database and not config.is_production
    assert not config.uses_development_identity


@pytest.mark.parametrize("environment", ["development", "test"])
def test_the_development_sign_in_exists_only_when_ifr_env_names_development_or_test(environment, tmp_path):
    assert Config.from_environment({"IFR_ENV": environment, "IFR_PROJECT_ROOT": str(tmp_path)}
                                   ).uses_development_identity
    production = Config.from_environment({**PRODUCTION, "IFR_PROJECT_ROOT": str(tmp_path)})
    assert not production.uses_development_identity


@pytest.mark.parametrize("weak", [
    "a" * 32,                                    # one character
    "a" * 64,                                    # long, still one character
    "abababababababababababababababab",          # two
    "passwordpasswordpasswordpassword",          # a word repeated
    "0123456789" * 4,                            # ten digits over and over
    "Jq3vT9xLw2Rk8ZpN4bYc6HsDf1GmUa7",           # random, but 31 characters
])
@pytest.mark.parametrize("name", ["SECRET_KEY", "CET_PSEUDONYM_KEY"])
def test_production_refuses_a_short_or_low_entropy_secret(name, weak, tmp_path):
    with pytest.raises(ConfigError, match=name):
        Config.from_environment({**PRODUCTION, name: weak, "IFR_PROJECT_ROOT": str(tmp_path)})


@pytest.mark.parametrize("make", [lambda: secrets.token_hex(16), lambda: secrets.token_hex(32),
                                  lambda: secrets.token_urlsafe(32), lambda: secrets.token_urlsafe(48)])
def test_production_accepts_a_generated_secret(make, tmp_path):
    for _ in range(200):  # a generated secret passes every time, not by luck
        Config.from_environment({**PRODUCTION, "SECRET_KEY": make(), "IFR_PROJECT_ROOT": str(tmp_path)})


def test_every_procfile_process_runs_in_production():
    lines = [line for line in (PROJECT_ROOT / "Procfile").read_text().splitlines() if line.strip()]
    assert lines and all(line.split(":", 1)[1].strip().startswith("export IFR_ENV=production && ")
                         for line in lines)


def test_the_range_of_meeting_dates_is_configuration_with_stated_defaults_and_refuses_nonsense(tmp_path):
    root = {"IFR_PROJECT_ROOT": str(tmp_path)}
    default = Config.from_environment(root)
    assert (default.meeting_earliest_date, default.meeting_max_years_ahead) == (date(2013, 4, 1), 2)
    set_ = Config.from_environment({**root, "PANEL_MEETING_EARLIEST_DATE": "2016-07-29",
                                    "PANEL_MEETING_MAX_YEARS_AHEAD": "1"})
    assert (set_.meeting_earliest_date, set_.meeting_max_years_ahead) == (date(2016, 7, 29), 1)
    with pytest.raises(ConfigError, match="PANEL_MEETING_EARLIEST_DATE"):
        Config.from_environment({**root, "PANEL_MEETING_EARLIEST_DATE": "the dawn of time"})
    with pytest.raises(ConfigError, match="PANEL_MEETING_MAX_YEARS_AHEAD"):
        Config.from_environment({**root, "PANEL_MEETING_MAX_YEARS_AHEAD": "0"})


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


def test_production_without_service_url_refuses_to_start_and_says_why(tmp_path):
    """Unset, a real identity provider was sent whatever address the request came to (its Host header),
    and sign-in's callback rested on the provider's own check of it. Production names its address."""
    environ = {key: value for key, value in PRODUCTION.items() if key != "SERVICE_URL"}
    with pytest.raises(ConfigError) as refused:
        Config.from_environment({**environ, "IFR_PROJECT_ROOT": str(tmp_path)})
    assert str(refused.value) == (
        "production needs SERVICE_URL, the https:// address people reach the service at (for example "
        "https://ifr.example.nhs.uk): sign-in sends the identity provider this address and "
        "/sign-in/callback, never one taken from a request")
    assert Config.from_environment({**PRODUCTION, "IFR_PROJECT_ROOT": str(tmp_path)}).base_url == \
        "https://ifr.example.nhs.uk"


def test_every_setting_left_unset_takes_the_one_default_declared_on_its_field(tmp_path):
    """Each setting's default is written once, on Config's field: the environment's table (SETTINGS)
    names only the variable and how to read it, so a setting the environment leaves out is the field's
    default, unchanged."""
    declared = Config(environment=EMBEDDED, project_root=tmp_path)
    read = Config.from_environment({"IFR_PROJECT_ROOT": str(tmp_path)})
    assert {name: getattr(read, name) for name in SETTINGS} == \
        {name: getattr(declared, name) for name in SETTINGS}
    assert set(SETTINGS) <= {field.name for field in fields(Config)}
    variables = [setting.env for setting in SETTINGS.values()]
    assert len(variables) == len(set(variables))  # one variable, one setting


def test_the_cohort_rule_is_read_from_its_settings():
    config = Config.from_environment({"CET_COHORT_MIN_CASES": "7", "CET_COHORT_MIN_HUBS": "3",
                                      "CET_COHORT_WINDOW_DAYS": "180"})
    assert config.cohort_rule == CohortRule(min_cases=7, min_hubs=3, window_days=180)
    assert Config().cohort_rule == CohortRule(min_cases=5, min_hubs=2, window_days=364)
    with pytest.raises(ConfigError, match="CET_COHORT_MIN_HUBS"):
        Config.from_environment({"CET_COHORT_MIN_HUBS": "none"})


@pytest.mark.parametrize(("variable", "value", "expected"), [
    ("SESSION_IDLE_MINUTES", "45", ("session_idle_seconds", 45 * 60)),
    ("CDF_ANNUAL_BUDGET_GBP", "1000.50", ("cdf_annual_budget_pence", 100050)),
    ("REDIS_URL", "", ("redis_url", None)),
    ("ACCESSIBILITY_CONTACT_EMAIL", "", ("accessibility_contact_email", PLACEHOLDER_CONTACT_EMAIL)),
])
def test_a_setting_is_read_in_its_own_unit_and_blank_means_unset_where_it_should(variable, value, expected):
    name, wanted = expected
    assert getattr(Config.from_environment({variable: value}), name) == wanted


def test_every_setting_the_environment_gives_is_in_the_operations_guide():
    table = (PROJECT_ROOT / "docs" / "operations.md").read_text().partition("## Environment")[2]
    named = {name for row in table.splitlines() if row.startswith("| `")
             for name in re.findall(r"`([A-Z_]+)`", row.split(" | ")[0])}
    assert [setting.env for setting in SETTINGS.values() if setting.env not in named] == []


def test_the_review_reminders_lead_time_is_a_number_of_days_from_1_to_365():
    assert Config().outcome_review_reminder_days == 14
    assert Config.from_environment({"OUTCOME_REVIEW_REMINDER_DAYS": "28"}).outcome_review_reminder_days == 28
    for refused in ("0", "366", "two weeks"):
        with pytest.raises(ConfigError, match="OUTCOME_REVIEW_REMINDER_DAYS"):
            Config.from_environment({"OUTCOME_REVIEW_REMINDER_DAYS": refused})
