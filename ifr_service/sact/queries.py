"""Reads and writes of SACT imports and their exceptions, and the reads behind the CDF team's lists.
Only this module touches their tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, exists, func
from sqlmodel import select

from ifr_service import db
from ifr_service.cases.models import Case
from ifr_service.cdf.models import CdfApplication
from ifr_service.funding.models import FundingAuthorisation, TreatmentCycle
from ifr_service.sact.models import SactException, SactImport

# A list page shows at most this many rows (newest first) and says when there are more.
LIST_LIMIT = 1_000


def create_import(row: SactImport) -> SactImport:
    db.session().add(row)
    db.session().flush()
    return row


def find_latest_import() -> SactImport | None:
    return db.session().exec(select(SactImport).order_by(SactImport.id.desc()).limit(1)).first()


def find_imports(limit: int = 100) -> list[SactImport]:
    return list(db.session().exec(select(SactImport).order_by(SactImport.id.desc()).limit(limit)))


def find_exception(source_key: str) -> SactException | None:
    return db.session().exec(select(SactException).where(SactException.source_key == source_key)).first()


def create_exception(row: SactException) -> SactException:
    db.session().add(row)
    db.session().flush()
    return row


def find_exceptions(kind: str, region_id: int | None) -> list[SactException]:
    """The open exceptions of one kind, newest treatment first: a region's, or all (None)."""
    query = select(SactException).where(SactException.kind == kind,
                                        SactException.resolved_import_id.is_(None))
    if region_id is not None:
        query = query.where(SactException.region_id == region_id)
    query = query.order_by(SactException.administered_on.desc(), SactException.id.desc())
    return list(db.session().exec(query.limit(LIST_LIMIT + 1)))


def find_region_of_patient_or_trust(nhs_number: str, provider_org_code: str) -> int | None:
    """The region whose CDF team should hear of a patient treated without an approval: the region of
    the patient's newest authorisation, else of the trust's newest CDF case, else none (national)."""
    session = db.session()
    region = session.exec(select(FundingAuthorisation.region_id)
                          .where(FundingAuthorisation.nhs_number == nhs_number,
                                 FundingAuthorisation.region_id.is_not(None))
                          .order_by(FundingAuthorisation.issued_on.desc()).limit(1)).first()
    if region is not None:
        return region
    return session.exec(select(Case.region_id)
                        .where(Case.provider_org_code == provider_org_code, Case.route == "cdf",
                               Case.region_id.is_not(None))
                        .order_by(Case.id.desc()).limit(1)).first()


def _has_sact_cycle():
    return exists().where(TreatmentCycle.authorisation_id == FundingAuthorisation.id,
                          TreatmentCycle.source == "sact")


def find_never_started(today: date, no_data_since: date, region_id: int | None) -> list[FundingAuthorisation]:
    """CDF authorisations approved and never started: past their start window with no start and no
    stop recorded, or in force and issued on or before `no_data_since` with no SACT cycle."""
    window_passed = ((FundingAuthorisation.started_on.is_(None)) & (FundingAuthorisation.stopped_on.is_(None))
                     & (FundingAuthorisation.start_by < today))
    no_data = ((FundingAuthorisation.status == "in_force") & (FundingAuthorisation.issued_on <= no_data_since)
               & ~_has_sact_cycle())
    query = select(FundingAuthorisation).where(FundingAuthorisation.route == "cdf", window_passed | no_data)
    if region_id is not None:
        query = query.where(FundingAuthorisation.region_id == region_id)
    query = query.order_by(FundingAuthorisation.issued_on, FundingAuthorisation.id)
    return list(db.session().exec(query.limit(LIST_LIMIT + 1)))


def find_sact_authorisation_ids(authorisation_ids: list[int]) -> set[int]:
    """Which of these authorisations hold a cycle from SACT."""
    if not authorisation_ids:
        return set()
    query = (select(TreatmentCycle.authorisation_id).distinct()
             .where(TreatmentCycle.authorisation_id.in_(authorisation_ids), TreatmentCycle.source == "sact"))
    return set(db.session().exec(query))


@dataclass(frozen=True)
class Completeness:
    entry_key: str
    approvals: int
    with_sact: int
    with_outcome: int


def count_completeness(region_id: int | None) -> list[Completeness]:
    """For each CDF list entry: its approvals (authorisations), how many hold SACT treatment data, and
    how many have a stop (the outcome) recorded."""
    sact = func.sum(case((_has_sact_cycle(), 1), else_=0))
    stopped = func.count(FundingAuthorisation.stopped_on)
    query = (select(CdfApplication.entry_key, func.count(FundingAuthorisation.id), sact, stopped)
             .join(CdfApplication, CdfApplication.case_id == FundingAuthorisation.case_id)
             .where(FundingAuthorisation.route == "cdf"))
    if region_id is not None:
        query = query.where(FundingAuthorisation.region_id == region_id)
    query = query.group_by(CdfApplication.entry_key).order_by(CdfApplication.entry_key)
    return [Completeness(key, approvals, int(with_sact or 0), with_outcome)
            for key, approvals, with_sact, with_outcome in db.session().exec(query)]

