"""`python -m benchmarks` (`make bench`, `make bench-quick`): build the world, measure every figure
against its baseline, and write results/latest.json and results/latest.md."""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

from benchmarks import analytics, import_history, jobs, submissions, work_queue, world
from benchmarks.processes import run_burst_worker
from benchmarks.results import Run
from benchmarks.services import prepare

OPEN_CASES = 10_000
LETTERS = 400
ACKNOWLEDGEMENTS = 1_000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases of national history [1,000,000]")
    arguments = parser.parse_args(argv)
    started = time.perf_counter()
    services = prepare()
    run, as_of = Run(arguments.cases), date.today()
    _step(f"database {services.database_url.rsplit('/', 1)[-1]} and reference data")
    world.migrate_and_load_reference(services)
    with tempfile.TemporaryDirectory() as folder:
        history = Path(folder) / "history.csv"
        _step(f"generating {arguments.cases:,} cases over {world.YEARS} years")
        world.write_history(services, arguments.cases, history, as_of)
        _step("importing them")
        run.add(*import_history.measure(services, history))
    _step("demo users and cases")
    world.load_demo(services)
    run_burst_worker([world.IFR_SERVICE, "worker", "--burst"], services.environment())  # the demo's jobs
    app = world.service_app(services)
    _step(f"work queue of {OPEN_CASES:,} open cases")
    hub_id = world.fill_work_queue(app, OPEN_CASES)
    world.analyze(app)
    run.add(*work_queue.measure(app, hub_id))
    _step("CET analyses")
    run.add(*analytics.measure(app, as_of, world.YEARS))
    _step("background jobs")
    run.add(jobs.measure_letters(app, services, LETTERS))
    run.add(jobs.measure_acknowledgements(app, services, ACKNOWLEDGEMENTS))
    _step("submissions through the API")
    run.add(*submissions.measure(services, app.config["IFR"]))
    summary = run.write()
    print(f"\n{summary.read_text(encoding='utf-8')}\n(in {time.perf_counter() - started:.0f} s; {summary})")


def _step(what: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {what}", flush=True)


if __name__ == "__main__":
    main()
