"""A hub's work queue, page and API, costs a fixed number of SQL statements, however many cases and
clocks it lists: signing in, the cases, the count, their clocks and the audit of the list all count.

Counted with SQLAlchemy's `before_cursor_execute` event (no timing): an N+1 query shows as a count
that grows with the cases on the page.
"""

from __future__ import annotations

import copy
from contextlib import contextmanager

import pytest
from sqlalchemy import event, text

from tests.builders import OFFICER, Road
from tests.web.browsing import Person

BUDGET = 6  # issue 21: a work-queue page at most 6 statements
CASES = 30


@pytest.fixture
def busy_hub(app, client, auth, application):
    """30 submitted cases with their clocks: 24 in London's queue, some assigned to each of two
    officers and some to nobody, and 6 moved to other hubs, which the queue must not count."""
    for number in range(CASES):
        Road(client, auth, copy.deepcopy(application), urgency="urgent" if number % 3 == 0 else "routine")

    def spread():
        with app.extensions["ifr"].engine.begin() as connection:
            hubs = [row.id for row in connection.execute(text("SELECT id FROM hub ORDER BY id"))]
            officers = [row.id for row in connection.execute(text(
                "SELECT id FROM app_user WHERE role = 'case_officer' AND hub_id = "
                "(SELECT id FROM hub WHERE code = 'london') ORDER BY id"))]
            others = [hub for hub in hubs if hub != hubs[0]][:3]
            for case_id in range(1, CASES + 1):
                if case_id % 5 == 0 and others:
                    connection.execute(text("UPDATE ifr_case SET hub_id = :hub WHERE id = :id"),
                                       {"hub": others[case_id % len(others)], "id": case_id})
                elif case_id % 3 and officers:
                    connection.execute(text("UPDATE ifr_case SET assigned_to_id = :user WHERE id = :id"),
                                       {"user": officers[case_id % len(officers)], "id": case_id})

    spread()
    return app


@contextmanager
def statements(app):
    """Every SQL statement the app's engine sends while the block runs."""
    sent = []
    engine = app.extensions["ifr"].engine

    def count(connection, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_work_queue_page_costs_at_most_six_statements(busy_hub, client):
    officer = Person(client, OFFICER)
    officer.open("/queue")  # the first request warms what is read once per process
    with statements(busy_hub) as sent:
        page = officer.open("/queue")
    assert page.count('href="/cases/IFR-') >= 20
    assert len(sent) <= BUDGET, "\n\n".join(sent)


def test_the_work_queue_api_costs_at_most_six_statements(busy_hub, client, auth):
    headers = auth(OFFICER)
    client.get("/api/v1/hubs/london/queue?page_size=50", headers=headers)
    with statements(busy_hub) as sent:
        response = client.get("/api/v1/hubs/london/queue?page_size=50", headers=headers)
    assert response.status_code == 200
    assert len(response.json["cases"]) == response.json["total"] >= 20
    assert len(sent) <= BUDGET, "\n\n".join(sent)
