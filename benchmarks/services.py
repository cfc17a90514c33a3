"""PostgreSQL and Redis for a run: the ones named by IFR_BENCH_DATABASE_URL and IFR_BENCH_REDIS_URL,
or else the ones `.ci/start-services` installs and starts from Debian's packages when missing.
The run's database is dropped and created afresh, and its Redis database emptied: a benchmark
starts from nothing, every time."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psycopg
from redis import Redis
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "ifr_bench"
BENCH_REDIS_DB = 9


@dataclass(frozen=True)
class Services:
    database_url: str  # SQLAlchemy's form, postgresql+psycopg://…
    redis_url: str

    @property
    def dsn(self) -> str:
        """The database for psycopg itself (the hand-written SQL and the bare endpoint)."""
        return make_url(self.database_url).set(drivername="postgresql").render_as_string(hide_password=False)

    def environment(self) -> dict[str, str]:
        """What the service's processes read: the embedded defaults replaced by the real parts."""
        return {**os.environ, "DATABASE_URL": self.database_url, "REDIS_URL": self.redis_url,
                "IFR_ENV": "development", "PYTHONUNBUFFERED": "1"}


def prepare(database: str = BENCH_DATABASE, redis_db: int = BENCH_REDIS_DB,
            variables: str = "IFR_BENCH") -> Services:
    """The run's services: those named by <variables>_DATABASE_URL and <variables>_REDIS_URL, or else
    the database `database` and Redis database `redis_db` on the servers .ci/start-services starts."""
    database_url = os.environ.get(f"{variables}_DATABASE_URL")
    redis_url = os.environ.get(f"{variables}_REDIS_URL")
    if not (database_url and redis_url):
        started = _start_services()
        server = make_url(started["IFR_TEST_DATABASE_URL"])
        database_url = database_url or server.set(database=database).render_as_string(hide_password=False)
        redis_url = redis_url or re.sub(r"/\d*$", f"/{redis_db}", started["IFR_TEST_REDIS_URL"])
    services = Services(database_url, redis_url)
    _recreate_database(services)
    Redis.from_url(redis_url).flushdb()
    return services


def _start_services() -> dict[str, str]:
    print("starting PostgreSQL and Redis (.ci/start-services)", flush=True)
    printed = subprocess.run(["bash", str(ROOT / ".ci" / "start-services")], check=True, text=True,
                             stdout=subprocess.PIPE).stdout
    return dict(re.findall(r"^export (\w+)=(\S+)$", printed, flags=re.MULTILINE))


def _recreate_database(services: Services) -> None:
    url = make_url(services.database_url)
    maintenance = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{url.database}"')
