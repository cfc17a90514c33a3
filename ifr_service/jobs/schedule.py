"""What runs on a schedule, and the process that runs it.

With Redis, rq's cron scheduler puts the clock sweep (with the CDF approvals' sweep) on the default
queue every interval, and the cohort detection every night, and `ifr-service worker` runs them.
Without Redis (the embedded default) the scheduler runs them itself, in a loop: the outbox relay and
the sweep each round, the detection once a day.
"""

from __future__ import annotations

import logging
import time

from flask import Flask
from redis import Redis

from ifr_service.jobs.queues import DEFAULT

NIGHTLY = "30 2 * * *"  # cohort detection at 02:30, after the day's decisions
log = logging.getLogger(__name__)


def run_clock_sweep() -> None:
    """The scheduled job: one sweep, as one unit of work, in the worker's app context."""
    from ifr_service.cases.reminders import sweep_clocks
    from ifr_service.cdf.sweep import sweep_cdf_approvals
    from ifr_service.cet.exports import expire_cet_exports
    from ifr_service.outcomes.reminders import sweep_review_dates
    from ifr_service.web.saved_forms import forget_expired_saved_forms

    log.info("clock sweep: %s", sweep_clocks())
    log.info("CDF approvals ended: %s", sweep_cdf_approvals())
    log.info("IFR review reminders: %s", sweep_review_dates())
    log.info("CET exports expired: %s", expire_cet_exports())
    log.info("kept forms deleted on expiry: %s", forget_expired_saved_forms())


def run_cohort_detection() -> None:
    """The nightly job: cohort candidates as of today, filed in the policy-development queue once."""
    from ifr_service.policy.jobs import file_cohort_candidates

    file_cohort_candidates()


def run_scheduler(app: Flask, interval_seconds: int) -> None:
    config = app.config["IFR"]
    if config.redis_url:
        from rq.cron import CronScheduler

        scheduler = CronScheduler(connection=Redis.from_url(config.redis_url), name="ifr-service")
        scheduler.register(run_clock_sweep, queue_name=DEFAULT, interval=interval_seconds)
        scheduler.register(run_cohort_detection, queue_name=DEFAULT, cron=NIGHTLY)
        scheduler.start()
        return
    detected_on = None
    while True:
        with app.app_context():
            detected_on = _run_embedded_round(detected_on)
        time.sleep(interval_seconds)


def _run_embedded_round(detected_on):
    """One round of the loop that stands in for rq's cron: the outbox relay (the retries of jobs
    that failed in-process), the sweep, and detection once a day."""
    from ifr_service.jobs.relay import relay_outbox
    from ifr_service.runtime import runtime

    for name, work in (("outbox relay", relay_outbox), ("clock sweep", run_clock_sweep),
                       ("cohort detection", run_cohort_detection)):
        if work is run_cohort_detection and detected_on == runtime().today():
            continue
        try:
            work()
            if work is run_cohort_detection:
                detected_on = runtime().today()
        except Exception:
            log.exception("%s failed; trying again next time", name)
    return detected_on
