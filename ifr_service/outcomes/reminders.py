"""The review-date reminder: the clock sweep tells an approved IFR's clinician, a set number of days
before its review date (OUTCOME_REVIEW_REMINDER_DAYS, 14 by default), to report the treatment's
outcome. Once per authorisation and review date: the notification's record makes it so (its kind
names both), so the sweep may run as often as wished, and a review date moved by a continuation is
reminded of afresh. A clinician whose last report answers the review already (made within
funding.service.REPORT_ANSWERS_REVIEW_WITHIN of its date, the rule follow-up is judged overdue by) is
not reminded."""

from __future__ import annotations

import logging
from datetime import date

from ifr_service import db
from ifr_service.cases.queries import get_case_by_id
from ifr_service.forms.answers import CLINICIAN_EMAIL, CLINICIAN_NAME, submitted_answer
from ifr_service.funding.models import FundingAuthorisation
from ifr_service.funding.service import REPORT_ANSWERS_REVIEW_WITHIN
from ifr_service.notifications.models import Notification
from ifr_service.notifications.sending import send_once
from ifr_service.outcomes import queries
from ifr_service.runtime import runtime
from ifr_service.web.display import nhs_date

log = logging.getLogger(__name__)


def sweep_review_dates() -> int:
    """Remind the clinicians of the authorisations whose review date is near, each in its own unit
    of work (one failure is logged and tried again at the next sweep). Returns the reminders sent."""
    engine, today = runtime().engine, runtime().today()
    lead_days = runtime().config.outcome_review_reminder_days
    with db.unit_of_work(engine):
        found = queries.find_authorisations_for_review_reminder(today, lead_days)
    sent = 0
    for authorisation_id in found:
        try:
            with db.unit_of_work(engine):
                sent += remind_clinician(queries.get_authorisation_by_id(authorisation_id))
        except Exception:
            log.exception("the review reminder of authorisation %s failed; it will be tried again",
                          authorisation_id)
    return sent


def remind_clinician(authorisation: FundingAuthorisation) -> int:
    """1 if the reminder was recorded (and its delivery queued through the outbox), else 0."""
    if _reported_since(authorisation, authorisation.review_date - REPORT_ANSWERS_REVIEW_WITHIN):
        return 0
    case = get_case_by_id(authorisation.case_id)
    review = nhs_date(authorisation.review_date)
    return int(send_once(Notification(
        case_id=case.id, kind=f"outcome_review:{authorisation.id}:{authorisation.review_date}",
        recipient=submitted_answer(case.answers, CLINICIAN_EMAIL),
        subject=f"Individual Funding Request {case.reference}: treatment review due by {review}",
        body=(f"Dear {submitted_answer(case.answers, CLINICIAN_NAME)},\n\n"
              f"The approval of Individual Funding Request {case.reference} (funding authorisation "
              f"{authorisation.reference}) is due for review by {review}. Please report the "
              "treatment's outcome against the outcome measures stated in the application: sign in "
              "to ifr-service and choose \"Report the treatment's outcome\" on the case.\n\n"
              + (f"Funding ends on {nhs_date(authorisation.ends_on)}; to continue it, ask from the same "
                 "page with the response so far.\n\n" if authorisation.ends_on else "")
              + "This message contains no patient information. Please quote the reference in any "
              "correspondence.\n\nNHS England Specialised Commissioning\n"))))


def _reported_since(authorisation: FundingAuthorisation, since: date) -> bool:
    reported = authorisation.outcome_reported_on
    return reported is not None and reported >= since
