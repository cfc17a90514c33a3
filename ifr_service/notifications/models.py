"""A record of every message sent, which also makes sending idempotent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from ifr_service.db import utc_now


class Notification(SQLModel, table=True):
    """A message to one person, recorded with the change that calls for it and delivered by a job
    after that change commits; the record also makes sure the same message is never sent twice."""

    __table_args__ = (UniqueConstraint("case_id", "kind", "recipient"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="ifr_case.id", index=True)
    kind: str = Field(max_length=60)  # what the message is, and for case updates which event
    recipient: str = Field(max_length=254)
    subject: str = Field(max_length=300)
    body: str
    recorded_utc: datetime = Field(default_factory=utc_now)
    delivered_utc: datetime | None = None
