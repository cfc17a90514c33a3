"""Users and their roles."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ifr_service.db import utc_now


class Role(StrEnum):
    CLINICIAN = "clinician"
    CASE_OFFICER = "case_officer"
    PANEL_CHAIR = "panel_chair"
    PANEL_MEMBER = "panel_member"
    CDF_ADMIN = "cdf_admin"
    CET_ANALYST = "cet_analyst"
    ADMIN = "admin"
    SYSTEM = "system"  # the service itself, acting on a clock (never signs in)


class User(SQLModel, table=True):
    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=100, unique=True)
    display_name: str = Field(max_length=200)
    email: str = Field(max_length=254)
    role: str = Field(max_length=30)
    # Clinicians belong to a provider trust (ODS code); hub staff to a hub.
    organisation_code: str | None = Field(default=None, max_length=10)
    organisation_name: str | None = Field(default=None, max_length=200)
    hub_id: int | None = Field(default=None, foreign_key="hub.id")
    # CDF administrators work for a region: they see its Cancer Drugs Fund applications.
    region_id: int | None = Field(default=None, foreign_key="region.id")
    # The hub's IFR lead: breaches of its clocks are escalated to them.
    leads_hub: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    is_active: bool = True
    created_utc: datetime = Field(default_factory=utc_now)

    @property
    def role_enum(self) -> Role:
        return Role(self.role)
