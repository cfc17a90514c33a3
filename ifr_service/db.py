"""Engine, the unit of work, and the session that queries modules use.

A request (or a background job) is one unit of work: it commits once at the
edge on success and rolls back otherwise. Inner code only flushes. Work that
must happen only once the data is durable (queueing jobs) registers an
after-commit callback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from sqlalchemy import Engine, MetaData, event, text
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import Session, SQLModel, create_engine

from ifr_service.errors import Conflict, ServiceUnavailable

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata

log = logging.getLogger(__name__)

# The errors that mean the database is down, restarting or out of connections (not that it refused a
# change): answered 503 with Retry-After.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout)
CONNECT_TIMEOUT_SECONDS = 3
POOL_TIMEOUT_SECONDS = 5
UNAVAILABLE_MESSAGE = ("The service cannot reach its database just now. Try again in a few seconds: a "
                       "change you sent may not have been saved (with the same Idempotency-Key, an "
                       "API request is safe to send again).")

_current: ContextVar[UnitOfWork | None] = ContextVar("ifr_unit_of_work", default=None)


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored timestamp, timezone-aware: SQLite returns them naive, and they are all UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def make_engine(url: str) -> Engine:
    # A database error's message leaves out the statement's values: it is logged with the traceback
    # of an unexpected error, and the values are patients' details.
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # Fail fast, never hang, while PostgreSQL is down or restarting: a connection is refused after
    # CONNECT_TIMEOUT_SECONDS and a request waits at most POOL_TIMEOUT_SECONDS for one from the pool;
    # the pre-ping replaces connections that died with the server, so the service recovers by itself.
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10, hide_parameters=True,
                         pool_timeout=POOL_TIMEOUT_SECONDS,
                         connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS})


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


class UnitOfWork:
    def __init__(self, engine: Engine):
        self.session = Session(engine, expire_on_commit=False, autoflush=True)
        self._after_commit: list[Callable[[], None]] = []

    def after_commit(self, callback: Callable[[], None]) -> None:
        self._after_commit.append(callback)

    def commit(self) -> None:
        try:
            self.session.commit()
        except IntegrityError as error:
            self.session.rollback()
            raise integrity_error_to_ifr_error(error) from error
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            try:
                callback()
            except Exception:  # the change is saved; the outbox relay hands on what was missed
                log.exception("after-commit step failed")

    def rollback(self) -> None:
        self._after_commit.clear()
        self.session.rollback()

    def close(self) -> None:
        self.session.close()


def begin(engine: Engine) -> tuple[UnitOfWork, object]:
    """Start a unit of work and make it current; returns it and the token to end it."""
    unit = UnitOfWork(engine)
    return unit, _current.set(unit)


def end(unit: UnitOfWork, token) -> None:
    unit.close()
    _current.reset(token)


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[UnitOfWork]:
    """Run a block (a job, a command) as one transaction, committed at the end."""
    unit, token = begin(engine)
    try:
        yield unit
        unit.commit()
    except BaseException:
        unit.rollback()
        raise
    finally:
        end(unit, token)


def current_unit() -> UnitOfWork:
    unit = _current.get()
    if unit is None:
        raise RuntimeError("no unit of work is active: run inside a request, a job or unit_of_work()")
    return unit


def session() -> Session:
    return current_unit().session


def insert_once(row) -> bool:
    """Insert a row guarded by a unique constraint; False if an equal row is there already.

    The savepoint keeps the rest of the transaction when the insert clashes.
    """
    try:
        with session().begin_nested():
            session().add(row)
        return True
    except IntegrityError:
        return False


def lock(name: str) -> None:
    """Hold a named lock until the transaction ends, so that checks-then-writes on the same
    thing (one patient's approvals for one drug) run one at a time. PostgreSQL's advisory lock;
    SQLite, the embedded default, lets one writer at a time anyway."""
    if session().get_bind().dialect.name == "postgresql":
        session().execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:name, 0))"),
                          {"name": name})


def ping(engine: Engine) -> dict:
    """Does the database answer? For /healthz: names the error's kind, never a host."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        return {"ok": False, "kind": engine.dialect.name, "error": type(error).__name__}
    return {"ok": True, "kind": engine.dialect.name}


def is_database_unavailable(error: BaseException) -> bool:
    """The database is down, restarting or out of connections, rather than refusing this change."""
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, DATABASE_UNAVAILABLE)


def unavailable_error() -> ServiceUnavailable:
    return ServiceUnavailable(UNAVAILABLE_MESSAGE)


def integrity_error_to_ifr_error(error: IntegrityError) -> Exception:
    """A clash on a unique constraint is two changes racing (the service checks everything a caller
    can get wrong before it writes): answered 409, never with the database's message."""
    return Conflict("The change clashed with another change saved at the same time; please retry.")
