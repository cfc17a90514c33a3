"""Reading and locking outbox messages. Only this module and the lifecycle in outbox.py touch them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, func, or_
from sqlmodel import select

from ifr_service import db
from ifr_service.errors import NotFound
from ifr_service.jobs.models import OutboxMessage

_open = (OutboxMessage.completed_utc.is_(None), OutboxMessage.failed_utc.is_(None))


def get_message(message_id: int, for_update: bool = False) -> OutboxMessage:
    message = db.session().get(OutboxMessage, message_id, with_for_update=for_update)
    if message is None:
        raise NotFound("There is no background job with that id.", field="id")
    return message


def find_due_messages(now: datetime, created_before: datetime, limit: int) -> list[OutboxMessage]:
    """Waiting messages whose time has come: due again after a failure, or never handed on though
    created before the cut-off (a younger one is still being handed on by the request that made it)."""
    first_attempt = and_(OutboxMessage.next_attempt_utc.is_(None),
                         OutboxMessage.created_utc <= created_before)
    query = (select(OutboxMessage)
             .where(*_open, OutboxMessage.dispatched_utc.is_(None),
                    or_(first_attempt, OutboxMessage.next_attempt_utc <= now))
             .order_by(OutboxMessage.id).limit(limit))
    return list(db.session().exec(query))


def find_idle_dispatched_messages(dispatched_before: datetime, limit: int) -> list[OutboxMessage]:
    """Messages handed on before the cut-off and still open, which no job is running right now.

    On PostgreSQL a running job holds its message's row lock, so SKIP LOCKED leaves it out; SQLite
    has no row locks, and the caller's cut-off must be long enough that no job still runs.
    """
    query = (select(OutboxMessage)
             .where(*_open, OutboxMessage.dispatched_utc <= dispatched_before)
             .order_by(OutboxMessage.id).limit(limit)
             .with_for_update(skip_locked=True))
    return list(db.session().exec(query))


def find_failed_messages(limit: int = 100) -> list[OutboxMessage]:
    query = (select(OutboxMessage).where(OutboxMessage.failed_utc.is_not(None))
             .order_by(OutboxMessage.failed_utc.desc(), OutboxMessage.id.desc()).limit(limit))
    return list(db.session().exec(query))


def count_messages_by_state() -> dict[str, int]:
    """How many jobs are in each state (models.py): waiting to be handed on, handed on (running),
    waiting for a retry after a failure, completed, and failed for good. A state with none is absent."""
    state = case(
        (OutboxMessage.completed_utc.is_not(None), "completed"),
        (OutboxMessage.failed_utc.is_not(None), "failed"),
        (OutboxMessage.dispatched_utc.is_not(None), "running"),
        (OutboxMessage.next_attempt_utc.is_not(None), "retrying"),
        else_="waiting")
    return dict(db.session().exec(select(state, func.count()).group_by(state)).all())


def summarise_messages(now: datetime) -> dict:
    """How many jobs wait, how long the oldest has waited, and how many failed for good."""
    waiting, oldest = db.session().exec(
        select(func.count(), func.min(OutboxMessage.created_utc)).where(*_open)).one()
    failed = db.session().exec(
        select(func.count()).where(OutboxMessage.failed_utc.is_not(None))).one()
    oldest_seconds = int((now - db.as_utc(oldest)).total_seconds()) if oldest else 0
    return {"waiting": waiting, "oldest_waiting_seconds": oldest_seconds, "failed": failed}
