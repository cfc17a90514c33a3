"""Background work done by one rq worker: decision letters rendered as PDFs, and acknowledgements
sent, each measured from the outbox's completion times once the worker is going (its start-up is
not counted); the acknowledgements against a job that does nothing, through the same rq."""

from __future__ import annotations

import copy
import sys
from pathlib import Path

from redis import Redis
from rq import Queue
from rq.job import Job
from sqlalchemy import func, select

from benchmarks.no_op import no_op
from benchmarks.processes import run_burst_worker
from benchmarks.results import Figure
from benchmarks.services import Services
from benchmarks.world import IFR_SERVICE, decided_case_copies
from ifr_service import db
from ifr_service.cases import actions, service
from ifr_service.demo import example_application, test_range_nhs_numbers
from ifr_service.jobs.models import OutboxMessage
from ifr_service.jobs.outbox import queue_job
from ifr_service.jobs.queues import LETTERS
from ifr_service.runtime import runtime
from ifr_service.users.queries import find_user

TRUST_APPROVER = "demo-trust-approver"  # signs off the demo clinician's trust's applications

LETTERS_TARGET = 20
JOBS_SHARE_TARGET = 0.5
NO_OP_QUEUE = "bench-no-op"
RQ = str(Path(sys.executable).parent / "rq")


def measure_letters(app, services: Services, count: int) -> Figure:
    pairs = decided_case_copies(app, count)
    with app.app_context(), db.unit_of_work(runtime().engine):
        ids = [queue_job("prepare_letter", case_id=case, event_id=event).id for case, event in pairs]
    run_burst_worker([IFR_SERVICE, "worker", "--burst", "--queue", LETTERS], services.environment())
    rate = _outbox_rate(app, ids)
    return Figure("decision letters (PDF) rendered by one worker", rate, "per s", f"≥ {LETTERS_TARGET} per s",
                  rate >= LETTERS_TARGET,
                  note=f"{count} `prepare_letter` jobs through rq (a worker serving ifr-letters): render, "
                       "store, and tell the clinician")


def measure_acknowledgements(app, services: Services, count: int) -> Figure:
    ids = _submit(app, count)
    run_burst_worker([IFR_SERVICE, "worker", "--burst"], services.environment())
    rate = _outbox_rate(app, ids)
    baseline = _no_op_rate(services, count)
    ratio = rate / baseline
    return Figure("acknowledgement jobs through rq by one worker", rate, "per s",
                  f"≥ {JOBS_SHARE_TARGET:.0%} of the no-op rate", ratio >= JOBS_SHARE_TARGET, baseline, ratio,
                  note=f"{count} `send_case_acknowledgement` jobs for submitted cases; baseline: {count} "
                       "no-op jobs on the same rq, one worker of the same class (rq's SimpleWorker)")


def _submit(app, count: int) -> list[int]:
    """Submit `count` applications in process, each signed off by the trust in its own transaction;
    their acknowledgement jobs wait on Redis for a worker. Returns the outbox ids of the acknowledgements."""
    numbers = test_range_nhs_numbers(count + 5_000)[5_000:]  # other patients than the API's
    with app.app_context():
        with db.unit_of_work(runtime().engine):
            before = db.session().execute(select(func.coalesce(func.max(OutboxMessage.id), 0))).scalar_one()
        for number in numbers:
            with db.unit_of_work(runtime().engine):
                answers = copy.deepcopy(example_application())
                answers["patient"]["nhs_number"] = number
                clinician = find_user("demo-clinician")
                case = service.submit_case(service.create_draft(clinician, answers, complete=True), clinician)
                # Form version 3 goes to the clinician's trust first: its sign-off sends it to NHS
                # England, which acknowledges it.
                actions.take_action(case, "approve_for_trust", find_user(TRUST_APPROVER), {})
        with db.unit_of_work(runtime().engine):
            return list(db.session().execute(
                select(OutboxMessage.id).where(OutboxMessage.job == "send_case_acknowledgement",
                                               OutboxMessage.id > before)).scalars())


def _outbox_rate(app, ids: list[int]) -> float:
    """Jobs a second between the first and the last completion, all of them completed."""
    with app.app_context(), db.unit_of_work(runtime().engine):
        first, last, done = db.session().execute(
            select(func.min(OutboxMessage.completed_utc), func.max(OutboxMessage.completed_utc),
                   func.count(OutboxMessage.completed_utc)).where(OutboxMessage.id.in_(ids))).one()
    if done != len(ids):
        raise RuntimeError(f"only {done} of {len(ids)} jobs completed")
    return (len(ids) - 1) / (last - first).total_seconds()


def _no_op_rate(services: Services, count: int) -> float:
    connection = Redis.from_url(services.redis_url)
    queue = Queue(NO_OP_QUEUE, connection=connection)
    jobs = [queue.enqueue(no_op) for _ in range(count)]
    run_burst_worker([RQ, "worker", "--burst", "--worker-class", "rq.worker.SimpleWorker", "--url",
                      services.redis_url, NO_OP_QUEUE], services.environment())
    ended = [job.ended_at for job in Job.fetch_many([job.id for job in jobs], connection=connection)]
    return (count - 1) / (max(ended) - min(ended)).total_seconds()
