"""The CET's inbox of cohort referrals from screening."""

from __future__ import annotations

from flask import Blueprint
from marshmallow import Schema, fields

from ifr_service.cases.models import Case
from ifr_service.cet import queries
from ifr_service.panels.queries import get_row
from ifr_service.reference.models import Hub
from ifr_service.reference.queries import find_organisation
from ifr_service.users.access import allow
from ifr_service.users.models import Role

cet = Blueprint("cet", __name__)


class CohortReferralSchema(Schema):
    id = fields.Integer(required=True)
    case_reference = fields.String(required=True)
    hub = fields.String(required=True)
    icd10_category = fields.String(required=True)
    intervention = fields.String(required=True)
    cohort_description = fields.String(required=True)
    reason = fields.String(required=True)
    status = fields.String(required=True)
    referred_utc = fields.DateTime(required=True)


@cet.get("/cet/cohort-referrals")
@allow(Role.CET_ANALYST, Role.ADMIN)
def list_cohort_referrals():
    """Cohort referrals.
    ---
    get:
      summary: Requests closed at screening as cohorts, referred for policy development
      tags: [cet]
      responses:
        200:
          description: Newest first
          content: {application/json: {schema: {type: array, items: CohortReferral}}}
    """
    return CohortReferralSchema(many=True).dump([
        {"id": r.id, "case_reference": get_row(Case, r.case_id).reference,
         "hub": find_organisation(Hub, r.hub_id)["code"], "icd10_category": r.icd10_category,
         "intervention": r.intervention_key, "cohort_description": r.cohort_description,
         "reason": r.reason, "status": r.status, "referred_utc": r.referred_utc}
        for r in queries.find_referrals()
    ])
