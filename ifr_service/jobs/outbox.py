"""The transactional outbox.

`queue_job` writes the job as a row in the same transaction as the change that needs it, already
marked handed on, and hands it to the dispatcher only after that transaction commits: a job is never
sent for a change that rolled back, and never lost for one that committed (if the process stops
between the commit and the queue, the relay finds the message handed on but on no queue, and hands
it on again). The outbox, not the queue, keeps each job's life: its
attempts, its back-off after a failure, and the failed list it lands in after the last attempt
(models.py). The relay (relay.py) hands on whatever is due and whatever the queue lost.

A job runs holding its message's row lock and is marked completed in the same transaction as its
work, so running a message twice, or two runs at once, has the effect of one.
"""

from __future__ import annotations

import logging
import traceback
from datetime import timedelta

from ifr_service import db
from ifr_service.errors import Conflict
from ifr_service.jobs import queries
from ifr_service.jobs.models import OutboxMessage
from ifr_service.jobs.registry import get_job

log = logging.getLogger(__name__)

# After the first attempt fails, the next ones come after these waits; after the last, the message
# is failed for good and waits in the failed list for an administrator.
RETRY_INTERVALS_SECONDS = (10, 30, 120, 600, 1800)
MAX_ATTEMPTS = len(RETRY_INTERVALS_SECONDS) + 1


def queue_job(name: str, **payload) -> OutboxMessage:
    """The job's message, written already marked handed on (one INSERT, no UPDATE after it), and
    handed on once this transaction commits: marking it in a transaction of its own after the
    commit would cost one more commit a job."""
    definition = get_job(name)
    message = OutboxMessage(job=name, queue=definition.queue, payload=payload, dispatched_utc=db.utc_now())
    db.session().add(message)
    db.session().flush()
    _hand_on_after_commit(message)
    return message


def _hand_on_after_commit(message: OutboxMessage) -> None:
    from ifr_service.runtime import runtime

    dispatcher, message_id, queue = runtime().dispatcher, message.id, message.queue
    db.current_unit().after_commit(lambda: dispatcher.hand_on(message_id, queue))


def run_outbox_message(message_id: int) -> None:
    """Run one outbox job: at most once to completion, whoever hands it over and however often.

    A failure is recorded on the message (its retry, or the failed list) instead of being raised:
    the outbox, not the queue, decides what happens next.
    """
    from ifr_service.runtime import runtime

    try:
        with db.unit_of_work(runtime().engine):
            message = queries.get_message(message_id, for_update=True)
            if not message.is_open or message.dispatched_utc is None:
                return  # done, failed for good, or waiting for its back-off: a stray delivery
            get_job(message.job).run(**message.payload)
            message.attempts += 1
            message.completed_utc = db.utc_now()
    except Exception as error:
        record_failure(message_id, error)  # if the database is what failed, this raises in turn


def record_failure(message_id: int, error: Exception) -> None:
    """Count the attempt and keep the error; wait for the next attempt, or fail for good."""
    from ifr_service.runtime import runtime

    with db.unit_of_work(runtime().engine):
        message = queries.get_message(message_id, for_update=True)
        if not message.is_open:
            return
        now = db.utc_now()
        message.attempts += 1
        message.last_error = "".join(traceback.format_exception_only(error))[-2000:]
        message.dispatched_utc = None
        if message.attempts >= MAX_ATTEMPTS:
            message.failed_utc, message.next_attempt_utc = now, None
            log.error("outbox message %s (%s) failed for good after %s attempts: %s", message.id,
                      message.job, message.attempts, type(error).__name__)
        else:
            wait = RETRY_INTERVALS_SECONDS[message.attempts - 1]
            message.next_attempt_utc = now + timedelta(seconds=wait)
            log.warning("outbox message %s (%s) failed (%s); attempt %s in %s s", message.id,
                        message.job, type(error).__name__, message.attempts + 1, wait)


def mark_dispatched(message_id: int, dispatched: bool = True) -> bool:
    """Mark an open message handed on (or, when handing on failed, waiting again); False if it
    is not open. Marked before the queue has it, so a worker never finds it unmarked. A message
    queued by a change is marked in that change's transaction instead (`queue_job`); this is for the
    relay's messages, and for one whose handing on failed."""
    from ifr_service.runtime import runtime

    with db.unit_of_work(runtime().engine):
        message = queries.get_message(message_id)
        if not message.is_open:
            return False
        message.dispatched_utc = db.utc_now() if dispatched else None
        return True


def retry_failed_message(message_id: int) -> OutboxMessage:
    """An administrator's retry of a message in the failed list: a fresh set of attempts, handed
    on once this transaction commits. Its last error stays until it completes."""
    message = queries.get_message(message_id, for_update=True)
    if message.failed_utc is None:
        raise Conflict("Only a job in the failed list can be retried; this one is "
                       f"{'completed' if message.completed_utc else 'still being tried'}.", field="id")
    message.failed_utc = message.next_attempt_utc = None
    message.attempts = 0
    message.dispatched_utc = db.utc_now()
    _hand_on_after_commit(message)
    log.info("outbox message %s (%s) retried by an administrator", message.id, message.job)
    return message
