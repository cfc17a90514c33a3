"""The letter job: render the PDF, keep it with the case, tell the clinician it is ready."""

from __future__ import annotations

import hashlib

from ifr_service.cases.clocks import signal_clocks
from ifr_service.cases.queries import get_case_by_id, get_event
from ifr_service.jobs.queues import LETTERS
from ifr_service.jobs.registry import job
from ifr_service.letters import queries
from ifr_service.letters.content import letter_content
from ifr_service.letters.models import Letter
from ifr_service.letters.render import render_letter
from ifr_service.notifications.models import Notification
from ifr_service.notifications.sending import send_once
from ifr_service.runtime import runtime


def make_letter(case_id: int, event_id: int) -> tuple[Letter, bytes]:
    """The letter for an event, rendered from what is stored: the same bytes every time."""
    case, event = get_case_by_id(case_id), get_event(event_id)
    content = letter_content(runtime().workflows[case.route], case, event)
    pdf = render_letter(content)
    letter = Letter(case_id=case.id, event_id=event.id, kind=event.name, title=content.title,
                    sha256=hashlib.sha256(pdf).hexdigest(), size_bytes=len(pdf), content=pdf)
    return letter, pdf


@job("prepare_letter", queue=LETTERS)
def prepare_letter(case_id: int, event_id: int) -> None:
    if queries.find_letter_for_event(case_id, event_id) is not None:
        return
    letter, _ = make_letter(case_id, event_id)
    if not queries.create_letter_once(letter):
        return
    case = get_case_by_id(case_id)
    signal_clocks(runtime().workflows[case.route], case, "letter_sent", runtime().now())
    clinician = case.answers["clinician"]
    send_once(Notification(
        case_id=case.id, kind=f"letter:{letter.id}", recipient=clinician["email"],
        subject=f"Individual Funding Request {case.reference}: {letter.title.lower()}",
        body=(f"Dear {clinician['name']},\n\nA letter about Individual Funding Request "
              f"{case.reference} is ready: {letter.title}.\n\nSign in to ifr-service to read and "
              "download it. This message contains no patient information.\n\n"
              "NHS England Specialised Commissioning\n"),
    ))
