"""Dispatchers hand committed outbox messages to whatever runs them.

The embedded default runs a job in-process straight after the commit; with
REDIS_URL set, jobs go onto rq queues for `ifr-service worker`.
"""

from __future__ import annotations

import logging
from typing import Protocol

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry

from ifr_service.jobs.outbox import mark_dispatched, run_outbox_message
from ifr_service.jobs.registry import load_jobs

log = logging.getLogger(__name__)

RETRY_INTERVALS_SECONDS = [10, 30, 120, 600, 1800]


def load_job_code() -> None:
    """Import what every job runs (`run_outbox_message`, imported above, and the jobs' modules) in
    the worker, once: rq forks a work-horse per job, and a horse finding them imported starts at once
    instead of importing them again (reportlab alone takes most of a second)."""
    load_jobs()


class Dispatcher(Protocol):
    def dispatch(self, message_id: int, queue: str) -> None: ...

    def status(self) -> dict: ...


class InProcessDispatcher:
    """Runs the job now, in this process. A failure is logged and left for a re-dispatch."""

    def dispatch(self, message_id: int, queue: str) -> None:
        mark_dispatched(message_id)
        try:
            run_outbox_message(message_id)
        except Exception:
            log.exception("outbox message %s failed in-process; it stays pending", message_id)

    def status(self) -> dict:
        return {"ok": True, "kind": "in-process"}


class RqDispatcher:
    def __init__(self, redis_url: str):
        self.connection = Redis.from_url(redis_url)

    def queue(self, name: str) -> Queue:
        return Queue(name, connection=self.connection)

    def dispatch(self, message_id: int, queue: str) -> None:
        try:
            self.queue(queue).enqueue(
                run_outbox_message, message_id,
                job_id=f"outbox-{message_id}",
                retry=Retry(max=len(RETRY_INTERVALS_SECONDS), interval=RETRY_INTERVALS_SECONDS),
                description=f"outbox message {message_id}",
            )
        except RedisError:
            log.exception("could not queue outbox message %s; it stays pending", message_id)
            return
        mark_dispatched(message_id)

    def status(self) -> dict:
        try:
            self.connection.ping()
        except RedisError as error:
            return {"ok": False, "kind": "rq", "error": type(error).__name__}
        return {"ok": True, "kind": "rq"}
