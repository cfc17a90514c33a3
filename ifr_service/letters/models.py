"""A letter, kept with the case, made once per event that calls for one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from ifr_service.db import utc_now


class Letter(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("case_id", "event_id"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="ifr_case.id", index=True)
    event_id: int = Field(foreign_key="case_event.id")
    kind: str = Field(max_length=60)
    title: str = Field(max_length=200)
    sha256: str = Field(max_length=64)
    size_bytes: int
    created_utc: datetime = Field(default_factory=utc_now)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
