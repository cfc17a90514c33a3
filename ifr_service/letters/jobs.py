"""The letter job: draw up and render the letters an event calls for, keep them with the case, tell
the clinician theirs is ready. The patient's letter (when they asked for copies) is kept beside it
for the IFR team to post: the service holds no way to send it to the patient itself."""

from __future__ import annotations

import hashlib

from ifr_service.cases.clocks import signal_clocks
from ifr_service.cases.queries import get_case_by_id, get_event
from ifr_service.forms.answers import CLINICIAN_EMAIL, CLINICIAN_NAME, submitted_answer
from ifr_service.jobs.queues import LETTERS
from ifr_service.jobs.registry import job
from ifr_service.letters import queries
from ifr_service.letters.body import LetterContent, from_json, to_json
from ifr_service.letters.content import letter_content, letters_for
from ifr_service.letters.models import CLINICIAN, Letter
from ifr_service.letters.render import render_letter
from ifr_service.notifications.models import Notification
from ifr_service.notifications.sending import send_once
from ifr_service.runtime import runtime


def make_letters(case_id: int, event_id: int) -> list[tuple[Letter, bytes]]:
    """The letters for an event, drawn up from what is stored: the same bytes every time."""
    case, event = get_case_by_id(case_id), get_event(event_id)
    return [_letter(case.id, event.id, event.name, content)
            for content in letters_for(runtime().workflows[case.route], case, event)]


def make_letter(case_id: int, event_id: int, recipient: str = CLINICIAN) -> tuple[Letter, bytes]:
    case, event = get_case_by_id(case_id), get_event(event_id)
    content = letter_content(runtime().workflows[case.route], case, event, recipient)
    return _letter(case.id, event.id, event.name, content)


def _letter(case_id: int, event_id: int, kind: str, content: LetterContent) -> tuple[Letter, bytes]:
    pdf = render_letter(content)
    return Letter(case_id=case_id, event_id=event_id, kind=kind, recipient=content.recipient,
                  title=content.title, sha256=hashlib.sha256(pdf).hexdigest(), size_bytes=len(pdf),
                  content=pdf, body=to_json(content)), pdf


def stored_content(letter: Letter) -> LetterContent:
    """What a stored letter says: its kept body, or, for a letter made before bodies were kept, the
    same content drawn up again from the case and event."""
    if letter.body is not None:
        return from_json(letter.body)
    case, event = get_case_by_id(letter.case_id), get_event(letter.event_id)
    return letter_content(runtime().workflows[case.route], case, event, letter.recipient)


def render_stored(letter: Letter) -> bytes:
    """The letter's PDF rendered again from its kept body alone: equal to `letter.content`."""
    return render_letter(stored_content(letter))


@job("prepare_letter", queue=LETTERS)
def prepare_letter(case_id: int, event_id: int) -> None:
    made = {letter.recipient for letter in queries.find_letters_for_event(case_id, event_id)}
    for letter, _ in make_letters(case_id, event_id):
        if letter.recipient in made or not queries.create_letter_once(letter):
            continue
        if letter.recipient == CLINICIAN:
            _tell_clinician(case_id, letter)


def _tell_clinician(case_id: int, letter: Letter) -> None:
    case = get_case_by_id(case_id)
    signal_clocks(runtime().workflows[case.route], case, "letter_sent", runtime().now())
    email = submitted_answer(case.answers, CLINICIAN_EMAIL)
    name = submitted_answer(case.answers, CLINICIAN_NAME)
    send_once(Notification(
        case_id=case.id, kind=f"letter:{letter.id}", recipient=email,
        subject=f"Individual Funding Request {case.reference}: {letter.title.lower()}",
        body=(f"Dear {name},\n\nA letter about Individual Funding Request "
              f"{case.reference} is ready: {letter.title}.\n\nSign in to ifr-service to read and "
              "download it. This message contains no patient information.\n\n"
              "NHS England Specialised Commissioning\n"),
    ))
