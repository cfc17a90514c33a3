"""The clock sweep reminds before a due date, escalates after it, and closes unanswered requests."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from ifr_service import db
from ifr_service.cases.reminders import sweep_clocks
from ifr_service.notifications.models import Notification
from tests.builders import CLINICIAN, OFFICER, Road

MONDAY = date(2026, 12, 21)  # the completeness check falls due on Wednesday 30 December


def sweep(app):
    with app.app_context():
        return sweep_clocks()


def sent(in_db, prefix: str) -> list[tuple[str, str]]:
    return in_db(lambda: sorted((n.recipient, n.subject) for n in db.session().exec(select(Notification))
                                if n.kind.startswith(prefix)))


def test_the_hub_team_is_reminded_once_when_a_check_falls_due_soon(app, client, auth, application,
                                                                   calendar, in_db, run_jobs):
    calendar.set(MONDAY)
    road = Road(client, auth, application)
    run_jobs()  # the acknowledgement goes: only the completeness check is left to chase
    calendar.set(date(2026, 12, 23))  # three working days before: not yet "due soon"
    assert sweep(app).reminders == 0
    calendar.set(date(2026, 12, 24))
    assert sweep(app).reminders == 2  # both London case officers
    assert sweep(app).reminders == 0  # once only
    subject = f"Individual Funding Request {road.reference}: completeness check due 30 December 2026"
    assert sent(in_db, "clock_reminder:") == [("demo-hub-lead@example.nhs.uk", subject),
                                               ("demo-officer@example.nhs.uk", subject)]


def test_an_overdue_check_is_escalated_to_the_hub_lead(app, client, auth, application, calendar, in_db,
                                                       run_jobs):
    calendar.set(MONDAY)
    road = Road(client, auth, application)
    run_jobs()
    calendar.set(date(2027, 1, 4))
    report = sweep(app)
    assert (report.escalations, report.reminders) == (1, 0)
    assert sent(in_db, "clock_escalation:") == [(
        "demo-hub-lead@example.nhs.uk",
        f"Overdue: completeness check for Individual Funding Request {road.reference}")]


def test_an_unanswered_request_for_information_is_noticed_then_closed_as_withdrawn(
        app, client, auth, application, calendar, in_db):
    calendar.set(MONDAY)
    road = Road(client, auth, application)
    road.act(OFFICER, "request_information", {"questions": "Please send the latest MRI report."})
    due = road.clock("information_response")["due_on"]
    assert due == "2027-01-21"
    calendar.set(date(2027, 1, 19))
    assert sweep(app).reminders == 1
    notice = sent(in_db, "clock_notice:")
    assert notice == [("priya.shah@nhs.net", f"Individual Funding Request {road.reference}: "
                                             "information needed by 21 January 2027")]
    calendar.set(date(2027, 1, 22))
    assert sweep(app).closed_unanswered == [road.reference]
    case = road.case(CLINICIAN)
    assert case["state"] == "withdrawn"
    assert case["clocks"][-1]["status"] == "missed"


def test_an_answered_request_is_never_closed(app, client, auth, application, calendar):
    calendar.set(MONDAY)
    road = Road(client, auth, application)
    road.act(OFFICER, "request_information", {"questions": "Please send the latest MRI report."})
    road.act(CLINICIAN, "provide_information", {"information": "The MRI report is attached now."})
    calendar.set(date(2027, 3, 1))
    assert sweep(app).closed_unanswered == []
    assert road.case()["state"] == "submitted"


def test_a_worker_runs_the_scheduled_sweep_from_its_queue(app, client, auth, application, calendar,
                                                          run_jobs, in_db):
    config = app.config["IFR"]
    if not config.redis_url:
        pytest.skip("on the embedded default the scheduler runs the sweep in its own loop")
    from redis import Redis
    from rq import Queue

    from ifr_service.jobs.queues import DEFAULT
    from ifr_service.jobs.schedule import run_clock_sweep

    calendar.set(MONDAY)
    Road(client, auth, application)
    calendar.set(date(2027, 1, 4))
    Queue(DEFAULT, connection=Redis.from_url(config.redis_url)).enqueue(run_clock_sweep)
    run_jobs()
    assert len(sent(in_db, "clock_escalation:")) == 1


def test_a_request_found_overdue_without_notice_gets_notice_before_it_is_closed(
        app, client, auth, application, calendar, in_db):
    calendar.set(MONDAY)
    road = Road(client, auth, application)
    road.act(OFFICER, "request_information", {"questions": "Please send the latest MRI report."})
    calendar.set(date(2027, 2, 1))  # the scheduler was down while the clock ran out
    report = sweep(app)
    assert (report.reminders, report.closed_unanswered) == (1, [])
    assert sent(in_db, "clock_notice:")[0][1].endswith("information needed by 03 February 2027")
    assert road.case()["state"] == "awaiting_information"


def test_the_clinicians_review_window_is_not_the_hubs_to_chase(app, client, auth, application,
                                                                calendar, in_db, run_jobs):
    from tests.builders import CHAIR, findings

    calendar.set(MONDAY)
    road = Road(client, auth, application)
    road.to_panel()
    road.act(CHAIR, "decline", {"findings": findings(), "summary": "Not exceptional."})
    run_jobs()  # the acknowledgement and the letter
    calendar.set(date(2027, 6, 1))
    report = sweep(app)
    assert (report.reminders, report.escalations) == (0, 0)


def test_a_letter_not_made_in_time_is_escalated(app, client, auth, application, calendar, in_db,
                                                run_jobs):
    """With no worker running, the letter job waits in its queue; the sweep sees its clock run out."""
    if not app.config["IFR"].redis_url:
        pytest.skip("on the embedded default the letter is made in-process straight away")
    from tests.builders import CHAIR, findings

    calendar.set(MONDAY)
    road = Road(client, auth, application)
    road.to_panel()
    road.act(CHAIR, "decline", {"findings": findings(), "summary": "Not exceptional."})
    calendar.set(date(2027, 1, 6))
    sweep(app)
    assert [subject for _, subject in sent(in_db, "clock_escalation:")] == [
        f"Overdue: acknowledgement to the clinician for Individual Funding Request {road.reference}",
        f"Overdue: letter to the clinician after a screening outcome, decision or review for "
        f"Individual Funding Request {road.reference}"]
