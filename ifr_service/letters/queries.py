"""Reads and writes of letters."""

from __future__ import annotations

from sqlalchemy.orm import defer
from sqlmodel import select

from ifr_service import db
from ifr_service.errors import NotFound
from ifr_service.letters.models import Letter


def find_letters(case_id: int) -> list[Letter]:
    """A case's letters, without their PDFs or bodies."""
    query = (select(Letter).where(Letter.case_id == case_id).order_by(Letter.id)
             .options(defer(Letter.content), defer(Letter.body)))
    return list(db.session().exec(query))


def find_letters_for_event(case_id: int, event_id: int) -> list[Letter]:
    query = (select(Letter).where(Letter.case_id == case_id, Letter.event_id == event_id)
             .options(defer(Letter.content), defer(Letter.body)))
    return list(db.session().exec(query))


def get_letter(case_id: int, letter_id: int) -> Letter:
    letter = db.session().get(Letter, letter_id)
    if letter is None or letter.case_id != case_id:
        raise NotFound("There is no such letter on this case.", field="letter_id")
    return letter


def create_letter_once(letter: Letter) -> bool:
    return db.insert_once(letter)
