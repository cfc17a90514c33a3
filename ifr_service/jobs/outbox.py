"""The transactional outbox.

`queue_job` writes the job as a row in the same transaction as the change that
needs it, and hands it to the dispatcher only after that transaction commits:
a job is never sent for a change that rolled back, and never lost for one that
committed (`ifr-service outbox dispatch` re-sends any left undispatched).
"""

from __future__ import annotations

import logging
import traceback

from sqlmodel import select

from ifr_service import db
from ifr_service.jobs.models import OutboxMessage
from ifr_service.jobs.registry import get_job

log = logging.getLogger(__name__)


def queue_job(name: str, **payload) -> OutboxMessage:
    from ifr_service.runtime import runtime

    definition = get_job(name)
    message = OutboxMessage(job=name, queue=definition.queue, payload=payload)
    db.session().add(message)
    db.session().flush()
    dispatcher = runtime().dispatcher
    db.current_unit().after_commit(lambda: dispatcher.dispatch(message.id, message.queue))
    return message


def run_outbox_message(message_id: int) -> None:
    """Run one outbox job, once: a completed message is never run again."""
    from ifr_service.runtime import runtime

    engine = runtime().engine
    try:
        with db.unit_of_work(engine):
            message = db.session().get(OutboxMessage, message_id, with_for_update=True)
            if message is None or message.completed_utc is not None:
                return
            get_job(message.job).run(**message.payload)
            message.attempts += 1
            message.completed_utc = db.utc_now()
    except Exception as error:
        _record_failure(engine, message_id, error)
        raise


def _record_failure(engine, message_id: int, error: Exception) -> None:
    with db.unit_of_work(engine):
        message = db.session().get(OutboxMessage, message_id)
        if message is not None:
            message.attempts += 1
            message.last_error = "".join(traceback.format_exception_only(error))[-2000:]


def mark_dispatched(message_id: int) -> None:
    from ifr_service.runtime import runtime

    with db.unit_of_work(runtime().engine):
        message = db.session().get(OutboxMessage, message_id)
        if message is not None and message.dispatched_utc is None:
            message.dispatched_utc = db.utc_now()


def find_pending_messages(limit: int = 500) -> list[OutboxMessage]:
    query = (select(OutboxMessage).where(OutboxMessage.completed_utc.is_(None))
             .order_by(OutboxMessage.id).limit(limit))
    return list(db.session().exec(query))
