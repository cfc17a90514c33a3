"""Notification jobs. Each takes ids, and sending twice is prevented by the notification record."""

from __future__ import annotations

from ifr_service.cases.clocks import signal_clocks
from ifr_service.cases.queries import get_case_by_id, get_event
from ifr_service.forms.answers import CLINICIAN_EMAIL, CLINICIAN_NAME, submitted_answer
from ifr_service.jobs.queues import NOTIFICATIONS
from ifr_service.jobs.registry import job
from ifr_service.notifications.models import Notification
from ifr_service.notifications.sending import send_now, send_once
from ifr_service.reference.queries import get_hub_by_id
from ifr_service.runtime import runtime

ACKNOWLEDGEMENT = "case_acknowledgement"


@job("send_case_acknowledgement", queue=NOTIFICATIONS)
def send_case_acknowledgement(case_id: int) -> None:
    """Tell the requesting clinician the hub has the application, by reference only.

    The email names no patient: it says where to read the case, so nothing
    identifiable travels outside the service. The job is the outbox's delivery of the submission, so
    it sends the email itself rather than queueing a second job; the clocks are signalled first, so
    the send comes last, just before the job's commit.
    """
    case = get_case_by_id(case_id)
    recipient = submitted_answer(case.answers, CLINICIAN_EMAIL)
    hub = get_hub_by_id(case.hub_id)
    subject = f"Individual Funding Request {case.reference} received"
    body = (
        f"Dear {submitted_answer(case.answers, CLINICIAN_NAME)},\n\n"
        f"The {hub.name} specialised commissioning hub's IFR team has received your Individual "
        f"Funding Request {case.reference}, submitted on {case.submitted_utc:%d %B %Y}.\n\n"
        "The team will check the application and contact you if they need more information. "
        "You can follow the request in ifr-service using its reference.\n\n"
        "This message contains no patient information. Please quote the reference in any "
        "correspondence.\n\nNHS England Specialised Commissioning\n"
    )
    signal_clocks(runtime().workflows[case.route], case, "acknowledgement_sent", runtime().now())
    send_now(Notification(case_id=case.id, kind=ACKNOWLEDGEMENT, recipient=recipient,
                          subject=subject, body=body))


@job("send_case_update", queue=NOTIFICATIONS)
def send_case_update(case_id: int, event_id: int) -> None:
    """Tell the requesting clinician that the case moved on and may need them; no patient details."""
    case = get_case_by_id(case_id)
    event = get_event(event_id)
    recipient = submitted_answer(case.answers, CLINICIAN_EMAIL)
    workflow = runtime().workflows[case.route]
    state = workflow.state(event.to_state)
    # An action that leaves the case where it is (a treatment-break request decided) is told by what
    # happened, not by the state it was already in.
    happened = event.name.replace("_", " ").capitalize() if event.from_state == event.to_state else None
    subject = f"{workflow.title} {case.reference}: {(happened or state.title).lower()}"
    approval = event.payload.get("approval_number")  # a CDF approval: the number invoices quote
    body = (
        f"Dear {submitted_answer(case.answers, CLINICIAN_NAME)},\n\n"
        + (f"{happened} on {workflow.title} {case.reference}; it remains: {state.title}.\n" if happened
           else f"{workflow.title} {case.reference} is now: {state.title}.\n{state.description}\n")
        + (f"Approval number: {approval}.\n" if approval else "") + "\n"
        "Sign in to ifr-service to read the details and to answer anything asked of you.\n\n"
        "This message contains no patient information. Please quote the reference in any "
        "correspondence.\n\nNHS England Specialised Commissioning\n"
    )
    send_once(Notification(case_id=case.id, kind=f"case_update:{event.id}", recipient=recipient,
                            subject=subject, body=body))
