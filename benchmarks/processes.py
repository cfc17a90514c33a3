"""Starting and stopping the processes a run measures: gunicorn serving an app, and rq workers."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from benchmarks.services import ROOT
from benchmarks.world import IFR_SERVICE

GUNICORN = str(Path(sys.executable).parent / "gunicorn")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(app: str, workers: int, environment: dict[str, str]) -> Iterator[str]:
    """`app` served by `workers` sync gunicorn processes; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [GUNICORN, "-c", "python:ifr_service.gunicorn_conf", "--workers", str(workers), "--bind",
         f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "--log-level", "warning", app],
        env=environment, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base, process)
        yield base
    finally:
        stop_process(process)


@contextlib.contextmanager
def rq_workers(count: int, environment: dict[str, str]) -> Iterator[list[subprocess.Popen]]:
    workers = [subprocess.Popen([IFR_SERVICE, "worker"], env=environment, cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(count)]
    try:
        yield workers
    finally:
        for worker in workers:
            stop_process(worker)


def run_burst_worker(command: list[str], environment: dict[str, str]) -> None:
    """One worker that stops once its queues are empty."""
    subprocess.run(command, env=environment, cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def _wait_until_healthy(base: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start-up (exit {process.returncode})")
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{base}/healthz", timeout=2) as answer:
            if answer.status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{base} did not become healthy in {seconds} s")


def stop_process(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
