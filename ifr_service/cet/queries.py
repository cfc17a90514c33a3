"""Reads and writes of cohort referrals."""

from __future__ import annotations

from sqlmodel import select

from ifr_service import db
from ifr_service.cet.models import CohortReferral, NationalCase


def create_referral_once(referral: CohortReferral) -> bool:
    return db.insert_once(referral)


def find_referrals(status: str | None = None) -> list[CohortReferral]:
    query = select(CohortReferral).order_by(CohortReferral.referred_utc.desc())
    if status is not None:
        query = query.where(CohortReferral.status == status)
    return list(db.session().exec(query))


def find_imported_case() -> NationalCase | None:
    """Any case of the national database that came from an import rather than from this service."""
    return db.session().exec(select(NationalCase).where(NationalCase.case_id.is_(None)).limit(1)).first()
