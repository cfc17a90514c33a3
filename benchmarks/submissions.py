"""IFR submissions through the HTTP API by 16 concurrent clients, against a bare Flask + psycopg
endpoint inserting the same JSON into one table; with 1 and with 2 web processes (and as many rq
workers), to show the service grows by adding processes.

A clinician's `POST /api/v1/cases?submit=true` is on the current form (version 3: a client cannot
choose an older one), so it sends the application to the clinician's trust for sign-off: validated in
full and saved awaiting the trust's approval. The reference, the national record and the
acknowledgement come later, with the trust approver's `approve_for_trust` (measured in `make soak`).
This is the step a clinician waits on, and it is what the bare endpoint's insert is compared with."""

from __future__ import annotations

import copy
import json

import psycopg

from benchmarks import bare_app
from benchmarks.load import Load, post_load
from benchmarks.processes import gunicorn, rq_workers
from benchmarks.results import Figure
from benchmarks.services import Services
from ifr_service.clock import today_in_england
from ifr_service.config import Config
from ifr_service.demo import EXAMPLE, test_range_nhs_numbers, with_recent_mdt
from ifr_service.users.tokens import issue_token

CLIENTS = 16
SECONDS = 20
THROUGHPUT_SHARE_TARGET = 0.4
P95_TARGET_MS = 100
CLINICIAN = "demo-clinician"


def measure(services: Services, config: Config, process_counts: tuple[int, ...] = (1, 2)) -> list[Figure]:
    bodies = _applications(2_000)
    headers = {"Authorization": f"Bearer {issue_token(CLINICIAN, config, 3600)}"}
    _create_bare_table(services)
    bare_environment = {**services.environment(), "BENCH_DSN": services.dsn}
    figures = []
    for processes in process_counts:
        with gunicorn("benchmarks.bare_app:app", processes, bare_environment) as base:
            bare = post_load(f"{base}/submissions", bodies, {}, CLIENTS, SECONDS)
        with rq_workers(processes, services.environment()), \
                gunicorn("ifr_service:create_app()", processes, services.environment()) as base:
            ours = post_load(f"{base}/api/v1/cases?submit=true", bodies, headers, CLIENTS, SECONDS)
        figures += _figures(processes, ours, bare)
    return figures


def _figures(processes: int, ours: Load, bare: Load) -> list[Figure]:
    setting = (f"{CLIENTS} clients, {processes} web process{'es' if processes > 1 else ''} and "
               f"{processes} worker{'s' if processes > 1 else ''}")
    ratio = ours.requests_per_second / bare.requests_per_second
    failures = f"; {ours.failed} failed answers" if ours.failed else ""
    return [
        Figure(f"IFR submissions through the API, {setting}", ours.requests_per_second, "per s",
               f"≥ {THROUGHPUT_SHARE_TARGET:.0%} of the bare endpoint's throughput",
               ratio >= THROUGHPUT_SHARE_TARGET and not ours.failed, bare.requests_per_second, ratio,
               note=f"{ours.completed:,} submissions (form v3: sent to the trust) in {SECONDS} s "
                    f"(p50 {ours.p50_ms:.0f} ms){failures}; "
                    f"bare endpoint: {bare.completed:,} inserts, p50 {bare.p50_ms:.0f} ms"),
        Figure(f"IFR submission latency, {setting}", ours.p95_ms, "ms p95", f"p95 ≤ {P95_TARGET_MS} ms",
               ours.p95_ms <= P95_TARGET_MS, bare.p95_ms, ours.p95_ms / bare.p95_ms,
               note="baseline: the bare endpoint's p95 under the same load"),
    ]


def _applications(count: int) -> list[bytes]:
    """The example application for `count` different patients (NHS numbers from the test range), its
    MDT discussion dated from today (form version 3 takes one within the last year)."""
    example = with_recent_mdt(json.loads(EXAMPLE.read_text(encoding="utf-8")), today_in_england())
    bodies = []
    for number in test_range_nhs_numbers(count):
        application = copy.deepcopy(example)
        application["patient"]["nhs_number"] = number
        bodies.append(json.dumps(application).encode())
    return bodies


def _create_bare_table(services: Services) -> None:
    with psycopg.connect(services.dsn, autocommit=True) as connection:
        connection.execute(f"CREATE TABLE IF NOT EXISTS {bare_app.TABLE} (id bigserial PRIMARY KEY, "
                           "body jsonb NOT NULL, received_utc timestamptz NOT NULL DEFAULT now())")
