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
from collections.abc import Callable
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
class CohortRule:
    """The CET's cohort rule (cet/cohorts.py): this many requests, from this many hubs, within this
    many days. A plain value, here rather than in cet/ so that configuration needs nothing above it;
    its thresholds are the settings `cohort_*` below, declared there once."""

    min_cases: int
    min_hubs: int
    window_days: int


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
    # An approved IFR's clinician is reminded this many days before its review date to report the
    # treatment's outcome (outcomes/reminders.py; docs/operations.md).
    outcome_review_reminder_days: int = 14
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
    # A region's screening group meets every this many days: NHS England's were weekly screening
    # panels in each region (PQ 224945, 2015; DOMAIN.md). The meeting pages say when the next is due.
    screening_group_meeting_interval_days: int = 7
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
    def cohort_rule(self) -> CohortRule:
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
        """The settings the environment gives (SETTINGS); each one it does not give keeps the
        default declared on the field above. Where the service runs is read apart: no IFR_ENV means
        the embedded default, whose database is a file under the project root."""
        env = os.environ if environ is None else environ
        root = Path(env.get("IFR_PROJECT_ROOT", PROJECT_ROOT))
        given = {name: setting.read(env[setting.env], setting.env) for name, setting in SETTINGS.items()
                 if setting.env in env and (env[setting.env] or not setting.blank_is_unset)}
        config = cls(environment=env.get("IFR_ENV") or EMBEDDED, project_root=root,
                     database_url=env.get("DATABASE_URL") or _embedded_database_url(root), **given)
        config.check()
        return config

    def check(self) -> None:
        if self.environment not in (*ENVIRONMENTS, EMBEDDED):
            raise ConfigError(f"IFR_ENV must be development, test or production, not {self.environment!r}")
        self._check_consistent()
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

    def _check_consistent(self) -> None:
        """Settings that must agree with each other, in every environment."""
        if self.token_lifetime_seconds > self.token_max_lifetime_seconds:
            raise ConfigError("TOKEN_MAX_LIFETIME_SECONDS must be at least the tokens' lifetime "
                              f"({self.token_lifetime_seconds} seconds)")
        if "openid" not in self.oidc_scopes.split():
            raise ConfigError("OIDC_SCOPES must include openid")
        if self.session_warning_seconds >= self.session_idle_seconds:
            raise ConfigError("SESSION_WARNING_MINUTES must be less than SESSION_IDLE_MINUTES: the warning "
                              "comes before the time-out, with time left to stay signed in")

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


def _service_url(text: str, name: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.path.strip("/") \
            or parts.query or parts.fragment or parts.username or parts.password:
        raise ConfigError(f"{name} must be like https://ifr.example.nhs.uk, with no path, not {text!r}")
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


def _text(text: str, name: str) -> str:
    return text


def _rate_limit(text: str, name: str) -> str:
    from limits import parse_many

    try:
        parse_many(text)
    except ValueError:
        raise ConfigError(f"{name} must be a rate like '10 per minute', not {text!r}") from None
    return text


def _whole_number(text: str, name: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise ConfigError(f"{name} must be a whole number of at least 1, not {text!r}")
    return int(text)


def _days_ahead(text: str, name: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 365:
        raise ConfigError(f"{name} must be a whole number of days from 1 to 365, not {text!r}")
    return int(text)


def _minutes_as_seconds(text: str, name: str) -> int:
    return _whole_number(text, name) * 60


def _iso_date(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"{name} must be a date like 2013-04-01, not {text!r}") from None


def _count(text: str, name: str) -> int:
    if not text.isdigit() or int(text) > 10:
        raise ConfigError(f"{name} must be a whole number from 0 to 10, not {text!r}")
    return int(text)


def _port(text: str, name: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise ConfigError(f"{name} must be a port number from 1 to 65535, not {text!r}")
    return int(text)


def _pounds_to_pence(text: str, name: str) -> int:
    try:
        pounds = Decimal(text)
    except InvalidOperation:
        raise ConfigError(f"{name} must be an amount in pounds, not {text!r}") from None
    if not pounds.is_finite() or pounds <= 0:
        raise ConfigError(f"{name} must be more than nothing")
    return int(pounds * 100)


@dataclass(frozen=True)
class Setting:
    """How the environment gives one of Config's settings: the variable's name, and how its text is
    read (checked, and turned into the field's unit). The default is the field's own, declared once
    on Config. A variable set but blank is read as given (SECRET_KEY="" is refused in production as
    given), or, with `blank_is_unset`, as not set."""

    env: str
    read: Callable[[str, str], object] = _text
    blank_is_unset: bool = False


# Every setting the environment may give, by Config's field name. Where the service runs
# (IFR_ENV, DATABASE_URL, IFR_PROJECT_ROOT) is read apart, in Config.from_environment.
SETTINGS: dict[str, Setting] = {
    "redis_url": Setting("REDIS_URL", blank_is_unset=True),
    "secret_key": Setting("SECRET_KEY"),
    "pseudonym_key": Setting("CET_PSEUDONYM_KEY"),
    "attachment_max_bytes": Setting("IFR_ATTACHMENT_MAX_BYTES", _whole_number),
    "json_max_bytes": Setting("IFR_JSON_MAX_BYTES", _whole_number),
    "smtp_host": Setting("SMTP_HOST", blank_is_unset=True),
    "smtp_port": Setting("SMTP_PORT", _port),
    "token_max_lifetime_seconds": Setting("TOKEN_MAX_LIFETIME_SECONDS", _whole_number),
    "trusted_proxy_hops": Setting("TRUSTED_PROXY_HOPS", _count),
    "sign_in_rate_limit": Setting("SIGN_IN_RATE_LIMIT", _rate_limit),
    "token_rate_limit": Setting("TOKEN_RATE_LIMIT", _rate_limit),
    "mail_sender": Setting("MAIL_SENDER"),
    "outcome_review_reminder_days": Setting("OUTCOME_REVIEW_REMINDER_DAYS", _days_ahead),
    "cdf_annual_budget_pence": Setting("CDF_ANNUAL_BUDGET_GBP", _pounds_to_pence),
    "cohort_min_cases": Setting("CET_COHORT_MIN_CASES", _whole_number),
    "cohort_min_hubs": Setting("CET_COHORT_MIN_HUBS", _whole_number),
    "cohort_window_days": Setting("CET_COHORT_WINDOW_DAYS", _whole_number),
    "meeting_earliest_date": Setting("PANEL_MEETING_EARLIEST_DATE", _iso_date),
    "meeting_max_years_ahead": Setting("PANEL_MEETING_MAX_YEARS_AHEAD", _whole_number),
    "screening_group_meeting_interval_days": Setting("SCREENING_GROUP_MEETING_INTERVAL_DAYS", _whole_number),
    "cet_export_inline_max_rows": Setting("CET_EXPORT_INLINE_MAX_ROWS", _whole_number),
    "cet_export_retention_days": Setting("CET_EXPORT_RETENTION_DAYS", _whole_number),
    "oidc_issuer": Setting("OIDC_ISSUER", blank_is_unset=True),
    "service_url": Setting("SERVICE_URL", _service_url, blank_is_unset=True),
    "oidc_client_id": Setting("OIDC_CLIENT_ID"),
    "oidc_client_secret": Setting("OIDC_CLIENT_SECRET"),
    "oidc_scopes": Setting("OIDC_SCOPES"),
    "oidc_username_claim": Setting("OIDC_USERNAME_CLAIM"),
    "oidc_role_claim": Setting("OIDC_ROLE_CLAIM"),
    "oidc_organisation_claim": Setting("OIDC_ORGANISATION_CLAIM"),
    "oidc_role_map": Setting("OIDC_ROLE_MAP", _pairs),
    "session_idle_seconds": Setting("SESSION_IDLE_MINUTES", _minutes_as_seconds),
    "session_absolute_hours": Setting("SESSION_ABSOLUTE_HOURS", _whole_number),
    "session_warning_seconds": Setting("SESSION_WARNING_MINUTES", _minutes_as_seconds),
    "saved_form_minutes": Setting("SAVED_FORM_MINUTES", _whole_number),
    "accessibility_contact_email": Setting("ACCESSIBILITY_CONTACT_EMAIL", blank_is_unset=True),
    "accessibility_contact_phone": Setting("ACCESSIBILITY_CONTACT_PHONE", blank_is_unset=True),
}


def _embedded_database_url(root: Path) -> str:
    instance = root / "instance"
    instance.mkdir(exist_ok=True)
    return f"sqlite:///{instance / 'ifr-service.sqlite3'}"
