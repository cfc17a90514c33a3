"""The soak test's mixed workload, sent open-loop: request n starts at n / rate seconds whatever the
answers before it, so a slow service is not given a gentler load. Each request type is a weighted
share of the mix; its answers are tallied by status code, with their latencies."""

from __future__ import annotations

import collections
import copy
import http.client
import json
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from ifr_service.config import Config
from ifr_service.demo import CDF_EXAMPLE, EXAMPLE, test_range_nhs_numbers
from ifr_service.users.tokens import issue_token

CLINICIAN, OFFICER, CDF_TEAM, CET = "demo-clinician", "demo-officer", "demo-cdf-admin", "demo-cet"
QUEUE_HUB = "london"
# The mix, in shares of every 100 requests.
MIX = {
    "ifr_submission": 20,   # a clinician submits an IFR application
    "cdf_application": 5,   # a clinician applies to the CDF, decided at once
    "hub_queue": 20,        # a hub officer reads the London queue
    "case_page": 20,        # a hub officer reads an IFR (the region's CDF team a CDF application)
    "completeness_check": 10,  # a hub officer confirms a submitted case complete
    "screening": 5,         # a hub officer screens a checked case in to the panel
    "cet_trends": 10,       # the CET reads trends by month and region
    "healthz": 10,
}
MAX_IN_FLIGHT = 64  # requests started but not answered; beyond it a request is counted as not sent
TIMEOUT_SECONDS = 60
SCREENING_REASON = {"reason": "The request describes one patient's exceptional circumstances."}


@dataclass(frozen=True)
class Request:
    kind: str
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None = None
    on_answer: Callable[[int, bytes], None] | None = None  # told the status and body


@dataclass
class Tally:
    """Answers by request type: status code counts and latencies (ms) of the answered."""

    statuses: dict[str, collections.Counter] = field(
        default_factory=lambda: collections.defaultdict(collections.Counter))
    latencies_ms: dict[str, list[float]] = field(default_factory=lambda: collections.defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, status: str, latency_ms: float | None = None) -> None:
        with self.lock:
            self.statuses[kind][status] += 1
            if latency_ms is not None:
                self.latencies_ms[kind].append(latency_ms)


class Workload:
    """Builds each type's next request. Workflow actions take the cases this run submitted, in turn:
    a submitted case is checked for completeness, then screened in to the panel."""

    def __init__(self, config: Config, minutes: float, today: date, seed: int = 2026):
        seconds = min(int(minutes * 60) + 3600, config.token_max_lifetime_seconds)
        self.bearer = {user: {"Authorization": f"Bearer {issue_token(user, config, seconds)}"}
                       for user in (CLINICIAN, OFFICER, CDF_TEAM, CET)}
        self.random = random.Random(seed)
        self.today = today
        self.ifr_example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
        self.cdf_example = json.loads(CDF_EXAMPLE.read_text(encoding="utf-8"))
        self.patients = iter(test_range_nhs_numbers(200_000)[1_000:])  # past the demo's and the tests'
        self.submitted: collections.deque[str] = collections.deque()  # waiting for the check
        self.checked: collections.deque[str] = collections.deque()  # waiting for screening
        self.ifr_references: list[str] = []  # every IFR this run submitted
        self.known: list[tuple[str, str]] = []  # (reference, who reads it)
        self.lock = threading.Lock()

    def schedule(self, count: int) -> list[str]:
        """The request types of a run, in order: the weighted mix, shuffled reproducibly."""
        return self.random.choices(list(MIX), weights=list(MIX.values()), k=count)

    def build(self, kind: str) -> Request | None:
        """The next request of `kind`, or None when there is no case for it yet."""
        return getattr(self, f"_{kind}")()

    def _ifr_submission(self) -> Request:
        application = copy.deepcopy(self.ifr_example)
        with self.lock:
            application["patient"]["nhs_number"] = next(self.patients)
        return self._apply("ifr_submission", "/api/v1/cases?submit=true", application)

    def _cdf_application(self) -> Request:
        application = copy.deepcopy(self.cdf_example)
        with self.lock:
            application["patient"]["nhs_number"] = next(self.patients)
        # The service's today must lie within 4 weeks before the planned start: a week before.
        application["treatment"]["planned_start_date"] = (self.today + timedelta(days=7)).isoformat()
        return self._apply("cdf_application", "/api/v1/cases", application)

    def _apply(self, kind: str, path: str, body: dict) -> Request:
        headers = {**self.bearer[CLINICIAN], "Idempotency-Key": str(uuid.uuid4())}
        return Request(kind, "POST", path, headers, json.dumps(body).encode(),
                       lambda status, answer: self._created(kind, status, answer))

    def _created(self, kind: str, status: int, answer: bytes) -> None:
        if status != 201:
            return
        reference = json.loads(answer)["reference"]
        with self.lock:
            self.known.append((reference, OFFICER if kind == "ifr_submission" else CDF_TEAM))
            if kind == "ifr_submission":
                self.ifr_references.append(reference)
                self.submitted.append(reference)

    def _hub_queue(self) -> Request:
        return Request("hub_queue", "GET", f"/api/v1/hubs/{QUEUE_HUB}/queue", self.bearer[OFFICER])

    def _case_page(self) -> Request | None:
        with self.lock:
            chosen = self.random.choice(self.known) if self.known else None
        if chosen is None:
            return None
        reference, reader = chosen
        return Request("case_page", "GET", f"/api/v1/cases/{reference}", self.bearer[reader])

    def _completeness_check(self) -> Request | None:
        return self._act("completeness_check", self.submitted, "confirm_complete", {}, self.checked)

    def _screening(self) -> Request | None:
        return self._act("screening", self.checked, "screen_to_panel", SCREENING_REASON, None)

    def _act(self, kind: str, source: collections.deque, action: str, payload: dict,
             into: collections.deque | None) -> Request | None:
        with self.lock:
            reference = source.popleft() if source else None
        if reference is None:
            return None

        def moved(status: int, _answer: bytes) -> None:
            if status == 200 and into is not None:
                with self.lock:
                    into.append(reference)

        return Request(kind, "POST", f"/api/v1/cases/{reference}/actions/{action}", self.bearer[OFFICER],
                       json.dumps(payload).encode(), moved)

    def _cet_trends(self) -> Request:
        start = self.today.replace(year=self.today.year - 2)
        return Request("cet_trends", "GET",
                       f"/api/v1/cet/trends?from={start}&to={self.today}&by=month,region", self.bearer[CET])

    def _healthz(self) -> Request:
        return Request("healthz", "GET", "/healthz", {})


def run_open_loop(host: str, port: int, workload: Workload, rate: float, seconds: float) -> Tally:
    """Start rate * seconds requests, one every 1 / rate seconds, and wait for their answers."""
    tally, slots = Tally(), threading.BoundedSemaphore(MAX_IN_FLIGHT)
    kinds = workload.schedule(int(rate * seconds))
    started, threads = time.monotonic(), []
    for number, kind in enumerate(kinds):
        time.sleep(max(0.0, started + number / rate - time.monotonic()))
        request = workload.build(kind)
        if request is None:
            tally.record(kind, "skipped: no case yet")
        elif not slots.acquire(blocking=False):
            tally.record(kind, f"not sent: {MAX_IN_FLIGHT} in flight")
        else:
            thread = threading.Thread(target=_send_and_record, args=(host, port, request, tally, slots))
            thread.start()
            threads.append(thread)
        threads = [thread for thread in threads if thread.is_alive()]
    for thread in threads:
        thread.join(TIMEOUT_SECONDS + 5)
    return tally


def _send_and_record(host: str, port: int, request: Request, tally: Tally,
                     slots: threading.BoundedSemaphore) -> None:
    try:
        began = time.perf_counter()
        status, answer = _send(host, port, request)
        latency_ms = (time.perf_counter() - began) * 1000
        tally.record(request.kind, str(status) if status else "connection error",
                     latency_ms if status else None)
        if request.on_answer and status:
            request.on_answer(status, answer)
    finally:
        slots.release()


def _send(host: str, port: int, request: Request) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(host, port, timeout=TIMEOUT_SECONDS)
    headers = {**request.headers, **({"Content-Type": "application/json"} if request.body else {})}
    try:
        connection.request(request.method, request.path, request.body, headers)
        response = connection.getresponse()
        return response.status, response.read()
    except OSError:
        return 0, b""
    finally:
        connection.close()
