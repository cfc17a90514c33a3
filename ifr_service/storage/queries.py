"""Reads of the stored files for verification: their records without bytes, then their bytes by id
range, so that only one batch's files are ever in memory; and the record counts of a backup."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ifr_service import db
from ifr_service.cases.models import Attachment, AttachmentContent, Case, CaseEvent
from ifr_service.cdf.models import CdfApplication
from ifr_service.jobs.models import OutboxMessage
from ifr_service.letters.models import Letter

ATTACHMENT = "attachment"
LETTER = "letter"


@dataclass(frozen=True)
class StoredFile:
    """A file's record: what its bytes should be. `name` is the attachment's filename or the
    letter's title; nothing about the patient."""

    kind: str
    id: int
    case_reference: str
    name: str
    size_bytes: int
    sha256: str


def _reference():
    return func.coalesce(Case.reference, Case.draft_reference)


def find_attachment_records(after_id: int, limit: int) -> list[StoredFile]:
    """The next attachments' records after `after_id`, in id order, without their bytes."""
    query = (select(Attachment.id, _reference(), Attachment.filename, Attachment.size_bytes,
                    Attachment.sha256)
             .join(Case, Case.id == Attachment.case_id)
             .where(Attachment.id > after_id).order_by(Attachment.id).limit(limit))
    return [StoredFile(ATTACHMENT, *row) for row in db.session().execute(query)]


def find_letter_records(after_id: int, limit: int) -> list[StoredFile]:
    """The next letters' records after `after_id`, in id order, without their PDFs."""
    query = (select(Letter.id, _reference(), Letter.title, Letter.size_bytes, Letter.sha256)
             .join(Case, Case.id == Letter.case_id)
             .where(Letter.id > after_id).order_by(Letter.id).limit(limit))
    return [StoredFile(LETTER, *row) for row in db.session().execute(query)]


def find_attachment_contents(first_id: int, last_id: int) -> dict[int, bytes]:
    """The bytes of the attachments with ids from `first_id` to `last_id`; a missing content row
    is missing from the answer."""
    query = (select(AttachmentContent.attachment_id, AttachmentContent.content)
             .where(AttachmentContent.attachment_id.between(first_id, last_id)))
    return {row[0]: row[1] for row in db.session().execute(query)}


def find_letter_contents(first_id: int, last_id: int) -> dict[int, bytes]:
    """The PDFs of the letters with ids from `first_id` to `last_id`."""
    query = select(Letter.id, Letter.content).where(Letter.id.between(first_id, last_id))
    return {row[0]: row[1] for row in db.session().execute(query)}


COUNTED = {
    "cases": Case,
    "case_events": CaseEvent,
    "cdf_applications": CdfApplication,
    "outbox_messages": OutboxMessage,
    "letters": Letter,
    "attachments": Attachment,
}


def count_records() -> dict[str, int]:
    """How many cases, events, CDF applications, outbox messages, letters and attachments there
    are: what a restore must bring back."""
    return {name: db.session().execute(select(func.count()).select_from(model)).scalar_one()
            for name, model in COUNTED.items()}
