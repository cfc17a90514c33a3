"""Configuration, read from the environment once.

With nothing set the service runs on the embedded default: a SQLite file under
`instance/` and background jobs run in-process after the request commits.
Production mode (`IFR_ENV=production`) refuses the defaults that are unsafe there.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEVELOPMENT_SECRET = "development-only-secret-never-use-in-production"
DEVELOPMENT_PSEUDONYM_KEY = "development-only-pseudonym-key-never-use-in-production"
DEVELOPMENT_OIDC_SECRET = "development-only-identity-secret"


class ConfigError(RuntimeError):
    """The environment describes a configuration the service must not run with."""


@dataclass(frozen=True)
class Config:
    environment: str = "development"
    database_url: str = ""
    redis_url: str | None = None
    secret_key: str = DEVELOPMENT_SECRET
    project_root: Path = PROJECT_ROOT
    attachment_max_bytes: int = 10 * 1024 * 1024
    token_lifetime_seconds: int = 8 * 60 * 60
    # Rate limits per remote address (flask-limiter's notation), ifr_service/limits.py.
    sign_in_rate_limit: str = "10 per minute"
    token_rate_limit: str = "30 per minute"
    smtp_host: str | None = None
    smtp_port: int = 25
    mail_sender: str = "ifr-service@nhs.net"
    # The key of the patient pseudonyms in the CET's national database (HMAC-SHA256).
    pseudonym_key: str = DEVELOPMENT_PSEUDONYM_KEY
    # The CET's cohort rule: this many requests, from this many hubs, within this many days.
    cohort_min_cases: int = 5
    cohort_min_hubs: int = 2
    cohort_window_days: int = 364
    # A CET export of more rows than this is made in the background by the worker, not in the request.
    cet_export_inline_max_rows: int = 20000
    # The Cancer Drugs Fund's annual budget, against which spend is forecast.
    cdf_annual_budget_pence: int = 340_000_000 * 100
    # Sign-in through OpenID Connect. With no issuer, development and test use the service's
    # own development identity provider (at /dev-identity); production must name a real one.
    oidc_issuer: str | None = None
    oidc_client_id: str = "ifr-service"
    oidc_client_secret: str = DEVELOPMENT_OIDC_SECRET
    oidc_scopes: str = "openid profile email"
    oidc_username_claim: str = "sub"
    oidc_role_claim: str = "roles"
    oidc_organisation_claim: str = "org"
    # The identity provider's role names to this service's (empty: the provider uses ours).
    oidc_role_map: tuple[tuple[str, str], ...] = ()
    # A page sign-in ends after this long without a request, and after this long in all.
    session_idle_minutes: int = 30
    session_absolute_hours: int = 12

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def uses_development_identity(self) -> bool:
        return self.oidc_issuer is None

    @property
    def cohort_rule(self):
        from ifr_service.cet.cohorts import CohortRule

        return CohortRule(self.cohort_min_cases, self.cohort_min_hubs, self.cohort_window_days)

    @property
    def is_embedded_database(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def forms_dir(self) -> Path:
        return self.project_root / "forms"

    @property
    def cdf_list_dir(self) -> Path:
        return self.forms_dir / "cdf" / "list"

    @property
    def workflows_dir(self) -> Path:
        return self.project_root / "workflows"

    @property
    def migrations_dir(self) -> Path:
        return self.project_root / "migrations"

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> Config:
        env = os.environ if environ is None else environ
        root = Path(env.get("IFR_PROJECT_ROOT", PROJECT_ROOT))
        config = cls(
            environment=env.get("IFR_ENV", "development"),
            database_url=env.get("DATABASE_URL") or _embedded_database_url(root),
            redis_url=env.get("REDIS_URL") or None,
            secret_key=env.get("SECRET_KEY", DEVELOPMENT_SECRET),
            pseudonym_key=env.get("CET_PSEUDONYM_KEY", DEVELOPMENT_PSEUDONYM_KEY),
            project_root=root,
            attachment_max_bytes=int(env.get("IFR_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)),
            smtp_host=env.get("SMTP_HOST") or None,
            smtp_port=int(env.get("SMTP_PORT", 25)),
            sign_in_rate_limit=_rate_limit(env, "SIGN_IN_RATE_LIMIT", "10 per minute"),
            token_rate_limit=_rate_limit(env, "TOKEN_RATE_LIMIT", "30 per minute"),
            mail_sender=env.get("MAIL_SENDER", "ifr-service@nhs.net"),
            cdf_annual_budget_pence=_pounds_to_pence(env.get("CDF_ANNUAL_BUDGET_GBP", "340000000")),
            cohort_min_cases=_whole_number(env, "CET_COHORT_MIN_CASES", 5),
            cohort_min_hubs=_whole_number(env, "CET_COHORT_MIN_HUBS", 2),
            cohort_window_days=_whole_number(env, "CET_COHORT_WINDOW_DAYS", 364),
            cet_export_inline_max_rows=_whole_number(env, "CET_EXPORT_INLINE_MAX_ROWS", 20000),
            **_identity_settings(env),
        )
        config.check()
        return config

    def check(self) -> None:
        if self.environment not in {"development", "test", "production"}:
            raise ConfigError(f"IFR_ENV must be development, test or production, not {self.environment!r}")
        if not self.is_production:
            return
        if self.secret_key == DEVELOPMENT_SECRET or len(self.secret_key) < 32:
            raise ConfigError("production needs SECRET_KEY set to at least 32 random characters")
        if self.pseudonym_key == DEVELOPMENT_PSEUDONYM_KEY or len(self.pseudonym_key) < 32:
            raise ConfigError("production needs CET_PSEUDONYM_KEY set to at least 32 random characters")
        if self.pseudonym_key == self.secret_key:
            raise ConfigError("CET_PSEUDONYM_KEY must differ from SECRET_KEY: they protect different things")
        if self.is_embedded_database:
            raise ConfigError("production needs DATABASE_URL pointing at PostgreSQL, not SQLite")
        if not self.redis_url:
            raise ConfigError("production needs REDIS_URL: jobs must not run inside web requests")
        if not self.smtp_host:
            raise ConfigError("production needs SMTP_HOST: acknowledgements must reach clinicians")
        self._check_identity_provider()

    def _check_identity_provider(self) -> None:
        if self.uses_development_identity:
            raise ConfigError("production needs OIDC_ISSUER: staff sign in through the national identity "
                              "provider, never the development one")
        if not self.oidc_issuer.startswith("https://"):
            raise ConfigError("OIDC_ISSUER must be an https:// address in production")
        if self.oidc_client_secret == DEVELOPMENT_OIDC_SECRET or len(self.oidc_client_secret) < 16:
            raise ConfigError("production needs OIDC_CLIENT_SECRET, as the identity provider issued it")


def _identity_settings(env) -> dict:
    settings = {
        "oidc_issuer": env.get("OIDC_ISSUER") or None,
        "oidc_client_id": env.get("OIDC_CLIENT_ID", "ifr-service"),
        "oidc_client_secret": env.get("OIDC_CLIENT_SECRET", DEVELOPMENT_OIDC_SECRET),
        "oidc_scopes": env.get("OIDC_SCOPES", "openid profile email"),
        "oidc_username_claim": env.get("OIDC_USERNAME_CLAIM", "sub"),
        "oidc_role_claim": env.get("OIDC_ROLE_CLAIM", "roles"),
        "oidc_organisation_claim": env.get("OIDC_ORGANISATION_CLAIM", "org"),
        "oidc_role_map": _pairs(env.get("OIDC_ROLE_MAP", ""), "OIDC_ROLE_MAP"),
        "session_idle_minutes": _whole_number(env, "SESSION_IDLE_MINUTES", 30),
        "session_absolute_hours": _whole_number(env, "SESSION_ABSOLUTE_HOURS", 12),
    }
    if "openid" not in settings["oidc_scopes"].split():
        raise ConfigError("OIDC_SCOPES must include openid")
    return settings


def _pairs(text: str, name: str) -> tuple[tuple[str, str], ...]:
    """`theirs=ours,theirs=ours`, as OIDC_ROLE_MAP names the identity provider's roles."""
    pairs = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        theirs, equals, ours = (part.strip() for part in item.partition("="))
        if not equals or not theirs or not ours:
            raise ConfigError(f"{name} must be pairs like 'their-role=clinician', not {item!r}")
        pairs.append((theirs, ours))
    return tuple(pairs)


def _rate_limit(env, name: str, default: str) -> str:
    from limits import parse_many

    text = env.get(name, default)
    try:
        parse_many(text)
    except ValueError:
        raise ConfigError(f"{name} must be a rate like '10 per minute', not {text!r}") from None
    return text


def _whole_number(env, name: str, default: int) -> int:
    text = env.get(name, str(default))
    if not text.isdigit() or int(text) < 1:
        raise ConfigError(f"{name} must be a whole number of at least 1, not {text!r}")
    return int(text)


def _pounds_to_pence(text: str) -> int:
    try:
        pounds = Decimal(text)
    except InvalidOperation:
        raise ConfigError(f"CDF_ANNUAL_BUDGET_GBP must be an amount in pounds, not {text!r}") from None
    if not pounds.is_finite() or pounds <= 0:
        raise ConfigError("CDF_ANNUAL_BUDGET_GBP must be more than nothing")
    return int(pounds * 100)


def _embedded_database_url(root: Path) -> str:
    instance = root / "instance"
    instance.mkdir(exist_ok=True)
    return f"sqlite:///{instance / 'ifr-service.sqlite3'}"
