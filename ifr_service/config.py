"""Configuration, read from the environment once.

With nothing set the service runs on the embedded default: a SQLite file under
`instance/` and background jobs run in-process after the request commits.
Production mode (`IFR_ENV=production`) refuses the defaults that are unsafe there.

The service fails closed: without an explicit `IFR_ENV` it runs only as the embedded default (the
environment `embedded`), and refuses to start when given any real part (a PostgreSQL database, Redis,
an SMTP relay), since that is a deployment that forgot to say it is production. The development
identity provider, which lets anyone sign in as anyone, exists only when `IFR_ENV` is explicitly
`development` or `test`.
"""

from __future__ import annotations

import itertools
import math
import os
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEVELOPMENT_SECRET = "development-only-secret-never-use-in-production"
DEVELOPMENT_PSEUDONYM_KEY = "development-only-pseudonym-key-never-use-in-production"
DEVELOPMENT_OIDC_SECRET = "development-only-identity-secret"
ENVIRONMENTS = ("development", "test", "production")  # what IFR_ENV may name
EMBEDDED = "embedded"  # no IFR_ENV: the embedded default on one machine, and nothing more
# A production secret: at least this long, and at least this much entropy as its own characters
# estimate it (32 random hex digits estimate 112 bits on average and above 90 in a million tries;
# "a" * 32 estimates none, "password" * 4 has 7 distinct characters).
SECRET_MIN_LENGTH = 32
SECRET_MIN_ESTIMATED_BITS = 80
SECRET_MIN_DISTINCT_CHARACTERS = 8
# The largest JSON body the API reads (attachments are uploaded apart, with their own limit), and how
# deeply it may nest: a form's answers nest five deep, and no list in the API holds more than
# JSON_MAX_ITEMS (a form's own lists hold fewer: forms/, max_items).
JSON_MAX_BYTES = 1024 * 1024
JSON_MAX_DEPTH = 32
JSON_MAX_ITEMS = 1000
DEFAULT_SERVICE_URL = "http://127.0.0.1:5000"  # where `make run` and `ifr-service serve` listen


# Placeholders the accessibility statement shows until the operator names the real contacts.
PLACEHOLDER_CONTACT_EMAIL = "accessibility-contact-not-set@example.org"
PLACEHOLDER_CONTACT_PHONE = "Not set: the operator sets ACCESSIBILITY_CONTACT_PHONE"


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
    json_max_bytes: int = JSON_MAX_BYTES
    token_lifetime_seconds: int = 8 * 60 * 60
    # No bearer token may last longer: issuing refuses it, reading refuses it (users/tokens.py).
    token_max_lifetime_seconds: int = 8 * 60 * 60
    # How many proxies (load balancers) in front of the service to believe about the client's address
    # (X-Forwarded-For) and scheme (X-Forwarded-Proto); 0: none, the connecting address is the client's.
    trusted_proxy_hops: int = 0
    # Rate limits per client address and per account (flask-limiter's notation), ifr_service/limits.py.
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
    # A made export's file is kept this many days, then cleared by the clock sweep (cet/exports.py).
    cet_export_retention_days: int = 7
    # The Cancer Drugs Fund's annual budget, against which spend is forecast.
    cdf_annual_budget_pence: int = 340_000_000 * 100
    # Sign-in through OpenID Connect. With no issuer, development and test use the service's
    # own development identity provider (at /dev-identity); production must name a real one.
    oidc_issuer: str | None = None
    # Where people reach the service (scheme, host and port, no path): its sign-in callback is this and
    # /sign-in/callback, the one redirect URI the development identity provider accepts, and that
    # provider's issuer is this and /dev-identity. Unset: DEFAULT_SERVICE_URL for the development
    # provider; a real provider is sent the address the request came to, and checks it itself.
    # Production requires it, https (a Host header must never choose where sign-in returns to).
    service_url: str | None = None
    oidc_client_id: str = "ifr-service"
    oidc_client_secret: str = DEVELOPMENT_OIDC_SECRET
    oidc_scopes: str = "openid profile email"
    oidc_username_claim: str = "sub"
    oidc_role_claim: str = "roles"
    oidc_organisation_claim: str = "org"
    # The identity provider's role names to this service's (empty: the provider uses ours).
    oidc_role_map: tuple[tuple[str, str], ...] = ()
    # The dates a panel meeting may be held on: not before NHS England took on specialised
    # commissioning and its IFRs (1 April 2013; DOMAIN.md), nor more than this many years ahead.
    meeting_earliest_date: date = date(2013, 4, 1)
    meeting_max_years_ahead: int = 2
    # A page sign-in ends after this long without a request (SESSION_IDLE_MINUTES, 30 by default), and
    # after this long in all (SESSION_ABSOLUTE_HOURS, 12). This long before the idle limit a warning
    # lets the person stay signed in (SESSION_WARNING_MINUTES, 2: the time GOV.UK's and the NHS's
    # time-out guidance give). A form posted after the sign-in ended is kept on the server this long
    # for its owner to send again after signing in (SAVED_FORM_MINUTES, 30). docs/security.md.
    session_idle_seconds: int = 30 * 60
    session_absolute_hours: int = 12
    session_warning_seconds: int = 2 * 60
    saved_form_minutes: int = 30
    # Whom people contact about the service's accessibility, as its accessibility statement says
    # (/accessibility). The defaults are placeholders, shown as such, for the operator to set:
    # ACCESSIBILITY_CONTACT_EMAIL, ACCESSIBILITY_CONTACT_PHONE.
    accessibility_contact_email: str = PLACEHOLDER_CONTACT_EMAIL
    accessibility_contact_phone: str = PLACEHOLDER_CONTACT_PHONE

    @property
    def accessibility_contact_is_placeholder(self) -> bool:
        return self.accessibility_contact_email == PLACEHOLDER_CONTACT_EMAIL \
            or self.accessibility_contact_phone == PLACEHOLDER_CONTACT_PHONE

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def uses_development_identity(self) -> bool:
        """The development identity provider (anyone signs in as anyone): only when IFR_ENV says
        development or test and no real provider is named."""
        return self.oidc_issuer is None and self.environment in {"development", "test"}

    @property
    def base_url(self) -> str:
        return (self.service_url or DEFAULT_SERVICE_URL).rstrip("/")

    @property
    def sign_in_callback_url(self) -> str:
        return f"{self.base_url}/sign-in/callback"

    @property
    def development_issuer(self) -> str:
        return f"{self.base_url}/dev-identity"

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
            environment=env.get("IFR_ENV") or EMBEDDED,
            database_url=env.get("DATABASE_URL") or _embedded_database_url(root),
            redis_url=env.get("REDIS_URL") or None,
            secret_key=env.get("SECRET_KEY", DEVELOPMENT_SECRET),
            pseudonym_key=env.get("CET_PSEUDONYM_KEY", DEVELOPMENT_PSEUDONYM_KEY),
            project_root=root,
            attachment_max_bytes=int(env.get("IFR_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)),
            json_max_bytes=_whole_number(env, "IFR_JSON_MAX_BYTES", JSON_MAX_BYTES),
            smtp_host=env.get("SMTP_HOST") or None,
            smtp_port=int(env.get("SMTP_PORT", 25)),
            token_max_lifetime_seconds=_whole_number(env, "TOKEN_MAX_LIFETIME_SECONDS", 8 * 60 * 60),
            trusted_proxy_hops=_count(env, "TRUSTED_PROXY_HOPS", 0),
            sign_in_rate_limit=_rate_limit(env, "SIGN_IN_RATE_LIMIT", "10 per minute"),
            token_rate_limit=_rate_limit(env, "TOKEN_RATE_LIMIT", "30 per minute"),
            mail_sender=env.get("MAIL_SENDER", "ifr-service@nhs.net"),
            cdf_annual_budget_pence=_pounds_to_pence(env.get("CDF_ANNUAL_BUDGET_GBP", "340000000")),
            cohort_min_cases=_whole_number(env, "CET_COHORT_MIN_CASES", 5),
            cohort_min_hubs=_whole_number(env, "CET_COHORT_MIN_HUBS", 2),
            cohort_window_days=_whole_number(env, "CET_COHORT_WINDOW_DAYS", 364),
            meeting_earliest_date=_iso_date(env, "PANEL_MEETING_EARLIEST_DATE", date(2013, 4, 1)),
            meeting_max_years_ahead=_whole_number(env, "PANEL_MEETING_MAX_YEARS_AHEAD", 2),
            cet_export_inline_max_rows=_whole_number(env, "CET_EXPORT_INLINE_MAX_ROWS", 20000),
            cet_export_retention_days=_whole_number(env, "CET_EXPORT_RETENTION_DAYS", 7),
            **_identity_settings(env),
        )
        config.check()
        return config

    def check(self) -> None:
        if self.environment not in (*ENVIRONMENTS, EMBEDDED):
            raise ConfigError(f"IFR_ENV must be development, test or production, not {self.environment!r}")
        if self.token_lifetime_seconds > self.token_max_lifetime_seconds:
            raise ConfigError("TOKEN_MAX_LIFETIME_SECONDS must be at least the tokens' lifetime "
                              f"({self.token_lifetime_seconds} seconds)")
        if self.session_warning_seconds >= self.session_idle_seconds:
            raise ConfigError("SESSION_WARNING_MINUTES must be less than SESSION_IDLE_MINUTES: the warning "
                              "comes before the time-out, with time left to stay signed in")
        if self.environment == EMBEDDED:
            self._check_embedded_only()
        if not self.is_production:
            return
        if self.secret_key == DEVELOPMENT_SECRET or not is_strong_secret(self.secret_key):
            raise ConfigError(f"production needs SECRET_KEY set to at least {SECRET_MIN_LENGTH} random "
                              "characters (for example from `python -c 'import secrets; "
                              "print(secrets.token_urlsafe(48))'`)")
        if self.pseudonym_key == DEVELOPMENT_PSEUDONYM_KEY or not is_strong_secret(self.pseudonym_key):
            raise ConfigError(f"production needs CET_PSEUDONYM_KEY set to at least {SECRET_MIN_LENGTH} "
                              "random characters")
        if self.pseudonym_key == self.secret_key:
            raise ConfigError("CET_PSEUDONYM_KEY must differ from SECRET_KEY: they protect different things")
        if self.is_embedded_database:
            raise ConfigError("production needs DATABASE_URL pointing at PostgreSQL, not SQLite")
        if not self.redis_url:
            raise ConfigError("production needs REDIS_URL: jobs must not run inside web requests")
        if not self.smtp_host:
            raise ConfigError("production needs SMTP_HOST: acknowledgements must reach clinicians")
        self._check_service_url()
        self._check_identity_provider()

    def _check_service_url(self) -> None:
        if self.service_url is None:
            raise ConfigError("production needs SERVICE_URL, the https:// address people reach the service "
                              "at (for example https://ifr.example.nhs.uk): sign-in sends the identity "
                              "provider this address and /sign-in/callback, never one taken from a request")
        if not self.service_url.startswith("https://"):
            raise ConfigError("SERVICE_URL must be an https:// address in production: sign-in's code and the "
                              "session cookie must never cross the network in the clear")

    def _check_embedded_only(self) -> None:
        """No IFR_ENV: the embedded default, or nothing. A real part means a deployment that forgot
        IFR_ENV, which must not start on the development secrets and sign-in."""
        real = [name for name, given in (("DATABASE_URL (PostgreSQL)", not self.is_embedded_database),
                                         ("REDIS_URL", bool(self.redis_url)),
                                         ("SMTP_HOST", bool(self.smtp_host))) if given]
        if real:
            verb = "is" if len(real) == 1 else "are"
            raise ConfigError(f"IFR_ENV is not set, but {', '.join(real)} {verb} set: set "
                              "IFR_ENV=production (or development or test) to say which this is; without "
                              "IFR_ENV the service runs only on the embedded default")

    def _check_identity_provider(self) -> None:
        if self.oidc_issuer is None:
            raise ConfigError("production needs OIDC_ISSUER: staff sign in through the national identity "
                              "provider, never the development one")
        if not self.oidc_issuer.startswith("https://"):
            raise ConfigError("OIDC_ISSUER must be an https:// address in production")
        if self.oidc_client_secret == DEVELOPMENT_OIDC_SECRET or len(self.oidc_client_secret) < 16:
            raise ConfigError("production needs OIDC_CLIENT_SECRET, as the identity provider issued it")


def is_strong_secret(secret: str) -> bool:
    """Long enough and random-looking, as far as its own characters tell: enough distinct characters,
    enough entropy estimated from their frequencies, not a shorter text repeated, and not a run of
    neighbouring characters. Refuses "a" * 32, a word repeated, "0123456789" * 4, the alphabet; passes
    a generated secret (secrets.token_hex(16) upwards) every time."""
    if len(secret) < SECRET_MIN_LENGTH:
        return False
    counts = Counter(secret)
    bits_per_character = -sum(n / len(secret) * math.log2(n / len(secret)) for n in counts.values())
    steps = sum(abs(ord(a) - ord(b)) <= 1 for a, b in itertools.pairwise(secret))
    return (len(counts) >= SECRET_MIN_DISTINCT_CHARACTERS
            and bits_per_character * len(secret) >= SECRET_MIN_ESTIMATED_BITS
            and secret not in (secret + secret)[1:-1]  # not a shorter text repeated
            and steps < len(secret) * 3 // 4)  # random hex: 6 in 31 on average


def _identity_settings(env) -> dict:
    settings = {
        "oidc_issuer": env.get("OIDC_ISSUER") or None,
        "service_url": _service_url(env.get("SERVICE_URL") or None),
        "oidc_client_id": env.get("OIDC_CLIENT_ID", "ifr-service"),
        "oidc_client_secret": env.get("OIDC_CLIENT_SECRET", DEVELOPMENT_OIDC_SECRET),
        "oidc_scopes": env.get("OIDC_SCOPES", "openid profile email"),
        "oidc_username_claim": env.get("OIDC_USERNAME_CLAIM", "sub"),
        "oidc_role_claim": env.get("OIDC_ROLE_CLAIM", "roles"),
        "oidc_organisation_claim": env.get("OIDC_ORGANISATION_CLAIM", "org"),
        "oidc_role_map": _pairs(env.get("OIDC_ROLE_MAP", ""), "OIDC_ROLE_MAP"),
        "session_idle_seconds": _whole_number(env, "SESSION_IDLE_MINUTES", 30) * 60,
        "session_absolute_hours": _whole_number(env, "SESSION_ABSOLUTE_HOURS", 12),
        "session_warning_seconds": _whole_number(env, "SESSION_WARNING_MINUTES", 2) * 60,
        "saved_form_minutes": _whole_number(env, "SAVED_FORM_MINUTES", 30),
        "accessibility_contact_email": env.get("ACCESSIBILITY_CONTACT_EMAIL") or PLACEHOLDER_CONTACT_EMAIL,
        "accessibility_contact_phone": env.get("ACCESSIBILITY_CONTACT_PHONE") or PLACEHOLDER_CONTACT_PHONE,
    }
    if "openid" not in settings["oidc_scopes"].split():
        raise ConfigError("OIDC_SCOPES must include openid")
    return settings


def _service_url(text: str | None) -> str | None:
    if text is None:
        return None
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.path.strip("/") \
            or parts.query or parts.fragment or parts.username or parts.password:
        raise ConfigError(f"SERVICE_URL must be like https://ifr.example.nhs.uk, with no path, not {text!r}")
    return text.rstrip("/")


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


def _iso_date(env, name: str, default: date) -> date:
    text = env.get(name, default.isoformat())
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"{name} must be a date like 2013-04-01, not {text!r}") from None


def _count(env, name: str, default: int) -> int:
    text = env.get(name, str(default))
    if not text.isdigit() or int(text) > 10:
        raise ConfigError(f"{name} must be a whole number from 0 to 10, not {text!r}")
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
