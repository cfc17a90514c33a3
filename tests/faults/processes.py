"""Real processes the fault tests start, stop and kill: a PostgreSQL server and a Redis server of
their own (so stopping them never touches the suite's), the service's rq worker, gunicorn serving the
app, and an SMTP server standing in for the mail relay, the one true external boundary."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ifr_service.config import PROJECT_ROOT

BIN = Path(sys.executable).parent
POSTGRES_BINARIES = sorted(Path("/usr/lib/postgresql").glob("*/bin"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, what: str, timeout_seconds: float = 30) -> None:
    deadline = time.monotonic() + timeout_seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def missing_parts() -> list[str]:
    missing = [] if POSTGRES_BINARIES else ["PostgreSQL's server binaries"]
    return missing + ([] if shutil.which("redis-server") else ["redis-server"])


def require_parts() -> None:
    """Skip where the servers are not installed; in CI, where .ci/start-services installs them, fail."""
    missing = missing_parts()
    if missing and os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the fault tests, but {', '.join(missing)} is missing")
    if missing:
        pytest.skip(f"the fault tests need {', '.join(missing)} (bash .ci/start-services installs them)")


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


class RedisServer:
    """redis-server on a port of its own, in memory only: stopping it loses its queues, as a crash of
    an unpersisted Redis would."""

    def __init__(self, log_path: Path):
        self.port, self.log_path, self.process = free_port(), log_path, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        with self.log_path.open("a") as log:  # the child keeps its own copy of the descriptor
            self.process = subprocess.Popen(
                ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no"], stdout=log, stderr=subprocess.STDOUT)
        wait_for(lambda: _listening(self.port), "redis-server to listen")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


class PostgresServer:
    """A PostgreSQL cluster of its own in a temporary folder, on loopback with trust authentication.
    The server refuses to run as root, so as root (in CI) it runs as the postgres user."""

    def __init__(self, folder: Path):
        self.bin = POSTGRES_BINARIES[-1]
        self.folder, self.port = folder, free_port()
        self.data, self.log = folder / "data", folder / "postgres.log"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://ifr@127.0.0.1:{self.port}/ifr"

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        done = subprocess.run([*prefix, *command], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=120)
        if done.returncode != 0:
            raise AssertionError(f"{Path(command[0]).name} failed ({done.returncode}): {done.stdout[-2000:]}")

    def create(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "ifr", "-A", "trust", "-E", "UTF8",
                  "--no-sync")
        self.start()
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "ifr", "ifr")

    def _ctl(self, *arguments: str) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w",
                  *arguments)

    def start(self) -> None:
        self._ctl("start")

    def stop(self) -> None:
        """A fast shutdown: open transactions are rolled back and their connections cut."""
        self._ctl("stop", "-m", "fast")


class ServiceProcess:
    """One of the service's own processes (`ifr-service worker`, gunicorn), its output in a file."""

    def __init__(self, command: list[str], environment: dict[str, str], log_path: Path):
        self.command, self.environment, self.log_path = command, environment, log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> ServiceProcess:
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(self.command, env=self.environment, cwd=PROJECT_ROOT, stdout=log,
                                            stderr=subprocess.STDOUT)
        return self

    def kill(self) -> None:
        """SIGKILL: no clean-up, no goodbye, as the kernel's OOM killer or a lost host would."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()

    def wait(self, timeout_seconds: float) -> int:
        return self.process.wait(timeout_seconds)


def worker(environment: dict[str, str], log_path: Path, burst: bool = False) -> ServiceProcess:
    return ServiceProcess([str(BIN / "ifr-service"), "worker", *(["--burst"] if burst else [])],
                          environment, log_path)


def web(environment: dict[str, str], log_path: Path, port: int) -> ServiceProcess:
    return ServiceProcess([str(BIN / "gunicorn"), "-c", "python:ifr_service.gunicorn_conf", "--workers", "2",
                           "--bind", f"127.0.0.1:{port}", "--timeout", "60", "ifr_service:create_app()"],
                          environment, log_path)


class MailRelay:
    """An SMTP server on loopback (aiosmtpd) that keeps what it accepted. It can refuse every message,
    or hold the next one at MAIL FROM until released, to catch a worker in the middle of a job."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.port = free_port()
        self.accepted: list[bytes] = []
        self.refusing = False
        self.holding = threading.Event()
        self.held, self.released = threading.Event(), threading.Event()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    def hold_next(self) -> None:
        self.held.clear()
        self.released.clear()
        self.holding.set()

    def release(self) -> None:
        self.released.set()

    async def handle_MAIL(self, server, session, envelope, address, options):
        import asyncio

        if self.holding.is_set():
            self.holding.clear()
            self.held.set()
            await asyncio.get_running_loop().run_in_executor(None, self.released.wait, 30)
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refusing:
            return "451 Requested action aborted: local error in processing"
        self.accepted.append(envelope.content)
        return "250 Message accepted for delivery"

    def __enter__(self) -> MailRelay:
        self.controller.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.release()
        self.controller.stop()
