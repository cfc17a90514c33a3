"""Reads and writes of treatment breaks. Only this module touches their table."""

from __future__ import annotations

from sqlmodel import select

from ifr_service import db
from ifr_service.treatment_breaks.models import TreatmentBreak


def create_break(row: TreatmentBreak) -> TreatmentBreak:
    db.session().add(row)
    db.session().flush()
    return row


def find_breaks(authorisation_id: int) -> list[TreatmentBreak]:
    """The authorisation's breaks, in the order they started."""
    query = (select(TreatmentBreak).where(TreatmentBreak.authorisation_id == authorisation_id)
             .order_by(TreatmentBreak.starts_on, TreatmentBreak.id))
    return list(db.session().exec(query))


def find_pending_request(authorisation_id: int, for_update: bool = False) -> TreatmentBreak | None:
    query = select(TreatmentBreak).where(TreatmentBreak.authorisation_id == authorisation_id,
                                         TreatmentBreak.request_state == "pending")
    if for_update:
        query = query.with_for_update()
    return db.session().exec(query).first()
