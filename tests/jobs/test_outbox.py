"""Jobs are queued through the outbox: only after commit, once, and on a queue a worker serves."""

from __future__ import annotations

import inspect

import pytest
from sqlalchemy import event
from sqlmodel import select

from ifr_service import db
from ifr_service.cli import worker
from ifr_service.jobs.models import OutboxMessage
from ifr_service.jobs.outbox import queue_job, run_outbox_message
from ifr_service.jobs.queues import ALL_QUEUES
from ifr_service.jobs.registry import JOBS, get_job
from ifr_service.notifications.models import Notification
from tests.builders import submit_ifr, through_trust


@pytest.fixture
def mail_sent(app) -> list:
    """The emails the mail relay was given, in order (the relay still sends them on)."""
    runtime = app.extensions["ifr"]
    working, sent = runtime.mail, []

    class Recording:
        def send(self, message) -> None:
            sent.append(message)
            working.send(message)

    runtime.mail = Recording()
    yield sent
    runtime.mail = working


def test_every_job_names_a_queue_the_worker_listens_on():
    get_job("send_case_acknowledgement")  # registers the jobs
    assert JOBS
    assert {definition.queue for definition in JOBS.values()} <= set(ALL_QUEUES)
    assert "ALL_QUEUES" in inspect.getsource(worker.callback)


def test_a_job_queued_in_a_transaction_that_rolls_back_is_never_sent(app, client, auth,
                                                                      application, in_db):
    submit_ifr(client, auth, application)
    before = in_db(lambda: len(list(db.session().exec(select(OutboxMessage)))))
    with app.app_context():
        engine = app.extensions["ifr"].engine
        unit, token = db.begin(engine)
        try:
            queue_job("send_case_acknowledgement", case_id=1)
            unit.rollback()
        finally:
            db.end(unit, token)
    assert in_db(lambda: len(list(db.session().exec(select(OutboxMessage))))) == before


def test_running_a_completed_job_again_sends_nothing(app, client, auth, application, in_db,
                                                      run_jobs):
    submit_ifr(client, auth, application)
    run_jobs()
    message_id = in_db(lambda: db.session().exec(
        select(OutboxMessage).where(OutboxMessage.job == "send_case_acknowledgement")).one().id)
    with app.app_context():
        run_outbox_message(message_id)
    notifications = in_db(lambda: list(db.session().exec(select(Notification))))
    assert len(notifications) == 1
    assert notifications[0].delivered_utc is not None  # delivered once, by the same job
    message = in_db(lambda: db.session().get(OutboxMessage, message_id))
    assert message.completed_utc is not None
    assert message.attempts == 1


def test_an_acknowledgement_sent_again_by_its_job_is_not_sent_twice(app, client, auth, application,
                                                                     in_db, run_jobs, mail_sent):
    from ifr_service.notifications.jobs import send_case_acknowledgement

    submit_ifr(client, auth, application)
    run_jobs()
    notification = in_db(lambda: db.session().exec(select(Notification)).one())
    assert notification.delivered_utc is not None and len(mail_sent) == 1
    with app.app_context():
        in_db(send_case_acknowledgement, notification.case_id)  # the job run again, outside the outbox
    assert len(mail_sent) == 1  # the notification record stops the second send
    assert in_db(lambda: db.session().get(Notification, notification.id)).delivered_utc == \
        notification.delivered_utc


def test_a_submission_is_acknowledged_in_two_transactions(app, client, auth, application, run_jobs):
    """The submission's own, which queues the job already marked handed on, and the job's, which
    records the email, sends it and marks the job completed: no transaction just to mark it handed
    on, and no second job to deliver the email."""
    engine = app.extensions["ifr"].engine
    commits = []
    listener = lambda connection: commits.append(connection)  # noqa: E731
    sent = client.post("/api/v1/cases?submit=true", json=application, headers=auth("demo-clinician"))
    event.listen(engine, "commit", listener)
    try:  # the trust's approval submits it to NHS England
        response = through_trust(client, auth, sent)
        run_jobs()
    finally:
        event.remove(engine, "commit", listener)
    assert response.status_code == 201
    assert len(commits) == 2
