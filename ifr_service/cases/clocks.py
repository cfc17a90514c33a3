"""The working-day clocks of a case: started, paused, resumed and stopped by its transitions.

A clock counts working days in England while the case is in the states it runs
in. Each change is written in the transaction of the transition that caused it,
so due dates are plain columns that queues can sort and reports can count; the
soonest of a case's running clocks is kept on the case too (Case.next_due_on).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ifr_service.cases import queries
from ifr_service.cases.models import Case, CaseClock
from ifr_service.clock import add_working_days, working_days_between
from ifr_service.workflows.definition import Clock, Workflow


@dataclass(frozen=True)
class ClockView:
    clock: str
    title: str
    cycle: int
    target_working_days: int
    used_working_days: int
    started_on: date
    due_on: date | None
    stopped_on: date | None
    status: str  # on_track, due_soon, overdue, paused, met, missed or stopped


def move_clocks(workflow: Workflow, case: Case, from_state: str | None, to_state: str,
                today: date) -> None:
    if from_state == to_state:
        return
    final = workflow.state(to_state).final
    for clock in workflow.clocks:
        if clock.is_service_clock:
            continue  # moved by signals, not by states
        row = queries.find_latest_clock(case, clock.key)
        active = row is not None and row.stopped_on is None
        if active and to_state in clock.stops_in:
            _stop(row, today, judged=True)
        elif active and final:
            _stop(row, today, judged=False)
        elif to_state in clock.runs_in and active:
            _resume(row, today)
        elif to_state in clock.starts_in:
            queries.create_clock(_start(case, clock, row, today))
        elif active:
            _pause(row, today)
    _note_next_due(case)


# The signals the code sends to service clocks.
SIGNALS = frozenset({"acknowledgement_requested", "acknowledgement_sent", "letter_requested",
                     "letter_sent"})


def signal_clocks(workflow: Workflow, case: Case, signal: str, today: date) -> None:
    """Start the service clocks that start on this signal and stop those that stop on it."""
    for clock in workflow.clocks:
        if signal not in (clock.starts_on, clock.stops_on):
            continue
        row = queries.find_latest_clock(case, clock.key)
        active = row is not None and row.stopped_on is None
        if signal == clock.stops_on and active:
            _stop(row, today, judged=True)
        elif signal == clock.starts_on and not active:
            queries.create_clock(_start(case, clock, row, today))
    _note_next_due(case)


def _note_next_due(case: Case) -> None:
    """Keep the case's copy of its soonest running due date, which work queues sort by."""
    case.next_due_on = queries.find_next_due_on(case)


def first_due_on(clock: Clock, today: date) -> date:
    """When the clock, started today, falls due."""
    return add_working_days(today, clock.working_days)


def _start(case: Case, clock: Clock, previous: CaseClock | None, today: date) -> CaseClock:
    return CaseClock(case_id=case.id, clock=clock.key, cycle=(previous.cycle + 1) if previous else 1,
                     target_working_days=clock.working_days, started_on=today, running_since=today,
                     due_on=first_due_on(clock, today))


def _resume(row: CaseClock, today: date) -> None:
    if row.running_since is None:
        row.running_since = today
        row.due_on = add_working_days(today, max(row.target_working_days - row.used_working_days, 0))


def _pause(row: CaseClock, today: date) -> None:
    if row.running_since is not None:
        row.used_working_days += working_days_between(row.running_since, today)
        row.running_since = None
        row.due_on = None


def _stop(row: CaseClock, today: date, judged: bool) -> None:
    """Stop the clock. Reaching its target state judges it met or missed; a case ending some other
    way (withdrawn, closed at screening) leaves it unjudged, unless its time had already run out."""
    _pause(row, today)
    row.stopped_on = today
    within = row.used_working_days <= row.target_working_days
    row.met = within if judged or not within else None


def view_clock(workflow: Workflow, row: CaseClock, today: date) -> ClockView:
    clock = workflow.clock(row.clock)
    used = row.used_working_days
    if row.running_since is not None:
        used += working_days_between(row.running_since, today)
    return ClockView(clock=row.clock, title=clock.title, cycle=row.cycle,
                     target_working_days=row.target_working_days, used_working_days=used,
                     started_on=row.started_on, due_on=row.due_on, stopped_on=row.stopped_on,
                     status=_status(row, clock, today))


def _status(row: CaseClock, clock: Clock, today: date) -> str:
    if row.stopped_on is not None:
        return {True: "met", False: "missed", None: "stopped"}[row.met]
    if row.running_since is None:
        return "paused"
    if today > row.due_on:
        return "overdue"
    if working_days_between(today, row.due_on) <= clock.due_soon_days:
        return "due_soon"
    return "on_track"
