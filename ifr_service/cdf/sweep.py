"""The daily CDF sweep: approvals not started within their window expire, and treatments whose
break has run past NHS England's policy (6 weeks beyond the end of the last cycle, 12 for
immunotherapy) with no treatment-break request pending or approved lapse; the clinician is told.

The dates alone already decide whether an approval is in force (duplicates and treatment records
use them), so the sweep only makes the case's state say so; it is safe to run as often as wished.
"""

from __future__ import annotations

import logging

from ifr_service import db
from ifr_service.cases.actions import take_system_action
from ifr_service.cases.queries import get_case_by_id
from ifr_service.cdf import queries
from ifr_service.cdf.service import approval_status
from ifr_service.funding.breaks import break_policy
from ifr_service.runtime import runtime

log = logging.getLogger(__name__)
ENDING = {"expired": "expire", "lapsed": "lapse"}


def sweep_cdf_approvals() -> dict[str, list[str]]:
    """Each case in its own unit of work, so that one failure is retried next time alone."""
    engine, today = runtime().engine, runtime().today()
    with db.unit_of_work(engine):
        policy = break_policy()
        case_ids = queries.find_sweep_candidates(today, min(policy.default_weeks, policy.immunotherapy_weeks))
    ended: dict[str, list[str]] = {"expired": [], "lapsed": []}
    for case_id in case_ids:
        try:
            with db.unit_of_work(engine):
                case = get_case_by_id(case_id, for_update=True)
                status = approval_status(queries.get_application(case_id), case.state, today)
                if status in ENDING and case.state in ("approved", "on_treatment"):
                    take_system_action(case, ENDING[status], {"as_of": today.isoformat()})
                    ended[status].append(case.reference)
        except Exception:
            log.exception("CDF case %s could not be swept; it will be tried again", case_id)
    return ended
