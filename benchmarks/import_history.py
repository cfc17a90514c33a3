"""The validated import of a national history against PostgreSQL's own COPY of the same file."""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import psycopg

from benchmarks.results import Figure
from benchmarks.services import Services
from benchmarks.world import IFR_SERVICE
from ifr_service.cet.importer import COLUMNS

RATIO_TARGET = 6
MEMORY_TARGET_MB = 400


def measure(services: Services, history: Path) -> list[Figure]:
    copy_seconds = copy_baseline(services, history)
    seconds, peak_mb, report = _import(services, history)
    ratio = seconds / copy_seconds
    return [
        Figure("import of the history CSV (validated)", seconds, "s", f"≤ {RATIO_TARGET}x the COPY time",
               ratio <= RATIO_TARGET, copy_seconds, ratio,
               note=f"`ifr-service import cases`: {report}; baseline: COPY of the same file into an "
                    "unlogged table of text columns"),
        Figure("import peak memory", peak_mb, "MB", f"≤ {MEMORY_TARGET_MB} MB", peak_mb <= MEMORY_TARGET_MB,
               note="maximum resident set of the importing process"),
    ]


def copy_baseline(services: Services, history: Path) -> float:
    """Seconds for PostgreSQL to COPY the file, as CSV, into an unlogged table of text columns."""
    with psycopg.connect(services.dsn, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS bench_copy")
        connection.execute(f"CREATE UNLOGGED TABLE bench_copy ({', '.join(f'{c} text' for c in COLUMNS)})")
        started = time.perf_counter()
        with connection.cursor() as cursor, history.open("rb") as source, \
                cursor.copy("COPY bench_copy FROM STDIN (FORMAT csv, HEADER true)") as copy:
            while block := source.read(1 << 20):
                copy.write(block)
        seconds = time.perf_counter() - started
        connection.execute("DROP TABLE bench_copy")
    return seconds


def _import(services: Services, history: Path) -> tuple[float, float, str]:
    """Seconds, peak memory (MB) and the command's report of `ifr-service import cases`."""
    started = time.perf_counter()
    process = subprocess.Popen([IFR_SERVICE, "import", "cases", str(history),
                                "--rejects", str(history.with_suffix(".rejects.csv"))],
                               env=services.environment(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True)
    printed = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)  # this child's own peak, not every child's
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"the import failed: {printed}")
    report = printed.strip().splitlines()[-1]
    if not re.search(r": (\d+) loaded, 0 already present, 0 rejected", report):
        raise RuntimeError(f"the import did not load every row: {report}")
    return seconds, usage.ru_maxrss / 1024, report
