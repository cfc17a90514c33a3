"""Commissioning structures as dated reference data.

Organisations change (area teams became hubs, CCGs merged into ICBs), so every
row carries `valid_from`/`valid_to` and the seed section it came from: a new
structure is loaded as data, never written as code.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class Dated(SQLModel):
    valid_from: date
    valid_to: date | None = None
    source: str = Field(max_length=300)

    def is_valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class Region(Dated, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=60, unique=True)
    name: str = Field(max_length=200)


class Hub(Dated, table=True):
    """A specialised commissioning hub; each belongs to one region."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=60, unique=True)
    name: str = Field(max_length=200)
    region_id: int = Field(foreign_key="region.id", index=True)
    # How to reach the hub's IFR team: printed on every letter (reference/data/hubs.yaml).
    ifr_email: str | None = Field(default=None, max_length=200)
    ifr_telephone: str | None = Field(default=None, max_length=40)
    ifr_address: str | None = Field(default=None, max_length=300)


class Provider(Dated, table=True):
    """A provider of NHS care that treats patients and invoices for it (an NHS trust), by its ODS
    code: what pages show a case's `provider_org_code` as (reference/data/providers.yaml)."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=10, unique=True)
    name: str = Field(max_length=200)


class Commissioner(Dated, table=True):
    """A commissioning organisation a patient belongs to (a CCG, later an ICB)."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=60, unique=True)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=20)


class CommissionerHub(Dated, table=True):
    """Which hub serves a commissioner's patients, and for which dates."""

    __tablename__ = "commissioner_hub"
    __table_args__ = (UniqueConstraint("commissioner_id", "hub_id", "valid_from"),)

    id: int | None = Field(default=None, primary_key=True)
    commissioner_id: int = Field(foreign_key="commissioner.id", index=True)
    hub_id: int = Field(foreign_key="hub.id", index=True)


class ProgrammeOfCare(Dated, table=True):
    __tablename__ = "programme_of_care"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=60, unique=True)
    name: str = Field(max_length=200)
    description: str | None = Field(default=None, max_length=500)


class ClinicalReferenceGroup(Dated, table=True):
    """A CRG under a Programme of Care. Codes are as printed; two CRGs share MSD."""

    __tablename__ = "clinical_reference_group"
    __table_args__ = (UniqueConstraint("programme_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str | None = Field(default=None, max_length=10, index=True)
    name: str = Field(max_length=200)
    programme_id: int = Field(foreign_key="programme_of_care.id", index=True)
    new_for_2013: bool = False
    note: str | None = Field(default=None, max_length=300)
