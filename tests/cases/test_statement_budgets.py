"""Statement budgets: how many SQL statements an IFR submission and a workflow action cost.

A submission on a form the trust signs off is two requests: the clinician's, which sends it to the
trust, and the trust approver's, which submits it to NHS England (its reference, routing, clocks and
acknowledgement); each is held to the submission's budget.

Counted with SQLAlchemy's `before_cursor_execute` event on the app's engine, so deterministic: no
timing. The request's own transaction is everything up to its commit (the sign-in's user, the
change, the response and the audit row). What follows the commit before the answer is counted
apart: on the production stack the outbox marks each queued job handed on (jobs/outbox.py); on the
embedded default the jobs themselves run in-process before the answer (jobs/dispatch.py).
"""

from __future__ import annotations

import contextlib
import re

from sqlalchemy import event

from tests.builders import CLINICIAN, OFFICER, TRUST_APPROVER

SUBMISSION_BUDGET = 12  # docs/scaling.md: 46 before this budget, 10 now, on PostgreSQL
ACTION_BUDGET = 10  # 26 before, 9 now
# After the commit and before the answer. On PostgreSQL and Redis, the outbox's one short
# transaction marking the acknowledgement handed on (SELECT, UPDATE); on the embedded default, that
# and the acknowledgement job itself, run in-process (its email queued, then sent, each marked).
# 2 and 20 before: the outbox now marks a job handed on as it writes it, and in-process (embedded)
# the acknowledgement job sends its own email.
AFTER_SUBMISSION = {"production": 0, "embedded": 10}


class Statements:
    def __init__(self):
        self.before_commit: list[str] = []
        self.after_commit: list[str] = []
        self.committed = False

    def __str__(self) -> str:
        return "\n".join([*self.before_commit, "-- commit", *self.after_commit])


@contextlib.contextmanager
def counting(app):
    engine, seen = app.extensions["ifr"].engine, Statements()

    def statement(_connection, _cursor, sql, _parameters, _context, _executemany):
        (seen.after_commit if seen.committed else seen.before_commit).append(" ".join(sql.split()))

    def commit(_connection):
        seen.committed = True

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", commit)


def send(client, auth, application) -> str:
    """The clinician's submission, to their trust for sign-off: the draft's reference."""
    response = client.post("/api/v1/cases?submit=true", json=application, headers=auth(CLINICIAN))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["state"] == "awaiting_trust_approval"
    return response.get_json()["reference"]


def approve(client, auth, draft: str) -> str:
    """The trust's sign-off, which submits the request to NHS England: its reference."""
    response = client.post(f"/api/v1/cases/{draft}/actions/approve_for_trust", headers=auth(TRUST_APPROVER))
    assert response.status_code == 200, response.get_json()
    return response.get_json()["reference"]


def submit(client, auth, application) -> str:
    return approve(client, auth, send(client, auth, application))


def test_an_ifr_submission_costs_at_most_its_budget_of_statements(app, client, auth, application, backend):
    submit(client, auth, application)  # the first of the year makes its reference sequence
    with counting(app) as sending:
        draft = send(client, auth, application)
    with counting(app) as seen:
        approve(client, auth, draft)
    assert len(sending.before_commit) <= SUBMISSION_BUDGET, str(sending)
    assert len(sending.after_commit) == 0, str(sending)  # nothing queued: NHS England has nothing yet
    assert len(seen.before_commit) <= SUBMISSION_BUDGET + one_by_one(app, seen, "case_clock"), str(seen)
    assert len(seen.after_commit) <= AFTER_SUBMISSION[backend], str(seen)


def test_submitting_a_draft_costs_at_most_the_budget_of_a_submission(app, client, auth, application):
    submit(client, auth, application)
    draft = client.post("/api/v1/cases", json=application, headers=auth(CLINICIAN)).get_json()
    with counting(app) as seen:
        response = client.post(f"/api/v1/cases/{draft['draft_reference']}/submit", headers=auth(CLINICIAN))
    assert response.status_code == 200, response.get_json()
    assert len(seen.before_commit) <= SUBMISSION_BUDGET + one_by_one(app, seen, "case_clock"), str(seen)


def one_by_one(app, seen: Statements, table: str) -> int:
    """The INSERTs beyond the first of a flush's new rows of a table on SQLite, whose RETURNING does not
    promise the rows' order, so SQLAlchemy inserts them one at a time (in-process calls, not round
    trips); PostgreSQL inserts them in one statement."""
    if app.extensions["ifr"].engine.dialect.name != "sqlite":
        return 0
    return max(len([sql for sql in seen.before_commit if sql.startswith(f"INSERT INTO {table} ")]) - 1, 0)


def test_a_submission_reads_no_reference_data_once_it_has_been_read(app, client, auth, application):
    submit(client, auth, application)
    with counting(app) as seen:
        submit(client, auth, application)  # the clinician's and the trust's requests
    tables = r"FROM (commissioner|commissioner_hub|hub|region)\b"
    assert [sql for sql in seen.before_commit if re.search(tables, sql)] == []


def test_a_workflow_action_costs_at_most_its_budget_of_statements(app, client, auth, application):
    reference = submit(client, auth, application)
    with counting(app) as seen:
        response = client.post(f"/api/v1/cases/{reference}/actions/confirm_complete", json={},
                               headers=auth(OFFICER))
    assert response.status_code == 200, response.get_json()
    assert len(seen.before_commit) <= ACTION_BUDGET, str(seen)
    assert len([sql for sql in seen.before_commit if "FROM case_clock" in sql]) == 1  # read once
    # The event is written, not read back (its INSERT works out its own sequence).
    assert not [sql for sql in seen.before_commit if sql.startswith("SELECT") and "FROM case_event" in sql]


def test_a_submission_holds_no_row_lock(app, client, auth, application):
    """The reference comes from a sequence (PostgreSQL) or one UPSERT (SQLite): nothing is read FOR
    UPDATE, so concurrent submissions do not queue behind each other."""
    submit(client, auth, application)
    with counting(app) as seen:
        submit(client, auth, application)
    # The trust's approval locks the one case it acts on, as every action does (two approvers at once
    # act once); nothing else.
    assert not [sql for sql in seen.before_commit if "FOR UPDATE" in sql and "FROM ifr_case" not in sql]
