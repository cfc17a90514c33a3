"""What the soak test watches and checks: the resident memory of its processes while the load runs,
whether that memory is flat, and, once the load stops, that the outbox drained and every submitted
IFR was acknowledged once."""

from __future__ import annotations

import collections
import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psycopg

SAMPLE_EVERY_SECONDS = 10
# Flat: past the first third of the samples (the warm-up), the median of the last third is within
# FLAT_SHARE and within FLAT_MB of the median of the middle third. Only growth counts.
FLAT_SHARE = 0.10
FLAT_MB = 20
FLAT_DEFINITION = (f"the median RSS of the last third of the samples is at most {FLAT_SHARE:.0%} and at "
                   f"most {FLAT_MB} MB above the median of the middle third (the first third is the "
                   f"warm-up, ignored); one sample every {SAMPLE_EVERY_SECONDS} s while the load runs")
ACKNOWLEDGEMENT = "case_acknowledgement"  # the notification kind of ifr_service.notifications.jobs


def resident_mb(pids: list[int]) -> float:
    """VmRSS summed over `pids`, in MB (a process gone counts nothing)."""
    total_kb = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
        except OSError:
            continue
        total_kb += next((int(line.split()[1]) for line in status.splitlines()
                          if line.startswith("VmRSS:")), 0)
    return total_kb / 1024


def pids_bound_to(address: str) -> list[int]:
    """The gunicorn master serving `address` (host:port) and its workers, forked with its command line."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if "gunicorn" in command and f" {address} " in f"{command} ":
                pids.append(int(entry.name))
    return pids


class MemorySampler:
    """RSS of each group of processes, every SAMPLE_EVERY_SECONDS on a thread of its own."""

    def __init__(self, groups: dict[str, Callable[[], list[int]]],
                 every_seconds: float = SAMPLE_EVERY_SECONDS):
        self.groups, self.every_seconds = groups, every_seconds
        self.samples: list[dict] = []
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemorySampler:
        self._started = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stopped.set()
        self._thread.join()

    def sample(self) -> dict:
        row: dict = {"t_s": round(time.monotonic() - self._started, 1)}
        for name, find in self.groups.items():
            pids = find()
            row[f"{name}_mb"], row[f"{name}_processes"] = round(resident_mb(pids), 1), len(pids)
        return row

    def _run(self) -> None:
        while True:
            self.samples.append(self.sample())
            if self._stopped.wait(self.every_seconds):
                return


def judge_flat(series: list[float]) -> dict:
    """Whether `series` (MB, in time order) is flat, as FLAT_DEFINITION says, and its figures."""
    third = len(series) // 3
    if third < 1:
        return {"flat": False, "why": f"{len(series)} samples: at least 3 are needed"}
    middle, last = statistics.median(series[third:2 * third]), statistics.median(series[2 * third:])
    growth = last - middle
    flat = growth <= FLAT_SHARE * middle and growth <= FLAT_MB
    return {"flat": flat, "middle_third_median_mb": round(middle, 1), "last_third_median_mb": round(last, 1),
            "growth_mb": round(growth, 1), "growth_share": round(growth / middle, 4) if middle else None}


def wait_for_outbox(dsn: str, seconds: float) -> dict:
    """Wait up to `seconds` for every outbox message to be completed (or failed for good), then
    count them."""
    deadline, started = time.monotonic() + seconds, time.monotonic()
    while True:
        outbox = count_outbox(dsn)
        if not outbox["pending"] or time.monotonic() > deadline:
            outbox["waited_s"] = round(time.monotonic() - started, 1)
            return outbox
        time.sleep(1)


def count_outbox(dsn: str) -> dict:
    with psycopg.connect(dsn) as connection:
        has_failed = connection.execute(
            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'outbox_message' "
            "AND column_name = 'failed_utc'").fetchone()[0] > 0
        failed = "failed_utc IS NOT NULL" if has_failed else "false"
        total, completed, failed_count, retried = connection.execute(
            f"SELECT count(*), count(completed_utc), count(*) FILTER (WHERE {failed}), "
            "count(*) FILTER (WHERE attempts > 1) FROM outbox_message").fetchone()
        pending_by_job = dict(connection.execute(
            f"SELECT job, count(*) FROM outbox_message WHERE completed_utc IS NULL AND NOT ({failed}) "
            "GROUP BY job ORDER BY job").fetchall())
    return {"messages": total, "completed": completed, "pending": sum(pending_by_job.values()),
            "failed": failed_count, "retried": retried, "pending_by_job": pending_by_job}


def count_acknowledgements(dsn: str, references: list[str]) -> dict:
    """How many of the IFRs submitted had 0, 1 or more acknowledgement notifications."""
    with psycopg.connect(dsn) as connection:
        counts = [row[0] for row in connection.execute(
            "SELECT count(n.id) FROM ifr_case c LEFT JOIN notification n "
            "ON n.case_id = c.id AND n.kind = %s WHERE c.reference = ANY(%s) GROUP BY c.id",
            (ACKNOWLEDGEMENT, references))]
    spread = collections.Counter(min(count, 2) for count in counts)
    return {"submitted": len(references), "found": len(counts), "acknowledged_once": spread[1],
            "not_acknowledged": spread[0] + len(references) - len(counts),
            "acknowledged_twice_or_more": spread[2]}
