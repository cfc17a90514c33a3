"""A letter, kept with the case: one to the clinician for each event that calls for one, and one to
the patient beside it when they asked for copies."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from ifr_service.db import utc_now
from ifr_service.types import JsonDocument

CLINICIAN, PATIENT = "clinician", "patient"
RECIPIENTS = (CLINICIAN, PATIENT)


class Letter(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("case_id", "event_id", "recipient"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="ifr_case.id", index=True)
    event_id: int = Field(foreign_key="case_event.id")
    kind: str = Field(max_length=60)
    recipient: str = Field(default=CLINICIAN, max_length=20,
                           sa_column_kwargs={"server_default": CLINICIAN})
    title: str = Field(max_length=200)
    sha256: str = Field(max_length=64)
    size_bytes: int
    created_utc: datetime = Field(default_factory=utc_now)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    # What the letter says (letters.content.LetterContent as JSON): the PDF and the letter's page are
    # both drawn from it. None for letters made before it was kept (migration 0021).
    body: dict | None = Field(default=None, sa_column=Column(JsonDocument, nullable=True))

    @property
    def is_to_patient(self) -> bool:
        return self.recipient == PATIENT
