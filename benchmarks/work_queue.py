"""A hub's work queue with 10,000 open cases: the API's first 50 and the page's first 25 (its page
size), each against hand-written SQL for the same rows."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import text

from benchmarks.results import Figure
from benchmarks.timing import p95, timings
from ifr_service import db
from ifr_service.cases.queue import view_states
from ifr_service.runtime import runtime
from ifr_service.users.queries import find_user
from ifr_service.users.tokens import issue_token
from ifr_service.web.session import _start_page_session

OFFICER = "demo-officer"
REQUESTS = 200
P95_TARGET_MS = 50
RATIO_TARGET = 2

# The API's order: most urgent first, newest first within an urgency.
API_SQL = """
SELECT c.* FROM ifr_case c
WHERE c.hub_id = :hub AND c.route = 'ifr' AND c.state = ANY(:states)
ORDER BY c.urgency_rank, c.submitted_utc DESC, c.id DESC LIMIT :size"""
# The page's order, unsorted: overdue first, then most urgent, then soonest due (the soonest due date
# of a case's running clocks, kept on the case as ifr_case.next_due_on).
PAGE_SQL = """
SELECT c.* FROM ifr_case c
WHERE c.hub_id = :hub AND c.route = 'ifr' AND c.state = ANY(:states)
ORDER BY CASE WHEN c.next_due_on < :today THEN 0 ELSE 1 END, c.urgency_rank, c.next_due_on NULLS LAST,
         c.submitted_utc, c.id LIMIT :size"""
COUNT_SQL = "SELECT count(*) FROM ifr_case WHERE hub_id = :hub AND route = 'ifr' AND state = ANY(:states)"
# Each case's soonest running clock (the one its next_due_on comes from), which the lines show.
CLOCKS_SQL = ("SELECT k.* FROM case_clock k JOIN ifr_case c ON c.id = k.case_id WHERE k.case_id = ANY(:ids) "
              "AND k.running_since IS NOT NULL AND k.due_on = c.next_due_on ORDER BY k.id")


def open_states(workflow) -> list[str]:
    """The work queue's open cases: neither decided nor ended (cases/queue.py)."""
    return view_states(workflow, "open")


@dataclass(frozen=True)
class QueueView:
    name: str
    url: str
    size: int
    sql: str


VIEWS = [
    QueueView("hub work queue, API: first 50 of {open:,} open cases",
              "/api/v1/hubs/london/queue?page_size=50", 50, API_SQL),
    QueueView("hub work queue page: first 25 (its page) of {open:,} open cases", "/queue", 25, PAGE_SQL),
]


def measure(app, hub_id: int) -> list[Figure]:
    with app.app_context():
        workflow, config = runtime().workflows["ifr"], runtime().config
        states = open_states(workflow)
        token = issue_token(OFFICER, config, 3600)
    with app.app_context(), db.unit_of_work(runtime().engine):
        open_cases = db.session().execute(text(COUNT_SQL), {"hub": hub_id, "states": states}).scalar_one()
    return [_measure_view(app, view, hub_id, states, token, open_cases) for view in VIEWS]


def _measure_view(app, view: QueueView, hub_id: int, states: list[str], token: str,
                  open_cases: int) -> Figure:
    client = app.test_client()
    with app.app_context(), db.unit_of_work(runtime().engine):  # a sign-in, kept on the server
        page_token = _start_page_session(find_user(OFFICER))
    with client.session_transaction() as session:  # the officer signed in a moment ago
        session["page_session"] = page_token
        session["signed_in_at"] = session["active_at"] = time.time()
    headers = {"Authorization": f"Bearer {token}"} if view.url.startswith("/api/") else {}

    def page():
        response = client.get(view.url, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"{view.url} answered {response.status_code}")

    def hand_written():
        with app.app_context(), db.unit_of_work(runtime().engine):
            session = db.session()
            parameters = {"hub": hub_id, "states": states, "size": view.size, "today": runtime().today()}
            session.execute(text(COUNT_SQL), parameters).scalar_one()
            ids = [row.id for row in session.execute(text(view.sql), parameters)]
            session.execute(text(CLOCKS_SQL), {"ids": ids}).all()

    seconds, baseline = p95(timings(page, REQUESTS, warmup=5)), p95(timings(hand_written, REQUESTS, warmup=5))
    ratio = seconds / baseline
    return Figure(view.name.format(open=open_cases), seconds * 1000, "ms p95",
                  f"p95 ≤ {P95_TARGET_MS} ms; ≤ {RATIO_TARGET}x the SQL",
                  seconds * 1000 <= P95_TARGET_MS and ratio <= RATIO_TARGET, baseline * 1000, ratio,
                  note=f"{REQUESTS} requests in process (Flask's test client) as the hub's case officer; "
                       "baseline: count, rows and running clocks in hand-written SQL")
