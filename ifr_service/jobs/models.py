"""The transactional outbox: a job is a row written with the change that needs it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from ifr_service.db import utc_now
from ifr_service.types import JsonDocument


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, primary_key=True)
    job: str = Field(max_length=100)
    queue: str = Field(max_length=50)
    payload: dict = Field(default_factory=dict, sa_column=Column(JsonDocument, nullable=False))
    created_utc: datetime = Field(default_factory=utc_now, index=True)
    dispatched_utc: datetime | None = None
    completed_utc: datetime | None = Field(default=None, index=True)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=2000)
