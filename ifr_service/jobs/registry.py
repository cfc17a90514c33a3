"""The jobs the outbox can run, by name. Jobs take ids and are idempotent."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from ifr_service.jobs.queues import ALL_QUEUES


@dataclass(frozen=True)
class JobDefinition:
    name: str
    queue: str
    run: Callable[..., None]


JOBS: dict[str, JobDefinition] = {}


def job(name: str, queue: str) -> Callable:
    if queue not in ALL_QUEUES:
        raise ValueError(f"job {name!r} names unknown queue {queue!r}")

    def register(function: Callable[..., None]) -> Callable[..., None]:
        JOBS[name] = JobDefinition(name=name, queue=queue, run=function)
        return function

    return register


# Importing these modules registers their jobs.
JOB_MODULES = ("ifr_service.letters.jobs", "ifr_service.notifications.jobs", "ifr_service.cet.exports",
               "ifr_service.notifications.sending")


def load_jobs() -> None:
    """Import every job's module, which registers its jobs."""
    for module in JOB_MODULES:
        importlib.import_module(module)


def get_job(name: str) -> JobDefinition:
    load_jobs()
    return JOBS[name]
