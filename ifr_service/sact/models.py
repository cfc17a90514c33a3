"""What an import of a SACT extract leaves: the import with its counts, and the rows it could not
record on an approval (each with why), which the CDF team's lists read."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from ifr_service.db import utc_now

UNMATCHED = "unmatched"  # a CDF-list drug given with no authorisation that covers it
REFUSED = "refused"  # matched to an authorisation, but its rules refuse the row (the start window)
EXCEPTION_KINDS = (UNMATCHED, REFUSED)


class SactImport(SQLModel, table=True):
    """One extract imported: the file (its name and SHA-256), when, and what became of its rows."""

    __tablename__ = "sact_import"

    id: int | None = Field(default=None, primary_key=True)
    file_name: str = Field(max_length=255)
    file_sha256: str = Field(max_length=64, index=True)
    imported_utc: datetime = Field(default_factory=utc_now)
    rows: int = 0
    matched: int = 0  # rows matched to an authorisation
    cycles_recorded: int = 0  # cycles new to the authorisation
    cycles_already_held: int = 0  # cycles an earlier extract (or this one) already recorded
    starts: int = 0
    stops: int = 0
    unmatched: int = 0
    refused: int = 0
    not_funded: int = 0  # a drug neither on the CDF list nor authorised: other SACT activity


class SactException(SQLModel, table=True):
    """A SACT row not recorded on an approval: treated without an approval (unmatched), or refused
    by the approval's rules (its reason). One row a cycle, whichever import first met it; a later
    import that records the cycle marks it resolved."""

    __tablename__ = "sact_exception"

    id: int | None = Field(default=None, primary_key=True)
    import_id: int = Field(foreign_key="sact_import.id", index=True)
    source_key: str = Field(max_length=50, unique=True)
    kind: str = Field(max_length=20)
    line: int
    nhs_number: str = Field(max_length=10, index=True)
    provider_org_code: str = Field(max_length=10)
    drug_name: str = Field(max_length=55)
    dmd_code: str | None = Field(default=None, max_length=18)
    entry_key: str | None = Field(default=None, max_length=60)  # the CDF list entry the drug is on
    administered_on: date
    cycle_number: int
    authorisation_id: int | None = Field(default=None, foreign_key="funding_authorisation.id")
    region_id: int | None = Field(default=None, foreign_key="region.id", index=True)
    reason: str = Field(max_length=500)
    recorded_utc: datetime = Field(default_factory=utc_now)
    resolved_import_id: int | None = Field(default=None, foreign_key="sact_import.id")
