"""The transactional outbox: a job is a row written with the change that needs it.

A message is, in turn: waiting (`dispatched_utc` empty, due at `next_attempt_utc` or at once),
dispatched (handed to the queue), and then completed, or back to waiting after a failure with a
back-off, or failed for good (`failed_utc`) after its last attempt, in the failed list until an
administrator retries it.
"""

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
    next_attempt_utc: datetime | None = None
    completed_utc: datetime | None = Field(default=None, index=True)
    failed_utc: datetime | None = Field(default=None, index=True)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=2000)

    @property
    def is_open(self) -> bool:
        """Neither completed nor failed for good: the relay still owes it a run."""
        return self.completed_utc is None and self.failed_utc is None
