"""The fault tests' own world: a PostgreSQL cluster and a Redis server of their own, which the tests
stop, restart and lose without touching the rest of the suite's, and the app built on them.

They run wherever PostgreSQL's and Redis's server binaries are installed, and always in CI.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask

from ifr_service.config import Config
from tests.conftest import EXAMPLE, SUITE_RATE_LIMITS, TEST_SECRET, build_suite_app, clear_cases, token_for
from tests.faults.processes import MailRelay, PostgresServer, RedisServer, require_parts

ENVIRONMENT_OF_THE_SUITE = {"DATABASE_URL", "REDIS_URL", "IFR_ENV", "SECRET_KEY", "SMTP_HOST", "SMTP_PORT",
                            "IFR_TEST_DATABASE_URL", "IFR_TEST_REDIS_URL"}


@dataclass
class Stack:
    postgres: PostgresServer
    redis: RedisServer
    app: Flask
    folder: Path

    def environment(self, mail: MailRelay | None = None) -> dict[str, str]:
        """What the service's own processes read: this stack, and the mail relay if given."""
        env = {key: value for key, value in os.environ.items() if key not in ENVIRONMENT_OF_THE_SUITE}
        env.update(DATABASE_URL=self.postgres.url, REDIS_URL=self.redis.url, IFR_ENV="test",
                   SECRET_KEY=TEST_SECRET, PYTHONUNBUFFERED="1")
        if mail is not None:
            env.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(mail.port))
        return env

    def auth(self, username: str) -> dict:
        return {"Authorization": f"Bearer {token_for(self.app, username)}"}


@pytest.fixture(scope="session")
def stack():
    require_parts()
    # Not under pytest's own temporary folder: the postgres user must be able to reach this one.
    folder = Path(tempfile.mkdtemp(prefix="ifr-faults-"))
    folder.chmod(0o755)
    postgres, redis = PostgresServer(folder / "postgres"), RedisServer(folder / "redis.log")
    postgres.create()
    redis.start()
    config = Config(environment="test", database_url=postgres.url, redis_url=redis.url,
                    secret_key=TEST_SECRET, **SUITE_RATE_LIMITS)
    app = build_suite_app(config)
    yield Stack(postgres, redis, app, folder)
    app.extensions["ifr"].engine.dispose()
    redis.stop()
    postgres.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def fault_stack(stack):
    """The stack with both servers up and no cases, before and after each test."""
    if stack.redis.process is None:
        stack.redis.start()
    clear_cases(stack.app)
    yield stack
    if stack.redis.process is None:
        stack.redis.start()
    clear_cases(stack.app)


@pytest.fixture
def mail():
    with MailRelay() as relay:
        yield relay


@pytest.fixture
def application() -> dict:
    return copy.deepcopy(json.loads(EXAMPLE.read_text()))
