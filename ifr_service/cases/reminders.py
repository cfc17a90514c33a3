"""The clock sweep: reminders before a due date, escalation after it, and closing requests for
information left unanswered (after notice). Run on a schedule; safe to run as often as wished,
because each message is recorded once per clock and due date."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from ifr_service import db
from ifr_service.cases import actions, queries
from ifr_service.cases.clocks import view_clock
from ifr_service.cases.models import Case, CaseClock
from ifr_service.clock import add_working_days, england_date, working_days_between
from ifr_service.forms.answers import CLINICIAN_EMAIL, CLINICIAN_NAME, submitted_answer
from ifr_service.notifications.models import Notification
from ifr_service.notifications.queries import find_notification
from ifr_service.notifications.sending import send_once
from ifr_service.runtime import runtime
from ifr_service.users.models import Role
from ifr_service.users.queries import find_hub_staff, get_system_user

log = logging.getLogger(__name__)
UNANSWERED_REQUEST = "information_response"


@dataclass
class SweepReport:
    reminders: int = 0
    escalations: int = 0
    closed_unanswered: list[str] = field(default_factory=list)


def sweep_clocks() -> SweepReport:
    """Look at every clock due soon or overdue, each in its own unit of work, so that one
    case's failure is logged and retried next time without holding up the others."""
    engine, today = runtime().engine, runtime().today()
    with db.unit_of_work(engine):
        clock_ids = [row.id for row in queries.find_running_clocks_due_by(today_plus_soon(today))]
    report = SweepReport()
    for clock_id in clock_ids:
        try:
            with db.unit_of_work(engine):
                _sweep_one(queries.get_clock(clock_id), today, report)
        except Exception:
            log.exception("clock %s could not be swept; it will be tried again", clock_id)
    return report


def _sweep_one(row: CaseClock, today: date, report: SweepReport) -> None:
    if row.running_since is None:
        return  # paused or stopped since it was listed
    case = queries.get_case_by_id(row.case_id, for_update=True)
    workflow = runtime().workflows[case.route]
    clock, view = workflow.clock(row.clock), view_clock(workflow, row, runtime().now())
    if clock.owner == "hub":
        if view.status == "due_soon":
            report.reminders += _remind_hub(case, row, view.title)
        elif view.status == "overdue":
            report.escalations += _escalate(case, row, view.title)
    elif row.clock == UNANSWERED_REQUEST:
        _sweep_unanswered_request(case, row, clock.due_soon, today, report)


def _sweep_unanswered_request(case: Case, row: CaseClock, notice_days: int, today: date,
                              report: SweepReport) -> None:
    """Notice first, then closure: never closed until notice was given `notice_days` before."""
    notice = find_notification(case.id, _notice_kind(row))
    if notice is None:
        closes_on = max(row.due_on, add_working_days(today, notice_days))
        report.reminders += _give_notice(case, row, closes_on)
    elif today > row.due_on and working_days_between(england_date(notice.recorded_utc), today) > notice_days:
        actions.take_action(case, "close_unanswered", get_system_user(), {})
        report.closed_unanswered.append(case.reference)


def today_plus_soon(today: date) -> date:
    """Clocks due within the longest 'due soon' warning of any workflow are worth a look."""
    longest = max((c.due_soon if c.unit != "hours" else 1 for w in runtime().workflows.values()
                   for c in w.clocks), default=0)
    return add_working_days(today, longest)


def _notice_kind(row: CaseClock) -> str:
    return f"clock_notice:{row.id}:{row.cycle}"


def _give_notice(case: Case, row: CaseClock, closes_on: date) -> int:
    email = submitted_answer(case.answers, CLINICIAN_EMAIL)
    name = submitted_answer(case.answers, CLINICIAN_NAME)
    return int(send_once(Notification(
        case_id=case.id, kind=_notice_kind(row), recipient=email,
        subject=f"Individual Funding Request {case.reference}: information needed by {closes_on:%d %B %Y}",
        body=(f"Dear {name},\n\nNHS England asked for information about Individual "
              f"Funding Request {case.reference}. If we do not have it by {closes_on:%d %B %Y}, the "
              "request will be closed as withdrawn. Sign in to ifr-service to answer.\n\n"
              "This message contains no patient information.\n"))))


def _remind_hub(case: Case, row: CaseClock, title: str) -> int:
    body = f"{title} for Individual Funding Request {case.reference} is due on {row.due_on:%d %B %Y}.\n"
    return sum(send_once(Notification(
        case_id=case.id, kind=f"clock_reminder:{row.id}:{row.due_on}", recipient=user.email,
        subject=f"Individual Funding Request {case.reference}: {title.lower()} due "
                f"{row.due_on:%d %B %Y}", body=body))
        for user in find_hub_staff(case.hub_id, Role.CASE_OFFICER))


def _escalate(case: Case, row: CaseClock, title: str) -> int:
    leads = find_hub_staff(case.hub_id, Role.CASE_OFFICER, leads_only=True)
    if not leads:
        log.warning("hub %s has no IFR lead: the overdue %s of %s is escalated to nobody",
                    case.hub_id, row.clock, case.reference)
    return sum(send_once(Notification(
        case_id=case.id, kind=f"clock_escalation:{row.id}:{row.due_on}", recipient=lead.email,
        subject=f"Overdue: {title.lower()} for Individual Funding Request {case.reference}",
        body=(f"{title} for Individual Funding Request {case.reference} was due on "
              f"{row.due_on:%d %B %Y} and is overdue. The case is "
              f"{runtime().workflows[case.route].state(case.state).title.lower()}.\n"))) for lead in leads)

