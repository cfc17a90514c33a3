"""Reads and writes of cohort referrals and of exports made in the background."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, or_
from sqlalchemy.orm import defer
from sqlmodel import col, select

from ifr_service import db
from ifr_service.cet.models import CetExport, CohortReferral, NationalCase
from ifr_service.errors import NotFound
from ifr_service.reference.models import ClinicalReferenceGroup


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


def find_crg_choices() -> list[tuple[str, str]]:
    """The Clinical Reference Groups that have a code, as (code, name), once per code: two CRGs share MSD."""
    query = (select(ClinicalReferenceGroup.code, ClinicalReferenceGroup.name)
             .where(ClinicalReferenceGroup.code.is_not(None))
             .order_by(ClinicalReferenceGroup.code, ClinicalReferenceGroup.name))
    names: dict[str, list[str]] = {}
    for code, name in db.session().exec(query):
        if name not in names.setdefault(code, []):
            names[code].append(name)
    return [(code, " / ".join(found)) for code, found in names.items()]


def create_export(item: CetExport) -> CetExport:
    db.session().add(item)
    db.session().flush()
    return item


def get_export(export_id: int, with_content: bool = False) -> CetExport:
    """An export by id (NotFound otherwise); its file only when asked for, so a look at its
    progress never reads the file."""
    query = select(CetExport).where(CetExport.id == export_id)
    if not with_content:
        query = query.options(defer(CetExport.content))
    item = db.session().exec(query).first()
    if item is None:
        raise NotFound("No such export.", field="export_id")
    return item


def find_exports_to_expire(cutoff: datetime) -> list[CetExport]:
    """Exports made before `cutoff`, and failed ones asked for before it, not yet expired."""
    query = select(CetExport).options(defer(CetExport.content)).where(or_(
        and_(CetExport.status == "ready", col(CetExport.completed_utc) < cutoff),
        and_(CetExport.status == "failed", col(CetExport.requested_utc) < cutoff)))
    return list(db.session().exec(query))


def find_intervention_names(keys: set[str] | None) -> dict[str, str]:
    """Each intervention key's name (the first the national database holds), a few hundred keys a
    query; every intervention's when `keys` is None (for an export of them all, in the background)."""
    names: dict[str, str] = {}
    if keys is None:
        query = select(NationalCase.intervention_key, func.min(NationalCase.intervention_name)).group_by(
            NationalCase.intervention_key)
        return dict(db.session().exec(query).all())
    ordered = sorted(key for key in keys if key)
    for start in range(0, len(ordered), 500):
        query = (select(NationalCase.intervention_key, NationalCase.intervention_name)
                 .where(col(NationalCase.intervention_key).in_(ordered[start:start + 500]))
                 .group_by(NationalCase.intervention_key, NationalCase.intervention_name))
        for key, name in db.session().exec(query):
            names.setdefault(key, name)
    return names


def find_recent_exports(user_id: int, limit: int = 20) -> list[CetExport]:
    """The analyst's latest exports, newest first, without their files."""
    query = (select(CetExport).options(defer(CetExport.content)).where(CetExport.requested_by_id == user_id)
             .order_by(col(CetExport.id).desc()).limit(limit))
    return list(db.session().exec(query))
