"""A break in treatment, recorded by the clinician on a funding authorisation, and the request a
break longer than NHS England's policy allows needs (funding/breaks.py)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Index, text
from sqlmodel import Field, SQLModel

from ifr_service.db import utc_now
from ifr_service.types import JsonDocument

KINDS = ("planned", "unplanned")
REASONS = ("toxicity", "intercurrent_illness", "patient_choice", "planned_procedure", "other")
REQUEST_STATES = ("pending", "approved", "refused")


class TreatmentBreak(SQLModel, table=True):
    """One break: planned or unplanned, from when, when treatment is expected to restart and why.
    `request_state` is None for a break within the policy (no form needed); a longer break is a
    treatment-break request, pending until the CDF team (CDF) or the hub (IFR) decides it."""

    __tablename__ = "treatment_break"
    __table_args__ = (
        CheckConstraint("expected_restart_on > starts_on", name="restart_after_start"),
        CheckConstraint("kind IN ('planned', 'unplanned')", name="kind"),
        CheckConstraint("request_state IS NULL OR request_state IN ('pending', 'approved', 'refused')",
                        name="request_state"),
        # One request at a time waits for a decision on an authorisation.
        Index("uq_treatment_break_one_pending", "authorisation_id", unique=True,
              postgresql_where=text("request_state = 'pending'"),
              sqlite_where=text("request_state = 'pending'")),
    )

    id: int | None = Field(default=None, primary_key=True)
    authorisation_id: int = Field(foreign_key="funding_authorisation.id", index=True)
    kind: str = Field(max_length=10)
    starts_on: date
    expected_restart_on: date
    reason: str = Field(max_length=30)
    notes: str | None = Field(default=None, max_length=2000)
    recorded_by_id: int = Field(foreign_key="app_user.id")
    recorded_utc: datetime = Field(default_factory=utc_now)
    request_state: str | None = Field(default=None, max_length=10)
    criteria: dict | None = Field(default=None, sa_column=Column(JsonDocument, nullable=True))
    decided_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    decided_utc: datetime | None = None
    decision_reasons: str | None = Field(default=None, max_length=4000)
