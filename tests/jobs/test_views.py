"""The background jobs on the administrator's pages: every state counted (0 shown as 0), and a failed
job retried from the overview once, however often Retry is pressed."""

from __future__ import annotations

from datetime import timedelta

from ifr_service import db
from ifr_service.db import utc_now
from ifr_service.jobs.models import OutboxMessage
from ifr_service.jobs.queries import count_messages_by_state
from tests.users.audited import audit_mark, audited_since
from tests.web.browsing import Person


def add_messages(in_db, **states) -> dict[str, int]:
    """One outbox row in each state named: waiting, running, retrying, completed, failed."""
    now = utc_now()
    shapes = {"waiting": {}, "running": {"dispatched_utc": now},
              "retrying": {"next_attempt_utc": now + timedelta(minutes=2), "attempts": 1},
              "completed": {"dispatched_utc": now, "completed_utc": now, "attempts": 1},
              "failed": {"failed_utc": now, "attempts": 6, "last_error": "SMTPServerDisconnected"}}

    def add():
        ids = {}
        for state in states:
            message = OutboxMessage(job="deliver_notification", queue="ifr-notifications",
                                    payload={"notification_id": 987654}, **shapes[state])
            db.session().add(message)
            db.session().flush()
            ids[state] = message.id
        return ids

    return in_db(add)


def test_each_state_of_a_job_is_counted_apart(client, in_db):
    before = in_db(count_messages_by_state)
    add_messages(in_db, waiting=1, running=1, retrying=1, completed=1, failed=1)
    after = in_db(count_messages_by_state)
    states = ("waiting", "running", "retrying", "completed", "failed")
    assert {state: after[state] - before.get(state, 0) for state in states} == dict.fromkeys(states, 1)


def test_a_failed_job_retried_twice_from_the_overview_is_handed_on_once_and_audited(client, in_db):
    failed, mark = add_messages(in_db, failed=1)["failed"], audit_mark(in_db)
    admin = Person(client, "demo-admin")
    assert f"Retry job {failed}" in admin.open("/admin")
    first = admin.submit(f"/jobs/{failed}/retry", {"back": "overview"}, form_page="/admin", expect=302)
    assert first.headers["Location"].endswith("/admin")
    assert f"Job {failed} (deliver_notification) has been handed on again." in admin.open("/admin")
    second = admin.submit(f"/jobs/{failed}/retry", {"back": "overview"}, form_page="/admin", expect=302)
    assert "it has been handed on again already" in admin.open(second.headers["Location"])
    message = in_db(lambda: db.session().get(OutboxMessage, failed))
    assert (message.failed_utc, message.attempts <= 1) == (None, True)
    assert audited_since(in_db, mark, f"job:{failed}") == [("demo-admin", "admin")]
