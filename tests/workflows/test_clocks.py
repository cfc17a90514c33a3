"""The clock engine without a database: units, urgencies, and the moves each transition makes.

The rows are CaseClock objects never saved; the workflow is workflows/ifr.yaml as the service
loads it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import yaml

from ifr_service.cases.clocks import (
    PAUSE,
    RESUME,
    START,
    STOP_JUDGED,
    STOP_UNJUDGED,
    next_move,
    pause_clock,
    resume_clock,
    start_clock,
    stop_clock,
    view_clock,
)
from ifr_service.clock import ENGLAND, due_after, used_between
from ifr_service.config import PROJECT_ROOT
from ifr_service.workflows.definition import Clock, WorkflowDefinitionError, load_workflow_file
from tests.workflows.test_engine import IFR, KNOWN, bad_workflow

# Monday 21 December 2026, 10:00 in England (UTC in winter): three bank holidays follow.
MONDAY_10AM = datetime(2026, 12, 21, 10, tzinfo=UTC)
HOUR = timedelta(hours=1)


def clocks_for(urgency: str, state: str) -> set[str]:
    """The clocks that start on a case of this urgency entering this state from nothing."""
    return {clock.key for clock in IFR.clocks
            if next_move(clock, None, state, IFR.state(state).final, urgency) == START}


def test_an_emergency_request_gets_a_24_hour_clock_from_receipt_and_no_working_day_targets():
    assert clocks_for("emergency", "submitted") == {"emergency_decision"}
    assert IFR.clock("emergency_decision").unit == "hours"
    assert IFR.clock("emergency_decision").target == 24


def test_a_routine_request_gets_the_completeness_check_and_no_urgent_clock():
    assert clocks_for("routine", "submitted") == {"completeness_check"}


def test_an_urgent_request_keeps_its_urgent_target_through_screening_and_panel():
    urgent = IFR.clock("urgent_decision")
    row = start_clock(1, urgent, None, MONDAY_10AM)
    for state in ("screening", "ready_for_panel", "chairs_action"):
        assert next_move(urgent, row, state, False, "urgent") == RESUME
    for routine in ("completeness_check", "screening", "decision"):
        assert next_move(IFR.clock(routine), None, "screening", False, "urgent") is None
        assert next_move(IFR.clock(routine), None, "ready_for_panel", False, "urgent") is None
    assert next_move(urgent, row, "approved", True, "urgent") == STOP_JUDGED


def test_the_clinically_critically_urgent_categories_are_declared_in_the_workflow():
    urgent = {u.key for u in IFR.urgencies if u.urgent}
    assert urgent == {"urgent", "emergency"}
    assert "three months" in IFR.urgency("urgent").description
    assert "irreversible deterioration" in IFR.urgency("urgent").description


def test_the_application_forms_urgency_answers_are_the_workflows_urgencies():
    for path in sorted((PROJECT_ROOT / "forms" / "ifr").glob("*.yaml")):
        raw = yaml.safe_load(path.read_text())
        level = next(f for s in raw["sections"] if s["key"] == "urgency" for f in s["fields"]
                     if f["key"] == "level")
        assert {o["value"] for o in level["options"]} == {u.key for u in IFR.urgencies}, path.name


def test_a_clock_in_hours_falls_due_to_the_minute_and_counts_weekends_and_holidays():
    christmas_eve = datetime(2026, 12, 24, 15, 30, tzinfo=UTC)
    day, moment = due_after("hours", 24, christmas_eve)
    assert moment == datetime(2026, 12, 25, 15, 30, tzinfo=UTC)
    assert day.isoformat() == "2026-12-25"


def test_a_clock_in_calendar_days_counts_weekends_and_bank_holidays():
    assert due_after("calendar_days", 7, MONDAY_10AM)[0].isoformat() == "2026-12-28"
    assert used_between("calendar_days", MONDAY_10AM, MONDAY_10AM + timedelta(days=4)) == 4


def test_a_clock_in_working_days_skips_christmas():
    day, moment = due_after("working_days", 5, MONDAY_10AM)
    assert (day.isoformat(), moment) == ("2026-12-30", None)  # not 25, 26, 27 or 28 December
    assert used_between("working_days", MONDAY_10AM, MONDAY_10AM + timedelta(days=8)) == 4


def test_the_due_day_of_an_hours_clock_is_the_day_in_england_not_in_utc():
    summer_evening = datetime(2026, 7, 1, 22, 30, tzinfo=UTC)  # 23:30 in England
    day, moment = due_after("hours", 1, summer_evening)
    assert moment.astimezone(ENGLAND).date().isoformat() == day.isoformat() == "2026-07-02"


def test_an_hours_clock_is_on_track_then_due_soon_then_overdue():
    row = start_clock(1, IFR.clock("emergency_decision"), None, MONDAY_10AM)
    statuses = [view_clock(IFR, row, MONDAY_10AM + hours * HOUR).status for hours in (2, 19, 25)]
    assert statuses == ["on_track", "due_soon", "overdue"]
    view = view_clock(IFR, row, MONDAY_10AM + 5 * HOUR)
    assert (view.hours_text, view.used_text, view.due_text) == (
        "19 hours left", "5 of 24 hours", "22 December 2026 at 10:00")
    assert view_clock(IFR, row, MONDAY_10AM + 27 * HOUR).hours_text == "3 hours overdue"


def test_a_paused_hours_clock_keeps_the_time_it_used_and_resumes_with_the_rest():
    row = start_clock(1, IFR.clock("emergency_decision"), None, MONDAY_10AM)
    pause_clock(row, MONDAY_10AM + 3 * HOUR)  # the IFR team asks the clinician for information
    paused = view_clock(IFR, row, MONDAY_10AM + 40 * HOUR)
    assert (row.used, row.due_utc, paused.status) == (3, None, "paused")
    resume_clock(row, MONDAY_10AM + 48 * HOUR)
    assert row.due_utc == MONDAY_10AM + 69 * HOUR  # 21 hours were left
    stop_clock(row, MONDAY_10AM + 60 * HOUR, judged=True)
    assert (row.used, row.met, view_clock(IFR, row, MONDAY_10AM + 99 * HOUR).status) == (15, True, "met")


def test_an_hours_clock_stopped_late_is_missed():
    row = start_clock(1, IFR.clock("emergency_decision"), None, MONDAY_10AM)
    stop_clock(row, MONDAY_10AM + 30 * HOUR, judged=True)
    assert row.met is False


def test_a_withdrawal_stops_a_clock_unjudged_and_leaving_its_states_pauses_it():
    clock = IFR.clock("urgent_decision")
    row = start_clock(1, clock, None, MONDAY_10AM)
    assert next_move(clock, row, "withdrawn", True, "urgent") == STOP_UNJUDGED
    assert next_move(clock, row, "awaiting_information", False, "urgent") == PAUSE


def test_a_service_clock_is_not_moved_by_states():
    assert next_move(IFR.clock("letter"), None, "submitted", False, "routine") is None


@pytest.mark.parametrize(("clock", "problem"), [
    ({"title": "C", "working_days": 2, "hours": 4, "runs_in": ["submitted"]}, "is valid under each of"),
    ({"title": "C", "runs_in": ["submitted"]}, "is not valid under any of"),
    ({"title": "C", "hours": 0, "runs_in": ["submitted"]}, "less than the minimum"),
    ({"title": "C", "calendar_days": 3, "runs_in": ["submitted"], "applies_when": {"urgency": ["whenever"]}},
     "urgency is 'whenever', which is not an urgency"),
    ({"title": "C", "hours": 3, "runs_in": ["submitted"], "applies_when": {"weather": ["rain"]}},
     "Additional properties are not allowed"),
])
def test_a_clock_needs_one_unit_and_a_condition_on_a_known_urgency(tmp_path, clock, problem):
    with pytest.raises(WorkflowDefinitionError, match=problem):
        load_workflow_file(bad_workflow(tmp_path, clocks={"c": clock}), KNOWN)


def test_a_clock_with_no_condition_applies_to_every_urgency():
    clock = Clock(key="c", title="C", target=3, runs_in=("submitted",))
    assert all(clock.applies_to(urgency.key) for urgency in IFR.urgencies)
