"""Jobs are queued through the outbox: only after commit, once, and on a queue a worker serves."""

from __future__ import annotations

import inspect

from sqlmodel import select

from ifr_service import db
from ifr_service.cli import worker
from ifr_service.jobs.models import OutboxMessage
from ifr_service.jobs.outbox import queue_job, run_outbox_message
from ifr_service.jobs.queues import ALL_QUEUES
from ifr_service.jobs.registry import JOBS, get_job
from ifr_service.notifications.models import Notification


def test_every_job_names_a_queue_the_worker_listens_on():
    get_job("send_case_acknowledgement")  # registers the jobs
    assert JOBS
    assert {definition.queue for definition in JOBS.values()} <= set(ALL_QUEUES)
    assert "ALL_QUEUES" in inspect.getsource(worker.callback)


def test_a_job_queued_in_a_transaction_that_rolls_back_is_never_sent(app, client, auth,
                                                                      application, in_db):
    client.post("/api/v1/cases?submit=true", json=application, headers=auth("demo-clinician"))
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
    client.post("/api/v1/cases?submit=true", json=application, headers=auth("demo-clinician"))
    run_jobs()
    message_id = in_db(lambda: db.session().exec(
        select(OutboxMessage).where(OutboxMessage.job == "send_case_acknowledgement")).one().id)
    with app.app_context():
        run_outbox_message(message_id)
    notifications = in_db(lambda: list(db.session().exec(select(Notification))))
    assert len(notifications) == 1
    assert notifications[0].delivered_utc is not None  # delivered once, by its own job
    message = in_db(lambda: db.session().get(OutboxMessage, message_id))
    assert message.completed_utc is not None
    assert message.attempts == 1


def test_a_message_is_delivered_after_its_change_commits_and_only_once(app, client, auth, application,
                                                                       in_db, run_jobs):
    from ifr_service.notifications.sending import deliver_notification

    client.post("/api/v1/cases?submit=true", json=application, headers=auth("demo-clinician"))
    run_jobs()
    notification = in_db(lambda: db.session().exec(select(Notification)).one())
    assert notification.delivered_utc is not None
    with app.app_context():
        in_db(deliver_notification, notification.id)  # a retry after delivery sends nothing
    assert in_db(lambda: db.session().get(Notification, notification.id)).delivered_utc == \
        notification.delivered_utc
