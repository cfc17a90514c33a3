"""Invoice schedules a commissioner checked, and each of their lines with its outcome.

Kept so that a challenge can be looked at again, and so that a line accepted once counts against its
authorisation's cost cap, and is not paid twice, when the next schedule is checked. Checking writes
these rows and nothing else (docs/after-approval/invoices.md).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Column, Index, Numeric
from sqlmodel import Field, SQLModel

from ifr_service.db import utc_now
from ifr_service.types import JsonDocument

ACCEPTED = "accepted"
CHALLENGED = "challenged"


class InvoiceSchedule(SQLModel, table=True):
    __tablename__ = "invoice_schedule"

    id: int | None = Field(default=None, primary_key=True)
    filename: str = Field(max_length=200)
    provider_code: str = Field(max_length=10, index=True)  # the trust whose schedule it is
    # Whose approvals it was checked against: a region's CDF team, or a hub's commissioning finance.
    region_id: int | None = Field(default=None, foreign_key="region.id", index=True)
    hub_id: int | None = Field(default=None, foreign_key="hub.id", index=True)
    route: str | None = Field(default=None, max_length=10)  # "cdf" for a CDF team's; None: every route
    checked_by_id: int | None = Field(default=None, foreign_key="app_user.id")  # None: the command
    checked_on: date  # the service's day, which no treatment date may be after
    checked_utc: datetime = Field(default_factory=utc_now)
    line_count: int
    accepted_count: int
    challenged_count: int
    accepted_pence: int = Field(sa_column=Column(BigInteger, nullable=False))
    challenged_pence: int = Field(sa_column=Column(BigInteger, nullable=False))


class InvoiceLine(SQLModel, table=True):
    __tablename__ = "invoice_line"
    # An invoice line accepted before, from the same trust, is challenged as billed before.
    __table_args__ = (Index("ix_invoice_line_provider_invoice", "provider_code", "invoice_number",
                            "line_number"),)

    id: int | None = Field(default=None, primary_key=True)
    schedule_id: int = Field(foreign_key="invoice_schedule.id", index=True)
    row: int  # the line of the file
    provider_code: str = Field(max_length=10)
    invoice_number: str = Field(max_length=30)
    line_number: int
    nhs_number: str = Field(max_length=10)
    authorisation_reference: str = Field(max_length=20)
    # The authorisation it was checked against; None when the reference was none of the checker's.
    authorisation_id: int | None = Field(default=None, foreign_key="funding_authorisation.id", index=True)
    treatment: str = Field(max_length=200)
    dmd_code: str | None = Field(default=None, max_length=18)
    treatment_date: date
    quantity: Decimal = Field(sa_column=Column(Numeric(9, 3), nullable=False))
    amount_pence: int
    commissioner_code: str = Field(max_length=60)
    outcome: str = Field(max_length=12)  # accepted | challenged
    # Each reason to challenge: [{"kind": "over_cost_cap", "words": "..."}], empty when accepted.
    reasons: list = Field(default_factory=list, sa_column=Column(JsonDocument, nullable=False))
