"""The nightly cohort detection, as the scheduler runs it: through the worker's queue with Redis,
in the scheduler's own loop on the embedded default, and once a day there."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from ifr_service import db
from ifr_service.jobs.schedule import _run_embedded_round, run_cohort_detection
from ifr_service.policy.models import PolicyItem
from tests.cet.test_import import csv_lines, load
from tests.policy.test_queue import AS_OF, COHORT

FIVE = [*COHORT, {**COHORT[0], "case_ref": "HIST-5", "commissioner": "NHS Leeds West CCG"}]


def items(in_db) -> list[str]:
    return in_db(lambda: [item.reference for item in db.session().exec(select(PolicyItem))])


def test_the_worker_runs_the_nightly_detection_from_its_queue(app, client, in_db, calendar, run_jobs):
    calendar.set(AS_OF)
    load(app, csv_lines(*FIVE))
    config = app.config["IFR"]
    if config.redis_url:
        from redis import Redis
        from rq import Queue

        from ifr_service.jobs.queues import DEFAULT

        Queue(DEFAULT, connection=Redis.from_url(config.redis_url)).enqueue(run_cohort_detection)
        run_jobs()
    else:
        with app.app_context():
            assert _run_embedded_round(None) == AS_OF
    assert len(items(in_db)) == 1


def test_the_embedded_loop_detects_once_a_day(app, client, in_db, calendar):
    calendar.set(AS_OF)
    with app.app_context():
        detected_on = _run_embedded_round(None)
        load(app, csv_lines(*FIVE))
        assert _run_embedded_round(detected_on) == AS_OF  # the same day: not again
        assert items(in_db) == []
    next_day = AS_OF + timedelta(days=1)
    calendar.set(next_day)
    with app.app_context():
        assert _run_embedded_round(AS_OF) == next_day
    assert len(items(in_db)) == 1
