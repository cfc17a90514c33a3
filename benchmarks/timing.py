"""Timing helpers: repeat a piece of work and describe the spread."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timings(work: Callable[[], object], repeat: int, warmup: int = 1) -> list[float]:
    """Seconds of each of `repeat` runs, after `warmup` runs that fill the caches."""
    for _ in range(warmup):
        work()
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    return seconds


def median(seconds: list[float]) -> float:
    return statistics.median(seconds)


def p95(seconds: list[float]) -> float:
    """The 95th percentile (inclusive method: within the observed range however few samples)."""
    return statistics.quantiles(seconds, n=20, method="inclusive")[-1]

