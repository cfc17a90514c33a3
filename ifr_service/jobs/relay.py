"""The outbox relay: hands on every job that is due and every job the queue lost.

A job is due when it is waiting to be handed on (Redis was down when its change committed) or when
its back-off after a failure has run out. A job is lost when it is marked handed on, is still open,
is not waiting on its queue and no worker is running it: its worker was killed mid-job, Redis lost
its queue, or the process that queued it stopped between its change's commit (which marks it handed
on, outbox.py) and the enqueue. `ifr-service outbox relay` runs this every few seconds.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask

from ifr_service import db
from ifr_service.jobs import queries

log = logging.getLogger(__name__)

BATCH = 500
# A message is handed on by the request that made it, straight after its commit; one whose handing on
# failed is left that long after it was made before the relay hands it on.
HANDOVER_SECONDS = 5
# On PostgreSQL a running job holds its row lock, so a handed-on job that no worker runs and no
# queue holds is lost once it has had a moment to start. SQLite cannot say whether a job runs, so
# there a job counts as lost only long after any job could still be running.
LOST_AFTER = {"postgresql": timedelta(seconds=30)}
LOST_AFTER_WITHOUT_ROW_LOCKS = timedelta(minutes=15)


@dataclass(frozen=True)
class RelayReport:
    handed_on: int
    recovered: int


def relay_outbox(now: datetime | None = None) -> RelayReport:
    """One pass: hand on the due jobs and the lost ones, oldest first, at most BATCH of each."""
    from ifr_service.runtime import runtime

    current = runtime()
    now = now or db.utc_now()
    lost_after = LOST_AFTER.get(current.engine.dialect.name, LOST_AFTER_WITHOUT_ROW_LOCKS)
    with db.unit_of_work(current.engine):
        created_before = now - timedelta(seconds=HANDOVER_SECONDS)
        due = [(m.id, m.queue) for m in queries.find_due_messages(now, created_before, BATCH)]
        idle = [(m.id, m.queue) for m in queries.find_idle_dispatched_messages(now - lost_after, BATCH)]
    lost = [(message_id, queue) for message_id, queue in idle
            if not current.dispatcher.is_waiting(message_id)]
    for message_id, queue in due + lost:
        current.dispatcher.dispatch(message_id, queue)
    if lost:
        log.warning("outbox relay recovered %s lost jobs: %s", len(lost), [m for m, _ in lost])
    return RelayReport(handed_on=len(due), recovered=len(lost))


def run_relay(app: Flask, every_seconds: float) -> None:
    """The relay's process: a pass every few seconds, for ever. A pass that fails (the database or
    Redis is down) is logged, and the next one tries again."""
    while True:
        try:
            with app.app_context():
                report = relay_outbox()
            if report.handed_on or report.recovered:
                log.info("outbox relay: %s handed on, %s recovered", report.handed_on, report.recovered)
        except Exception as error:
            log.warning("outbox relay pass failed (%s); trying again in %s s", type(error).__name__,
                        every_seconds)
        time.sleep(every_seconds)
