"""Policy development items, their history, and the library of published policies."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from ifr_service.db import utc_now
from ifr_service.types import JsonDocument


class PolicyItem(SQLModel, table=True):
    """One cohort (an intervention in an ICD-10 category) in the policy-development queue, with
    the evidence that put it there. Filed once; a cohort that grows updates its evidence."""

    __tablename__ = "policy_item"
    __table_args__ = (UniqueConstraint("intervention_key", "icd10_category"),)

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=20, unique=True)
    state: str = Field(max_length=40, index=True)
    intervention_key: str = Field(max_length=200)
    icd10_category: str = Field(max_length=3)
    title: str = Field(max_length=300)
    suggested_crg_code: str | None = Field(default=None, max_length=10)
    crg_code: str | None = Field(default=None, max_length=10)
    owner_id: int | None = Field(default=None, foreign_key="app_user.id")
    priority_score: float = Field(index=True)
    evidence: dict = Field(default_factory=dict, sa_column=Column(JsonDocument, nullable=False))
    due_on: date | None = None
    created_utc: datetime = Field(default_factory=utc_now)
    updated_utc: datetime = Field(default_factory=utc_now)


class PolicyEvent(SQLModel, table=True):
    """Append-only history of an item, written in the transaction of each change."""

    __tablename__ = "policy_event"
    __table_args__ = (UniqueConstraint("item_id", "sequence"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="policy_item.id", index=True)
    sequence: int
    name: str = Field(max_length=60)
    actor_id: int | None = Field(default=None, foreign_key="app_user.id")
    occurred_utc: datetime = Field(default_factory=utc_now)
    from_state: str | None = Field(default=None, max_length=40)
    to_state: str | None = Field(default=None, max_length=40)
    payload: dict = Field(default_factory=dict, sa_column=Column(JsonDocument, nullable=False))


class Policy(SQLModel, table=True):
    """A published national commissioning policy, policy statement or NICE technology appraisal: the
    library IFR screening and the clinician's "is this an IFR?" check match against. One the CET
    published through the service has its item; one published elsewhere (loaded by `ifr-service
    policies import`, policy/importer.py) has none, and cites its `source` and `source_url`.
    The interventions it covers are its PolicyIntervention rows; the diagnoses, `icd10_ranges`."""

    __tablename__ = "commissioning_policy"

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=20, unique=True)
    title: str = Field(max_length=300)
    intervention_key: str = Field(max_length=200, index=True)
    icd10_category: str = Field(max_length=3, index=True)
    position: str = Field(max_length=40)
    criteria: str = Field(max_length=5000)
    crg_code: str | None = Field(default=None, max_length=10)
    published_on: date
    item_id: int | None = Field(default=None, foreign_key="policy_item.id", unique=True)
    source: str | None = Field(default=None, max_length=500)  # where it was published, and seen
    is_demo: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    kind: str = Field(default="clinical_commissioning_policy", max_length=40,
                      sa_column_kwargs={"server_default": "clinical_commissioning_policy"})
    # [[first, last], ...] ICD-10 codes, each pair inclusive ("C18", "C20"; "C34.1", "C34.1"). None on a
    # policy published before migration 0031: it covers its one `icd10_category`.
    icd10_ranges: list | None = Field(default=None, sa_column=Column(JsonDocument, nullable=True))
    review_on: date | None = None
    withdrawn_on: date | None = None  # no longer in force from this day
    source_url: str | None = Field(default=None, max_length=500)


class PolicyIntervention(SQLModel, table=True):
    """One intervention a policy covers, by its key (ifr_service/interventions.py): each of its names
    and codes has a row, so a request finds it by any of them (an index, not a scan of the library)."""

    __tablename__ = "policy_intervention"
    __table_args__ = (UniqueConstraint("policy_id", "intervention_key"),)

    id: int | None = Field(default=None, primary_key=True)
    policy_id: int = Field(foreign_key="commissioning_policy.id", index=True)
    intervention_key: str = Field(max_length=200, index=True)
