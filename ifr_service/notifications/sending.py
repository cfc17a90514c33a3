"""Messages are recorded in the transaction that calls for them and delivered after it commits.

`send_once` records the message (once: the same case, kind and recipient are never recorded twice)
and queues its delivery through the outbox, so no email leaves for a change that rolled back and
no email holds a database lock while a mail relay answers.

`send_now` is for a job that is itself the outbox's delivery of a committed change (the
acknowledgement): it records the message and sends it in the job's own transaction, which saves the
second job and its transactions. The record still makes it once: a rerun finds it and sends nothing.
"""

from __future__ import annotations

from email.message import EmailMessage

from ifr_service.db import utc_now
from ifr_service.jobs.outbox import queue_job
from ifr_service.jobs.queues import NOTIFICATIONS
from ifr_service.jobs.registry import job
from ifr_service.notifications.models import Notification
from ifr_service.notifications.queries import create_notification_once, get_notification
from ifr_service.runtime import runtime


def send_once(notification: Notification) -> bool:
    """Record the message and queue its delivery; False if it was recorded already."""
    if not create_notification_once(notification):
        return False
    queue_job("deliver_notification", notification_id=notification.id)
    return True


def send_now(notification: Notification) -> bool:
    """Record the message and send it at once, from a job; False if it was recorded already.

    Call it last in the job: the job's commit follows the send, and the only way left to send twice
    is a send that succeeded followed by a commit that failed (decisions/0005).
    """
    if not create_notification_once(notification):
        return False
    _deliver(notification)
    return True


@job("deliver_notification", queue=NOTIFICATIONS)
def deliver_notification(notification_id: int) -> None:
    notification = get_notification(notification_id)
    if notification.delivered_utc is not None:
        return
    _deliver(notification)


def _deliver(notification: Notification) -> None:
    message = EmailMessage()
    message["From"] = runtime().config.mail_sender
    message["To"] = notification.recipient
    message["Subject"] = notification.subject
    message.set_content(notification.body)
    runtime().mail.send(message)
    notification.delivered_utc = utc_now()
