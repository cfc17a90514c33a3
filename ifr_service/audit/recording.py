"""Noting, during a request, each case a person reads, changes or is refused, and writing the
notes at its end (app.py's unit of work): with the change when the request succeeds, so the two
commit together; in a transaction of their own after the rollback when it fails, so a refusal is
kept although nothing else is."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from flask import g, has_request_context, request
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from ifr_service import db
from ifr_service.audit import queries
from ifr_service.audit.models import CHANGE, DENIED, LIST, READ, AuditEvent
from ifr_service.db import utc_now
from ifr_service.reference.models import Hub, Region
from ifr_service.reference.queries import find_organisation

log = logging.getLogger(__name__)

READ_METHODS = {"GET", "HEAD"}
# One row per case per request: the strongest of what happened to it.
STRENGTH = {READ: 0, CHANGE: 1, DENIED: 2}
PATH_LENGTH = AuditEvent.__table__.c.path.type.length


@dataclass(frozen=True)
class Note:
    username: str
    role: str
    action: str
    case_reference: str | None
    subject: str | None = None
    organisation: str | None = None


def note_case_seen(user, case, action: str | None = None) -> None:
    """Note that the request's person read or changed the case (by the request's method), or,
    with action=DENIED, was refused it."""
    if not has_request_context():
        return  # a job or a command: the service's own work, which the case's events record
    action = action or (READ if request.method in READ_METHODS else CHANGE)
    # The person whose request this is: the service's own steps inside it (a CDF decision, taken
    # as the system user) are taken on their behalf.
    person = g.get("user") or user
    notes = g.setdefault("audit_notes", {})
    earlier = notes.get(case.id)
    if earlier is not None and STRENGTH[earlier.action] > STRENGTH[action]:
        action = earlier.action
    # The latest reference: a draft submitted in this request is recorded by its new reference.
    notes[case.id] = Note(person.username, person.role, action, case.public_reference,
                          organisation=organisation_of(person))


def note_event(user, action: str, subject: str) -> None:
    """Note a row about no one case: LIST (a list viewed), EXPORT (a file downloaded) or ADMIN (a
    user or panel changed), `subject` naming what ("user:demo-officer"). Noted once per request."""
    if not has_request_context():
        return
    person = g.get("user") or user
    notes = g.setdefault("audit_notes", {})
    notes[(action, subject)] = Note(person.username, person.role, action, None, subject,
                                    organisation_of(person))


def note_cases_shown(user, cases: Iterable) -> None:
    """A list that shows identifiable patient data (a patient's name or NHS number beside each case):
    one read of each case on it. A list that shows none is `note_list_shown`."""
    for case in cases:
        note_case_seen(user, case, action=READ)


def note_list_shown(user, subject: str) -> None:
    """A list that shows no identifiable patient data (references, treatments, states and dates):
    one LIST row naming the list ("list:work-queue:london"), not a read of every case on it, which
    would bury the real reads (docs/security.md, "What counts as a read")."""
    note_event(user, LIST, subject)


def organisation_of(person) -> str | None:
    """The person's organisation as they act: their trust's ODS code (a clinician), their hub
    (hub staff), or their region (a CDF administrator). Worked out once per request."""
    if "audit_organisation" not in g:
        g.audit_organisation = _organisation(person)
    return g.audit_organisation


def _organisation(person) -> str | None:
    if getattr(person, "organisation_code", None):
        return f"trust:{person.organisation_code}"
    for kind, model, row_id in (("hub", Hub, getattr(person, "hub_id", None)),
                                ("region", Region, getattr(person, "region_id", None))):
        if row_id is not None:
            row = find_organisation(model, row_id)  # reference data, read once per process
            return f"{kind}:{row['code']}" if row else None
    return None


def take_notes() -> list[Note]:
    """The request's notes, taken once: anything noted later (a job run in-process after the
    commit) is the service's own work, not this person's."""
    return list(g.pop("audit_notes", {}).values())


def record_in_unit(notes: list[Note], status_code: int) -> None:
    if notes:
        queries.add_events(_events(notes, status_code))


def record_apart(engine: Engine, notes: list[Note], status_code: int) -> None:
    """For a failed request, whose own unit of work has been rolled back (so holds no lock). With the
    database down there is nowhere to keep it: that is logged, by case reference only."""
    if not notes:
        return
    try:
        with db.unit_of_work(engine):
            queries.add_events(_events(notes, status_code))
    except SQLAlchemyError as error:
        if not db.is_database_unavailable(error):
            raise
        log.warning("audit rows for %s not kept, the database being unavailable: %s",
                    sorted({note.case_reference or note.subject for note in notes}), type(error).__name__)


def _events(notes: list[Note], status_code: int) -> list[dict]:
    occurred_utc = utc_now()
    return [{"occurred_utc": occurred_utc, "username": note.username, "role": note.role,
             "action": note.action, "case_reference": note.case_reference,
             "subject": note.subject, "organisation": note.organisation, "what": request.endpoint or "",
             "method": request.method, "path": request.path[:PATH_LENGTH], "address": request.remote_addr,
             "status_code": status_code}
            for note in notes]
