"""`python -m benchmarks.soak [--minutes 10] [--rate 10]` (`make soak`): the production stack under a
steady mixed load on loopback, checked for 5xx answers, flat memory and a drained outbox.

PostgreSQL and Redis as `make bench` finds them (database `ifr_soak`, Redis database 8, never the
benchmark's), migrated, with the reference and demo data; then the Procfile's processes: gunicorn
(2 workers), one `ifr-service worker`, and `ifr-service outbox relay`. The load
is open-loop (benchmarks/soak_workload.py); the checks are in benchmarks/soak_checks.py. Writes
results/soak.json and results/soak.md, and exits 1 when a criterion fails."""

from __future__ import annotations

import argparse
import contextlib
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import services, soak_checks, soak_report, world
from benchmarks.processes import gunicorn, rq_workers, run_burst_worker, stop_process
from benchmarks.results import describe_machine
from benchmarks.soak_workload import MAX_IN_FLIGHT, MIX, Workload, run_open_loop
from ifr_service.clock import today_in_england

SOAK_DATABASE = "ifr_soak"
SOAK_REDIS_DB = 8
WEB_WORKERS = 2
DRAIN_SECONDS = 180
RELAY = [world.IFR_SERVICE, "outbox", "relay"]
RELAY_LOG = Path(tempfile.gettempdir()) / "ifr-soak-relay.log"
STACK = f"gunicorn with {WEB_WORKERS} threaded workers, one `ifr-service worker`, `ifr-service outbox relay`"
NOTES = ["Latencies are from sending a request to reading its whole answer, over a new loopback "
         "connection each; requests start on a fixed schedule, whatever the answers before them.",
         "Workflow actions take the cases this run submitted: the trust approver's sign-off (an "
         "application on form version 3 goes to the clinician's trust first), a completeness check, "
         "a meeting of the London screening group (scheduled today, every member present, then its "
         "agenda built: two requests, both tallied as screening_meeting), then screening to the panel "
         "at it; a type with no case ready yet counts as skipped.",
         "Case pages: the London hub officer reads this run's IFRs, the London region's CDF team "
         "(demo-cdf-admin) its CDF applications; a hub officer is answered 404 for a CDF case.",
         "The scheduler (clock sweep, cohort detection) is not run."]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.soak", description=__doc__)
    parser.add_argument("--minutes", type=float, default=10, help="how long the load runs [10]")
    parser.add_argument("--rate", type=float, default=10, help="requests started a second [10]")
    arguments = parser.parse_args(argv)
    started_utc = datetime.now(UTC).isoformat(timespec="seconds")
    stack = prepare_stack()
    report = run_soak(stack, arguments.minutes, arguments.rate)
    report.update(started_utc=started_utc, machine=describe_machine())
    report["verdict"] = soak_report.judge(report)
    path = soak_report.write(report)
    soak_report.print_summary(report, path)
    return 0 if report["verdict"]["passed"] else 1


def prepare_services() -> services.Services:
    """services.prepare() for a database and a Redis database of the soak's own (IFR_SOAK_DATABASE_URL
    and IFR_SOAK_REDIS_URL name others), so a soak never drops or empties the benchmark's."""
    return services.prepare(SOAK_DATABASE, SOAK_REDIS_DB, variables="IFR_SOAK")


def prepare_stack() -> services.Services:
    """The release steps (migrations, reference data) and the demo, its own jobs run."""
    prepared = prepare_services()
    _step(f"database {prepared.database_url.rsplit('/', 1)[-1]} and Redis "
          f"{prepared.redis_url.rsplit('/', 1)[-1]}: migrations, reference and demo data")
    world.migrate_and_load_reference(prepared)
    world.load_demo(prepared)
    run_burst_worker([world.IFR_SERVICE, "worker", "--burst"], prepared.environment())
    return prepared


def run_soak(stack: services.Services, minutes: float, rate: float) -> dict:
    environment = stack.environment()
    app = world.service_app(stack)
    workload = Workload(app.config["IFR"], minutes, today_in_england(), world.london_screening_group(app))
    with rq_workers(1, environment) as (worker,), _relay(environment) as relay, \
            gunicorn("ifr_service:create_app()", WEB_WORKERS, environment) as base:
        host, port = base.removeprefix("http://").split(":")
        _step(f"{minutes:g} minute{'' if minutes == 1 else 's'} at {rate:g} requests a second on {base}")
        with soak_checks.MemorySampler(_process_groups(f"{host}:{port}", worker, relay)) as sampler:
            tally = run_open_loop(host, int(port), workload, rate, minutes * 60)
        _step("load done; waiting for the queues to drain")
        outbox = soak_checks.wait_for_outbox(stack.dsn, DRAIN_SECONDS)
        after_drain = sampler.sample()
        at_end = _processes_at_end(after_drain, worker, relay)
    return {
        "settings": _settings(stack, minutes, rate),
        "stack": {"processes": STACK, "stayed_up": at_end.startswith("all up"),
                  "at_end": at_end},
        "requests": soak_report.describe_requests(tally),
        "memory": {"definition": f"flat: {soak_checks.FLAT_DEFINITION}",
                   "web": soak_checks.judge_flat([s["web_mb"] for s in sampler.samples]),
                   "worker": soak_checks.judge_flat([s["worker_mb"] for s in sampler.samples]),
                   "samples": sampler.samples, "after_drain": after_drain},
        "outbox": {**outbox, "relay": relay_passes()},
        "acknowledgements": soak_checks.count_acknowledgements(stack.dsn, workload.ifr_references),
        "notes": NOTES,
    }


def _settings(stack: services.Services, minutes: float, rate: float) -> dict:
    return {"minutes": minutes, "rate": rate, "requests_scheduled": int(rate * minutes * 60),
            "mix_per_100": MIX, "max_in_flight": MAX_IN_FLIGHT, "web_workers": WEB_WORKERS, "rq_workers": 1,
            "database": stack.database_url.rsplit("/", 1)[-1],
            "redis": stack.redis_url.rsplit("/", 1)[-1], "sample_every_s": soak_checks.SAMPLE_EVERY_SECONDS}


def _process_groups(address: str, worker: subprocess.Popen, relay: subprocess.Popen | None) -> dict:
    """How the sampler finds each group's processes: gunicorn's master and workers by their address."""
    groups = {"web": lambda: soak_checks.pids_bound_to(address), "worker": lambda: [worker.pid]}
    if relay is not None:
        groups["relay"] = lambda: [relay.pid]
    return groups


@contextlib.contextmanager
def _relay(environment: dict[str, str]) -> Iterator[subprocess.Popen]:
    """The outbox relay, its log (where it says what it handed on) kept in RELAY_LOG."""
    with RELAY_LOG.open("w", encoding="utf-8") as log:
        relay = subprocess.Popen(RELAY, env=environment, cwd=services.ROOT, stdout=log,
                                 stderr=subprocess.STDOUT)
        try:
            yield relay
        finally:
            stop_process(relay)


def relay_passes() -> dict:
    """What the relay's log says it did: jobs handed on (never handed on by their request, or due
    again) and lost jobs recovered."""
    text = RELAY_LOG.read_text(encoding="utf-8") if RELAY_LOG.exists() else ""
    passes = [tuple(map(int, found)) for found in re.findall(r"(\d+) handed on, (\d+) recovered", text)]
    return {"handed_on": sum(p[0] for p in passes), "recovered": sum(p[1] for p in passes),
            "log": str(RELAY_LOG) if RELAY_LOG.exists() else None}


def _processes_at_end(sample: dict, worker: subprocess.Popen, relay: subprocess.Popen | None) -> str:
    down = []
    if sample["web_processes"] != WEB_WORKERS + 1:
        down.append(f"{sample['web_processes']} gunicorn processes, not {WEB_WORKERS + 1}")
    for name, process in (("the rq worker", worker), ("the outbox relay", relay)):
        if process is not None and process.poll() is not None:
            down.append(f"{name} exited ({process.returncode})")
    return "; ".join(down) if down else "all up after the drain"


def _step(what: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {what}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
