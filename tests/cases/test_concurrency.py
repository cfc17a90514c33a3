"""Submissions at the same moment on PostgreSQL: unique references, one case per key.

A request's reference is given when its trust approves it (form version 3), so the approvals are what
race for references; the clinician's sending, what an Idempotency-Key makes once.

The embedded default serves one request at a time (one gunicorn worker on SQLite),
so these run on the production stack only.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.builders import TRUST_APPROVER

SUBMITTERS = 8


def submit_together(app, auth, application, headers: dict) -> list:
    def one(_):
        with app.test_client() as client:
            return client.post("/api/v1/cases?submit=true", json=application,
                               headers={**auth("demo-clinician"), **headers})

    with ThreadPoolExecutor(SUBMITTERS) as pool:
        return list(pool.map(one, range(SUBMITTERS)))


def approve_together(app, auth, drafts: list[str]) -> list:
    def one(draft):
        with app.test_client() as client:
            return client.post(f"/api/v1/cases/{draft}/actions/approve_for_trust",
                               headers=auth(TRUST_APPROVER))

    with ThreadPoolExecutor(SUBMITTERS) as pool:
        return list(pool.map(one, drafts))


def test_simultaneous_submissions_get_consecutive_unique_references(
        production, app, client, auth, application):
    sent = submit_together(app, auth, application, {})
    assert [r.status_code for r in sent] == [201] * SUBMITTERS
    responses = approve_together(app, auth, [r.json["draft_reference"] for r in sent])
    assert [r.status_code for r in responses] == [200] * SUBMITTERS
    numbers = sorted(int(r.json["reference"].rsplit("-", 1)[1]) for r in responses)
    assert numbers == list(range(numbers[0], numbers[0] + SUBMITTERS))


def test_simultaneous_retries_with_one_idempotency_key_make_one_case(
        production, app, client, auth, application):
    responses = submit_together(app, auth, application, {"Idempotency-Key": "same-moment"})
    assert [r.status_code for r in responses] == [201] * SUBMITTERS
    assert len({r.json["reference"] for r in responses}) == 1
    assert approve_together(app, auth, [responses[0].json["draft_reference"]])[0].status_code == 200
    queue = client.get("/api/v1/hubs/london/queue", headers=auth("demo-officer")).json
    assert queue["total"] == 1
