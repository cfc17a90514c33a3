"""Users and their roles."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ifr_service.db import utc_now


class Role(StrEnum):
    CLINICIAN = "clinician"
    # The trust's chief pharmacist or clinical director, who signs its clinicians' IFRs off before
    # they go to NHS England (forms whose version is signed_off_by_trust; docs/workflows.md).
    TRUST_APPROVER = "trust_approver"
    CASE_OFFICER = "case_officer"
    PANEL_CHAIR = "panel_chair"
    PANEL_MEMBER = "panel_member"
    CDF_ADMIN = "cdf_admin"
    CET_ANALYST = "cet_analyst"
    # NHS England's specialised commissioning policy team: takes a cohort the CET proposes through the
    # method for national clinical policies, recording the Clinical Panel's, CPAG's and the commissioning
    # committee's outcomes (workflows/policy.yaml; docs/cet.md#the-policy-road)
    POLICY_LEAD = "policy_lead"
    # A hub's commissioning finance team: checks trusts' invoice schedules against the hub's funding
    # authorisations (invoices/; docs/after-approval/invoices.md). Sees no case.
    COMMISSIONING_FINANCE = "commissioning_finance"
    ADMIN = "admin"
    AUDITOR = "auditor"  # information governance: reads the audit log, never a case
    SYSTEM = "system"  # the service itself, acting on a clock (never signs in)


class User(SQLModel, table=True):
    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=100, unique=True)
    display_name: str = Field(max_length=200)
    email: str = Field(max_length=254)
    role: str = Field(max_length=30)
    # Clinicians and trust approvers belong to a provider trust (ODS code); hub staff to a hub.
    organisation_code: str | None = Field(default=None, max_length=10)
    organisation_name: str | None = Field(default=None, max_length=200)
    hub_id: int | None = Field(default=None, foreign_key="hub.id")
    # CDF administrators work for a region: they see its Cancer Drugs Fund applications.
    region_id: int | None = Field(default=None, foreign_key="region.id")
    # The hub's IFR lead: breaches of its clocks are escalated to them.
    leads_hub: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # A service administrator set the role and organisation here (users/service.py): signing in
    # keeps them, whatever the identity provider's claims say (identity/accounts.py).
    managed_here: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    is_active: bool = True
    created_utc: datetime = Field(default_factory=utc_now)

    @property
    def role_enum(self) -> Role:
        return Role(self.role)


class ApiClient(SQLModel, table=True):
    """A system that calls the API for itself (a trust's electronic patient record, say), with OAuth 2.0
    client credentials. It acts as its own user of this service (`user_id`: a clinician of its trust,
    named `client:<client_id>`), so every access rule of that role and organisation applies unchanged."""

    __tablename__ = "api_client"

    id: int | None = Field(default=None, primary_key=True)
    client_id: str = Field(max_length=60, unique=True)
    secret_hash: str = Field(max_length=255)  # scrypt, salted: the secret itself is never kept
    name: str = Field(max_length=200)
    user_id: int = Field(foreign_key="app_user.id", unique=True)
    is_active: bool = True
    created_utc: datetime = Field(default_factory=utc_now)
    revoked_utc: datetime | None = None


class PageSession(SQLModel, table=True):
    """A sign-in to the pages, kept on the server so that signing out ends it. The browser's session
    cookie carries a random token; the row keeps only its SHA-256. A cookie whose row has ended (the
    person signed out, here or everywhere) or is past the absolute limit signs nobody in, however
    well it is signed."""

    __tablename__ = "page_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    signed_in_utc: datetime = Field(default_factory=utc_now)
    ended_utc: datetime | None = None
