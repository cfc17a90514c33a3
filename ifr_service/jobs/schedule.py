"""What runs on a schedule, and the process that runs it.

With Redis, rq's cron scheduler puts the clock sweep (and the CDF approvals' sweep) on the default queue every
interval and `ifr-service worker` runs it. Without Redis (the embedded default)
the scheduler runs the sweep itself, in a loop.
"""

from __future__ import annotations

import logging
import time

from flask import Flask
from redis import Redis

from ifr_service.jobs.queues import DEFAULT

log = logging.getLogger(__name__)


def run_clock_sweep() -> None:
    """The scheduled job: one sweep, as one unit of work, in the worker's app context."""
    from ifr_service.cases.reminders import sweep_clocks
    from ifr_service.cdf.sweep import sweep_cdf_approvals

    log.info("clock sweep: %s", sweep_clocks())
    log.info("CDF approvals ended: %s", sweep_cdf_approvals())


def run_scheduler(app: Flask, interval_seconds: int) -> None:
    config = app.config["IFR"]
    if config.redis_url:
        from rq.cron import CronScheduler

        scheduler = CronScheduler(connection=Redis.from_url(config.redis_url), name="ifr-service")
        scheduler.register(run_clock_sweep, queue_name=DEFAULT, interval=interval_seconds)
        scheduler.start()
        return
    while True:
        with app.app_context():
            try:
                run_clock_sweep()
            except Exception:
                log.exception("clock sweep failed; trying again next time")
        time.sleep(interval_seconds)
