"""Submissions at the same moment on PostgreSQL: unique references, one case per key.

The embedded default serves one request at a time (one gunicorn worker on SQLite),
so these run on the production stack only.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

SUBMITTERS = 8


def submit_together(app, auth, application, headers: dict) -> list:
    def one(_):
        with app.test_client() as client:
            return client.post("/api/v1/cases?submit=true", json=application,
                               headers={**auth("demo-clinician"), **headers})

    with ThreadPoolExecutor(SUBMITTERS) as pool:
        return list(pool.map(one, range(SUBMITTERS)))


def test_simultaneous_submissions_get_consecutive_unique_references(
        production, app, client, auth, application):
    responses = submit_together(app, auth, application, {})
    assert [r.status_code for r in responses] == [201] * SUBMITTERS
    numbers = sorted(int(r.json["reference"].rsplit("-", 1)[1]) for r in responses)
    assert numbers == list(range(numbers[0], numbers[0] + SUBMITTERS))


def test_simultaneous_retries_with_one_idempotency_key_make_one_case(
        production, app, client, auth, application):
    responses = submit_together(app, auth, application, {"Idempotency-Key": "same-moment"})
    assert [r.status_code for r in responses] == [201] * SUBMITTERS
    assert len({r.json["reference"] for r in responses}) == 1
    queue = client.get("/api/v1/hubs/london/queue", headers=auth("demo-officer")).json
    assert queue["total"] == 1
