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
from ifr_service.demo import CDF_EXAMPLE, EXAMPLE, test_range_nhs_numbers, with_recent_mdt
from ifr_service.users.tokens import issue_token

CLINICIAN, OFFICER, CDF_TEAM, CET = "demo-clinician", "demo-officer", "demo-cdf-admin", "demo-cet"
TRUST_APPROVER = "demo-trust-approver"  # signs off the demo clinician's trust's applications
QUEUE_HUB = "london"
# The mix, in shares of every 100 requests.
MIX = {
    "ifr_submission": 15,   # a clinician submits an IFR application: it goes to their trust
    "trust_approval": 15,   # the trust's approver signs one off: NHS England receives it
    "cdf_application": 5,   # a clinician applies to the CDF, decided at once
    "hub_queue": 15,        # a hub officer reads the London queue
    "case_page": 20,        # a hub officer reads an IFR (the region's CDF team a CDF application)
    "completeness_check": 10,  # a hub officer confirms a submitted case complete
    "screening_meeting": 1,  # the London screening group meets: its agenda, the cases checked since
    "screening": 4,         # a hub officer records the group's screening in to the panel
    "cet_trends": 10,       # the CET reads trends by month and region
    "healthz": 5,
}
SCREENING_GROUP = ("london", "screening_group")  # the demo's London screening group meets
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
    the trust signs a submission off, the hub checks it for completeness, the screening group's
    meeting puts it on its agenda, and the hub records it screened in to the panel.

    `screening_group` is the London screening group's id and its members' ids (every one attends)."""

    def __init__(self, config: Config, minutes: float, today: date, screening_group: tuple[int, list[int]],
                 seed: int = 2026):
        seconds = min(int(minutes * 60) + 3600, config.token_max_lifetime_seconds)
        self.bearer = {user: {"Authorization": f"Bearer {issue_token(user, config, seconds)}"}
                       for user in (CLINICIAN, TRUST_APPROVER, OFFICER, CDF_TEAM, CET)}
        self.random = random.Random(seed)
        self.today = today
        self.screening_group = screening_group
        self.ifr_example = with_recent_mdt(json.loads(EXAMPLE.read_text(encoding="utf-8")), today)
        self.cdf_example = json.loads(CDF_EXAMPLE.read_text(encoding="utf-8"))
        self.patients = iter(test_range_nhs_numbers(200_000)[1_000:])  # past the demo's and the tests'
        self.with_trust: collections.deque[str] = collections.deque()  # draft references: the sign-off
        self.submitted: collections.deque[str] = collections.deque()  # waiting for the check
        self.checked: collections.deque[str] = collections.deque()  # waiting for the group's meeting
        self.on_agenda: collections.deque[str] = collections.deque()  # waiting for screening
        self.listed: set[str] = set()  # every case an agenda put in on_agenda
        self.agendas_to_build: collections.deque[int] = collections.deque()  # meetings just scheduled
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
        with self.lock:
            if kind == "ifr_submission":  # with the trust, by its draft reference, unseen by the hub
                self.with_trust.append(json.loads(answer)["draft_reference"])
            else:
                self.known.append((json.loads(answer)["reference"], CDF_TEAM))

    def _trust_approval(self) -> Request | None:
        with self.lock:
            draft = self.with_trust.popleft() if self.with_trust else None
        if draft is None:
            return None

        def received(status: int, answer: bytes) -> None:
            if status == 200:
                reference = json.loads(answer)["reference"]
                with self.lock:
                    self.known.append((reference, OFFICER))
                    self.ifr_references.append(reference)
                    self.submitted.append(reference)

        return Request("trust_approval", "POST", f"/api/v1/cases/{draft}/actions/approve_for_trust",
                       self.bearer[TRUST_APPROVER], b"{}", received)

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

    def _screening_meeting(self) -> Request | None:
        """The officer's two steps, in turn: schedule a meeting of the screening group today with every
        member present, once cases were checked since the last; then build its agenda (every case of
        the region awaiting screening, most urgent first), whose cases screening then takes."""
        with self.lock:
            meeting_id = self.agendas_to_build.popleft() if self.agendas_to_build else None
            if meeting_id is None and not self.checked:
                return None
            if meeting_id is None:
                self.checked.clear()  # the next agenda lists them
        if meeting_id is not None:
            return Request("screening_meeting", "POST", f"/api/v1/meetings/{meeting_id}/agenda",
                           self.bearer[OFFICER], None, self._listed)
        group_id, member_ids = self.screening_group
        body = {"meeting_date": self.today.isoformat(), "attendee_ids": member_ids}

        def scheduled(status: int, answer: bytes) -> None:
            if status == 201:
                with self.lock:
                    self.agendas_to_build.append(json.loads(answer)["id"])

        return Request("screening_meeting", "POST", f"/api/v1/panels/{group_id}/meetings",
                       self.bearer[OFFICER], json.dumps(body).encode(), scheduled)

    def _listed(self, status: int, answer: bytes) -> None:
        """The agenda's cases wait for screening; one listed again (not yet screened) waits once."""
        if status != 200:
            return
        with self.lock:
            for entry in json.loads(answer)["agenda"]:
                if entry["reference"] not in self.listed:
                    self.listed.add(entry["reference"])
                    self.on_agenda.append(entry["reference"])

    def _screening(self) -> Request | None:
        return self._act("screening", self.on_agenda, "screen_to_panel", SCREENING_REASON, None)

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
