"""PostgreSQL stops and starts again under load: every request is answered at once, 503 with
Retry-After while the database is away, never a hang or a 500; the service recovers by itself; and
afterwards every case is whole, once, and acknowledged once."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from sqlalchemy import text

from tests.faults.checks import HALF_WRITTEN_CASES, delivered_notifications, scalar
from tests.faults.processes import free_port, wait_for, web, worker

SUBMITTERS = 3
PACE_SECONDS = 0.25  # between one answer and a submitter's next request: a steady load, not a flood
NEVER_HANGS_SECONDS = 15  # the longest any answer may take: connect and pool time-outs are 3 s and 5 s


@dataclass
class Answer:
    key: str
    status: int
    seconds: float
    retry_after: str | None
    at: float = field(default_factory=time.monotonic)


class Load:
    """Clinicians submitting applications, each with its own Idempotency-Key, at a steady pace, and
    waiting as Retry-After asks (up to a second, to keep the test short) before the next."""

    def __init__(self, base: str, headers: dict, application: dict):
        self.base, self.headers, self.application = base, headers, application
        self.answers: list[Answer] = []
        self.stopping = threading.Event()

    def submit(self, key: str) -> Answer:
        request = urllib.request.Request(
            f"{self.base}/api/v1/cases?submit=true", data=json.dumps(self.application).encode(),
            method="POST",
            headers={**self.headers, "Content-Type": "application/json", "Idempotency-Key": key})
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=NEVER_HANGS_SECONDS + 5) as response:
                status, retry_after = response.status, None
        except urllib.error.HTTPError as error:
            status, retry_after = error.code, error.headers.get("Retry-After")
        return Answer(key, status, time.monotonic() - started, retry_after)

    def run(self, name: str) -> None:
        number = 0
        while not self.stopping.is_set():
            number += 1
            answer = self.submit(f"{name}-{number}")
            self.answers.append(answer)
            self.stopping.wait(min(float(answer.retry_after or 0), 1.0) + PACE_SECONDS)

    def __enter__(self) -> Load:
        self.threads = [threading.Thread(target=self.run, args=(f"submitter-{n}",))
                        for n in range(SUBMITTERS)]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(60)


def drafts_with_the_trust(app) -> list[str]:
    with app.extensions["ifr"].engine.connect() as connection:
        return list(connection.execute(text(
            "SELECT draft_reference FROM ifr_case WHERE state = 'awaiting_trust_approval'")).scalars())


def approve(base: str, headers: dict, draft: str) -> int:
    request = urllib.request.Request(f"{base}/api/v1/cases/{draft}/actions/approve_for_trust", data=b"{}",
                                     method="POST", headers={**headers, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=NEVER_HANGS_SECONDS) as response:
        return response.status


def healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def test_a_database_restart_under_load_loses_nothing_and_half_writes_nothing(
        fault_stack, mail, application, tmp_path):
    stack, port = fault_stack, free_port()
    base = f"http://127.0.0.1:{port}"
    server = web(stack.environment(), tmp_path / "web.log", port).start()
    try:
        wait_for(lambda: healthy(base), "gunicorn to serve", 60)
        with Load(base, stack.auth("demo-clinician"), application) as load:
            time.sleep(3)
            stack.postgres.stop()
            stopped_at = time.monotonic()
            time.sleep(4)
            stack.postgres.start()
            wait_for(lambda: healthy(base), "the service to recover by itself", 30)
            recovered_at = time.monotonic()
            time.sleep(3)
        answers = load.answers
        unanswered = {a.key for a in answers if a.status == 503}
        for key in sorted(unanswered):  # each clinician sends again what was not answered
            assert load.submit(key).status in {200, 201}
        # Each went to the clinician's trust (form version 3); its approver sends each to NHS England.
        for draft in drafts_with_the_trust(stack.app):
            assert approve(base, stack.auth("demo-trust-approver"), draft) == 200
    finally:
        server.stop()

    assert {a.status for a in answers} <= {201, 503}
    assert max(a.seconds for a in answers) < NEVER_HANGS_SECONDS
    assert any(a.status == 503 for a in answers if a.at > stopped_at)  # the outage was felt
    assert all(a.retry_after == "5" for a in answers if a.status == 503)
    assert any(a.status == 201 for a in answers if a.at > recovered_at)  # and it is over
    keys = {a.key for a in answers}
    assert scalar(stack.app, "SELECT count(*) FROM ifr_case") == len(keys)  # each request once
    assert scalar(stack.app, HALF_WRITTEN_CASES) == 0

    assert worker(stack.environment(mail), tmp_path / "worker.log", burst=True).start().wait(300) == 0
    assert delivered_notifications(stack.app) == len(keys)  # every case acknowledged, once
    assert len(mail.accepted) == len(keys)
