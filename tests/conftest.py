"""Test fixtures: the same suite on the embedded default and on the production stack.

The suite is in four tiers, each a pytest marker given here by where a test lives and what it uses,
never by hand (docs/operations.md#testing):
- `unit`: no database and no app; a unit test that connects to a database fails;
- `integration`: uses the app (or another fixture that builds a database);
- `browser`: tests/browser/, Chromium against the app served on a local port;
- `faults`: tests/faults/, PostgreSQL and Redis of their own, stopped and lost on purpose.

Integration tests run once per backend:
- `embedded`: a SQLite file and in-process jobs, always;
- `production`: PostgreSQL and Redis with a real rq worker, when
  IFR_TEST_DATABASE_URL and IFR_TEST_REDIS_URL are set (CI always sets them).
Each backend's database is built by the real migrations, then loaded with the
reference data and the demo users (the seed); after every test that used it, it is back to the seed
(`clear_cases`).
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy import create_engine, text

from ifr_service import db, migrate
from ifr_service.app import create_app
from ifr_service.clock import ENGLAND
from ifr_service.config import PROJECT_ROOT, Config
from ifr_service.demo import load_demo_panel, load_demo_review_panel, with_recent_mdt
from ifr_service.jobs.queues import ALL_QUEUES
from ifr_service.jobs.workers import DrainingWorker
from ifr_service.models import metadata
from ifr_service.reference.loader import load_reference_data
from ifr_service.users.demo import load_demo_users
from ifr_service.users.models import Role, User
from ifr_service.users.tokens import issue_token
from ifr_service.web.live import free_local_url
from tests.seed import Seed

pytest_plugins = ["tests.log_scan",  # the run fails if its log holds an NHS number
                  "tests.tiers"]

DATABASE_URL = os.environ.get("IFR_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("IFR_TEST_REDIS_URL")
HAS_PRODUCTION_STACK = bool(DATABASE_URL and REDIS_URL)
if os.environ.get("CI") == "true" and not HAS_PRODUCTION_STACK:
    raise RuntimeError("CI runs the suite on PostgreSQL and Redis: set IFR_TEST_DATABASE_URL "
                       "and IFR_TEST_REDIS_URL (.ci/start-services prints them)")
BACKENDS = ["embedded", "production"] if HAS_PRODUCTION_STACK else ["embedded"]
TEST_SECRET = "test-secret-that-is-long-enough-for-hs256-signing"
EXAMPLE = PROJECT_ROOT / "docs" / "examples" / "ifr-application.json"
CDF_EXAMPLE = PROJECT_ROOT / "docs" / "examples" / "cdf-application.json"
CDF_EXAMPLE_DAY = date(2026, 11, 23)
SEED = "tests.seed"  # where the app built for the suite keeps its Seed, in app.extensions
EXTRA_USERS = [("officer-north-west", Role.CASE_OFFICER, "north-west"),
               ("review-chair", Role.PANEL_CHAIR, "london"),
               ("screening-chair-north-west", Role.PANEL_CHAIR, "north-west"),
               ("screening-clinician-north-west", Role.PANEL_MEMBER, "north-west")]
EXTRA_CDF_ADMINS = [("cdf-admin-north", "north")]


# The suite signs in and asks for tokens from one address far more often than a person would;
# tests/test_limits.py checks the real limits on an app of its own.
SUITE_RATE_LIMITS = {"sign_in_rate_limit": "10000 per minute", "token_rate_limit": "10000 per minute"}
# Where the suite's service is reached: the test client's host, and the port the browser tests serve
# it on (web/live.serving), so its one registered sign-in callback works for both.
SUITE_URL = free_local_url()


def backend_config(backend: str, tmp_path: Path) -> Config:
    if backend == "production":
        return Config(environment="test", database_url=DATABASE_URL, redis_url=REDIS_URL,
                      secret_key=TEST_SECRET, service_url=SUITE_URL, **SUITE_RATE_LIMITS)
    return Config(environment="test", database_url=f"sqlite:///{tmp_path / 'test.sqlite3'}",
                  secret_key=TEST_SECRET, service_url=SUITE_URL, **SUITE_RATE_LIMITS)


def reset_database(config: Config) -> None:
    """An empty database: PostgreSQL's public schema dropped, or a new SQLite file."""
    if config.is_embedded_database:
        Path(config.database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    engine = create_engine(config.database_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request, tmp_path_factory) -> str:
    return request.param


@pytest.fixture(scope="session")
def app(backend, tmp_path_factory):
    config = backend_config(backend, tmp_path_factory.mktemp(backend))
    reset_database(config)
    application = build_suite_app(config, extra_users=True)
    yield application
    application.extensions["ifr"].engine.dispose()


def build_suite_app(config: Config, extra_users: bool = False):
    """The app on an empty database: migrated, with the reference data, the demo users and panels."""
    migrate.upgrade(config)
    application = create_app(config)
    with application.app_context(), db.unit_of_work(application.extensions["ifr"].engine):
        load_reference_data()
        load_demo_users()
        if extra_users:
            _load_extra_users()
        load_demo_panel()
        load_demo_review_panel()
    application.extensions[SEED] = Seed.take(application.extensions["ifr"].engine)
    return application


@contextlib.contextmanager
def database_down(app):
    """The app's database refusing every connection, as a stopped server does, for the block."""
    from ifr_service.db import make_engine

    runtime = app.extensions["ifr"]
    working = runtime.engine
    runtime.engine = make_engine("postgresql+psycopg://nobody:nothing@127.0.0.1:1/none")
    try:
        yield
    finally:
        runtime.engine.dispose()
        runtime.engine = working


def _load_extra_users() -> None:
    from ifr_service.reference.queries import find_region, get_hub

    for username, role, hub_code in EXTRA_USERS:
        db.session().add(User(username=username, display_name=username, role=role.value,
                              email=f"{username}@example.nhs.uk", hub_id=get_hub(hub_code).id))
    for username, region_code in EXTRA_CDF_ADMINS:
        db.session().add(User(username=username, display_name=username, role=Role.CDF_ADMIN.value,
                              email=f"{username}@example.nhs.uk",
                              region_id=find_region(region_code).id))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(autouse=True)
def back_to_the_seed(request):
    """After every test that used the suite's app, its database as the seed left it, and Redis empty.
    Autouse, so set up first and torn down last: after the live server and the clients have stopped."""
    app = request.getfixturevalue("app") if "app" in request.fixturenames else None
    yield
    if app is not None:
        clear_cases(app)


def clear_cases(app) -> None:
    """The app's database back to the seed (tests/seed.py) and its Redis empty."""
    runtime = app.extensions["ifr"]
    app.extensions[SEED].restore(runtime.engine)
    if runtime.config.redis_url:
        Redis.from_url(runtime.config.redis_url).flushdb()


@pytest.fixture
def fresh_env(tmp_path) -> dict:
    """An embedded-default environment with its own SQLite file, for running `ifr-service`: without
    IFR_ENV, so without any real part (config.py refuses one there)."""
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "REDIS_URL", "IFR_ENV", "SECRET_KEY", "SMTP_HOST", "SMTP_PORT"}}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    return env


@pytest.fixture
def production(app):
    """For tests of concurrent writers: the embedded default serves one request at a time (one
    gunicorn worker on SQLite), so they run on the production stack only."""
    if app.extensions["ifr"].engine.dialect.name != "postgresql":
        pytest.skip("concurrent writers are a PostgreSQL matter")


@pytest.fixture
def calendar(app):
    """Set the date (and the time in England, 9:00 unless given) the service's clocks see; back to
    the real date after the test."""
    runtime = app.extensions["ifr"]
    real, real_now = runtime.today, runtime.now

    class Calendar:
        def __init__(self) -> None:
            self.examples: list[dict] = []  # the test's example applications: their MDT date moves

        def set(self, day, at: time = time(9)) -> None:
            moment = datetime.combine(day, at, tzinfo=ENGLAND).astimezone(UTC)
            runtime.today, runtime.now = (lambda: day), (lambda: moment)
            for example in self.examples:
                with_recent_mdt(example, day)

    yield Calendar()
    runtime.today, runtime.now = real, real_now


@pytest.fixture
def in_db(app) -> Callable:
    """Run a function inside a unit of work of the app (for arranging and asserting)."""

    def run(function: Callable, *args, **kwargs):
        with app.app_context(), db.unit_of_work(app.extensions["ifr"].engine):
            return function(*args, **kwargs)

    return run


@pytest.fixture
def run_jobs(app) -> Callable[[], int]:
    """Run the queued jobs: a real rq worker in burst mode on the production stack.

    On the embedded default jobs already ran in-process after commit; returns 0.
    """

    def run() -> int:
        config = app.config["IFR"]
        if not config.redis_url:
            return 0
        connection = Redis.from_url(config.redis_url)
        with app.app_context():
            worker = DrainingWorker(list(ALL_QUEUES), connection=connection)
            worker.work(burst=True)
        return worker.successful_job_count

    return run


def token_for(app, username: str) -> str:
    return issue_token(username, app.config["IFR"], 600)


@pytest.fixture
def auth(app) -> Callable[[str], dict]:
    return lambda username: {"Authorization": f"Bearer {token_for(app, username)}"}


@pytest.fixture
def application(app, calendar) -> dict:
    """A fresh copy of docs/examples/ifr-application.json: a complete, valid IFR. Its MDT discussion
    is dated from the service's today, and moves with calendar.set (it must lie within the last year)."""
    example = with_recent_mdt(json.loads(EXAMPLE.read_text()), app.extensions["ifr"].today())
    calendar.examples.append(example)
    return example


@pytest.fixture
def cdf_application(calendar) -> dict:
    """A fresh copy of docs/examples/cdf-application.json: a complete CDF application meeting every
    criterion. The service's calendar is set to CDF_EXAMPLE_DAY, a week before its planned start."""
    calendar.set(CDF_EXAMPLE_DAY)
    return copy.deepcopy(json.loads(CDF_EXAMPLE.read_text()))


def count_rows(app) -> dict[str, int]:
    """Rows in every table but the audit log, which keeps a refused request's row on purpose."""
    with app.extensions["ifr"].engine.connect() as connection:
        return {name: connection.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()
                for name in metadata.tables if name != "audit_event"}
