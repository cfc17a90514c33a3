"""Send a message once: recorded first, so a retried job never sends it twice."""

from __future__ import annotations

from email.message import EmailMessage

from ifr_service.notifications.models import Notification
from ifr_service.notifications.queries import create_notification_once
from ifr_service.runtime import runtime


def send_once(notification: Notification) -> bool:
    """Record the message, then send it; False if the same message was recorded already."""
    if not create_notification_once(notification):
        return False
    message = EmailMessage()
    message["From"] = runtime().config.mail_sender
    message["To"] = notification.recipient
    message["Subject"] = notification.subject
    message.set_content(notification.body)
    runtime().mail.send(message)
    return True
