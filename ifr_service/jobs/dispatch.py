"""Dispatchers hand committed outbox messages to whatever runs them.

The embedded default runs a job in-process straight after the commit; with REDIS_URL set, jobs go
onto rq queues for `ifr-service worker`. Either way the message is marked handed on first (by the
transaction that queued it, `hand_on`, or here, `dispatch`), and left waiting again if handing it on
fails, for the relay to try later: a dispatcher never raises.
"""

from __future__ import annotations

import logging
from typing import Protocol

from redis import Redis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from ifr_service.jobs.outbox import mark_dispatched, run_outbox_message
from ifr_service.jobs.registry import load_jobs

log = logging.getLogger(__name__)

# A request that queues a job waits at most this long for Redis before leaving the job to the relay.
REDIS_TIMEOUT_SECONDS = 2
WAITING = {JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED}


def load_job_code() -> None:
    """Import what every job runs (`run_outbox_message`, imported above, and the jobs' modules) in
    the worker, once, so the first job does not pay for importing them (reportlab alone takes most
    of a second)."""
    load_jobs()


def job_id(message_id: int) -> str:
    """The stable id of a message's job on the queue: the same however often it is handed on."""
    return f"outbox-{message_id}"


class Dispatcher(Protocol):
    def dispatch(self, message_id: int, queue: str) -> None:
        """Mark an open message handed on, then hand it on (the relay's way)."""

    def hand_on(self, message_id: int, queue: str) -> None:
        """Hand on a message already marked handed on (by the transaction that queued it)."""

    def is_waiting(self, message_id: int) -> bool: ...

    def status(self) -> dict: ...


class InProcessDispatcher:
    """Runs the job now, in this process; the outbox records a failure and its retry."""

    def dispatch(self, message_id: int, queue: str) -> None:
        if mark_dispatched(message_id):
            self.hand_on(message_id, queue)

    def hand_on(self, message_id: int, queue: str) -> None:
        run_outbox_message(message_id)

    def is_waiting(self, message_id: int) -> bool:
        return False  # nothing queues here: a job is running or it is not

    def status(self) -> dict:
        return {"ok": True, "kind": "in-process"}


class RqDispatcher:
    def __init__(self, redis_url: str):
        # Fail fast when Redis is down or unreachable: the job is safe in the outbox meanwhile.
        self.connection = Redis.from_url(
            redis_url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS,
            retry=Retry(NoBackoff(), 0), health_check_interval=30)

    def queue(self, name: str) -> Queue:
        return Queue(name, connection=self.connection)

    def dispatch(self, message_id: int, queue: str) -> None:
        if mark_dispatched(message_id):
            self.hand_on(message_id, queue)

    def hand_on(self, message_id: int, queue: str) -> None:
        try:
            self.queue(queue).enqueue(run_outbox_message, message_id, job_id=job_id(message_id),
                                      description=f"outbox message {message_id}")
        except RedisError as error:
            log.warning("could not queue outbox message %s (%s); the relay will hand it on",
                        message_id, type(error).__name__)
            mark_dispatched(message_id, dispatched=False)

    def is_waiting(self, message_id: int) -> bool:
        """Is the message's job on a queue, not yet taken by a worker? False if Redis lost it; True
        while Redis cannot be asked, so nothing is handed on twice for an outage."""
        try:
            return Job.fetch(job_id(message_id), connection=self.connection).get_status() in WAITING
        except NoSuchJobError:
            return False
        except RedisError:
            return True

    def status(self) -> dict:
        try:
            self.connection.ping()
        except RedisError as error:
            return {"ok": False, "kind": "rq", "error": type(error).__name__}
        return {"ok": True, "kind": "rq"}
