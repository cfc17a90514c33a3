"""A job that fails is tried again after a back-off, then waits in the failed list for an administrator;
a job the queue lost is found and handed on again; each has its effect once."""

from __future__ import annotations

import smtplib
from datetime import timedelta

import pytest
from redis import Redis
from sqlalchemy import text
from sqlmodel import select

from ifr_service import db
from ifr_service.jobs.models import OutboxMessage
from ifr_service.jobs.outbox import MAX_ATTEMPTS, RETRY_INTERVALS_SECONDS, run_outbox_message
from ifr_service.jobs.relay import relay_outbox
from ifr_service.notifications.models import Notification
from tests.builders import submit_ifr


class RefusingRelay:
    """The mail relay, down: the boundary the delivery job crosses, refusing every message."""

    def __init__(self):
        self.tried = 0

    def send(self, message) -> None:
        self.tried += 1
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def mail(app):
    """Swap the mail relay: `mail.refuse()` brings the relay down, `mail.restore()` back up."""
    runtime = app.extensions["ifr"]
    working = runtime.mail

    class Switch:
        refusing = RefusingRelay()

        def refuse(self) -> None:
            runtime.mail = self.refusing

        def restore(self) -> None:
            runtime.mail = working

    yield Switch()
    runtime.mail = working


def delivery(in_db) -> OutboxMessage:
    """The acknowledgement's job, which sends the email itself."""
    return in_db(lambda: db.session().exec(
        select(OutboxMessage).where(OutboxMessage.job == "send_case_acknowledgement")).one())


def relay(app, at):
    with app.app_context():
        return relay_outbox(now=at)


def fail_for_good(app, client, auth, application, in_db, run_jobs, mail) -> OutboxMessage:
    mail.refuse()
    assert submit_ifr(client, auth, application).status_code == 201
    run_jobs()
    for wait in RETRY_INTERVALS_SECONDS:
        # Each back-off counts from the attempt that failed, on the clock: read it after that attempt,
        # not by adding up the waits, which runs behind the clock on a busy machine.
        failed_by = db.utc_now()
        assert relay(app, failed_by).handed_on == 0  # not before its back-off has run
        assert relay(app, failed_by + timedelta(seconds=wait + 1)).handed_on == 1
        run_jobs()
    return delivery(in_db)


def test_a_failed_job_waits_for_its_next_attempt_with_its_error(
        app, client, auth, application, in_db, run_jobs, mail):
    mail.refuse()
    submit_ifr(client, auth, application)
    run_jobs()
    first = delivery(in_db)
    assert (first.attempts, first.dispatched_utc, first.failed_utc) == (1, None, None)
    assert db.as_utc(first.next_attempt_utc) - db.utc_now() <= timedelta(seconds=RETRY_INTERVALS_SECONDS[0])
    assert "SMTPServerDisconnected" in first.last_error
    with app.app_context():
        run_outbox_message(first.id)  # a stray run before its time does nothing
    assert (delivery(in_db).attempts, mail.refusing.tried) == (1, 1)


def test_a_failed_job_is_retried_after_each_back_off_and_then_fails_for_good(
        app, client, auth, application, in_db, run_jobs, mail):
    failed = fail_for_good(app, client, auth, application, in_db, run_jobs, mail)
    assert failed.attempts == MAX_ATTEMPTS == mail.refusing.tried
    assert failed.failed_utc is not None and failed.next_attempt_utc is None
    assert relay(app, db.utc_now() + timedelta(days=1)).handed_on == 0  # it waits for a person


def test_the_failed_list_shows_the_job_and_its_error_to_administrators(
        app, client, auth, application, in_db, run_jobs, mail):
    failed = fail_for_good(app, client, auth, application, in_db, run_jobs, mail)
    jobs = client.get("/api/v1/jobs", headers=auth("demo-admin")).json
    assert (jobs["waiting"], jobs["failed"]) == (0, 1)
    [shown] = jobs["failed_jobs"]
    assert (shown["id"], shown["job"], shown["attempts"]) == \
        (failed.id, "send_case_acknowledgement", MAX_ATTEMPTS)
    assert "Connection unexpectedly closed" in shown["last_error"]
    assert client.get("/api/v1/jobs", headers=auth("demo-officer")).status_code == 403


def test_an_administrator_retries_a_failed_job_and_it_sends_once(
        app, client, auth, application, in_db, run_jobs, mail):
    failed = fail_for_good(app, client, auth, application, in_db, run_jobs, mail)
    mail.restore()
    retried = client.post(f"/api/v1/jobs/{failed.id}/retry", headers=auth("demo-admin"))
    assert (retried.status_code, retried.json["attempts"], retried.json["failed_utc"]) == (200, 0, None)
    run_jobs()
    done = delivery(in_db)
    assert (done.completed_utc is not None, done.attempts) == (True, 1)
    assert in_db(lambda: db.session().exec(select(Notification)).one()).delivered_utc is not None
    again = client.post(f"/api/v1/jobs/{failed.id}/retry", headers=auth("demo-admin"))
    assert again.status_code == 409
    assert again.json["errors"] == [{
        "field": "id", "message": "Only a job in the failed list can be retried; this one is completed."}]


def test_the_failed_list_page_retries_a_job(app, client, auth, application, in_db, run_jobs, mail):
    from tests.web.browsing import Person

    failed = fail_for_good(app, client, auth, application, in_db, run_jobs, mail)
    mail.restore()
    admin = Person(app.test_client(), "demo-admin")
    assert "Connection unexpectedly closed" in admin.open("/jobs")
    admin.submit(f"/jobs/{failed.id}/retry", {}, form_page="/jobs")
    run_jobs()
    assert delivery(in_db).completed_utc is not None
    assert "No job has failed." in admin.open("/jobs")


def test_a_job_the_queue_lost_is_handed_on_again_and_runs_once(
        production, app, client, auth, application, in_db, run_jobs):
    submit_ifr(client, auth, application)
    Redis.from_url(app.config["IFR"].redis_url).flushdb()  # Redis restarted without its data
    assert relay(app, db.utc_now()).recovered == 0  # it may yet be starting
    assert relay(app, db.utc_now() + timedelta(minutes=1)).recovered == 1
    run_jobs()
    assert in_db(lambda: db.session().exec(select(Notification)).one()).delivered_utc is not None
    assert relay(app, db.utc_now() + timedelta(minutes=1)).recovered == 0


def test_a_job_a_worker_is_running_is_never_taken_for_lost(
        production, app, client, auth, application, in_db):
    submit_ifr(client, auth, application)
    Redis.from_url(app.config["IFR"].redis_url).flushdb()
    with app.extensions["ifr"].engine.connect() as worker:  # a worker holding the job's row lock
        worker.execute(text("SELECT id FROM outbox_message FOR UPDATE"))
        assert relay(app, db.utc_now() + timedelta(minutes=1)).recovered == 0
        worker.rollback()
