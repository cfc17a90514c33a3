"""Notification jobs. Each takes ids, and sending twice is prevented by the notification record."""

from __future__ import annotations

from email.message import EmailMessage

from ifr_service.cases.queries import get_case_by_id
from ifr_service.jobs.queues import NOTIFICATIONS
from ifr_service.jobs.registry import job
from ifr_service.notifications.models import Notification
from ifr_service.notifications.queries import create_notification_once
from ifr_service.reference.queries import get_hub_by_id
from ifr_service.runtime import runtime

ACKNOWLEDGEMENT = "case_acknowledgement"


@job("send_case_acknowledgement", queue=NOTIFICATIONS)
def send_case_acknowledgement(case_id: int) -> None:
    """Tell the requesting clinician the hub has the application, by reference only.

    The email names no patient: it says where to read the case, so nothing
    identifiable travels outside the service.
    """
    case = get_case_by_id(case_id)
    recipient = case.answers["clinician"]["email"]
    hub = get_hub_by_id(case.hub_id)
    subject = f"Individual Funding Request {case.reference} received"
    body = (
        f"Dear {case.answers['clinician']['name']},\n\n"
        f"The {hub.name} specialised commissioning hub's IFR team has received your Individual "
        f"Funding Request {case.reference}, submitted on {case.submitted_utc:%d %B %Y}.\n\n"
        "The team will check the application and contact you if they need more information. "
        "You can follow the request in ifr-service using its reference.\n\n"
        "This message contains no patient information. Please quote the reference in any "
        "correspondence.\n\nNHS England Specialised Commissioning\n"
    )
    notification = Notification(case_id=case.id, kind=ACKNOWLEDGEMENT, recipient=recipient,
                                subject=subject, body=body)
    if not create_notification_once(notification):
        return  # already sent
    message = EmailMessage()
    message["From"] = runtime().config.mail_sender
    message["To"] = recipient
    message["Subject"] = subject
    message.set_content(body)
    runtime().mail.send(message)
