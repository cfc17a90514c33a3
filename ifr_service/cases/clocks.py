"""The clocks of a case: started, paused, resumed and stopped by its transitions.

A clock counts working days in England, calendar days or hours (its unit, from the workflow file)
while the case is in the states it runs in, and applies only to cases of the urgencies it names.
Each change is written in the transaction of the transition that caused it, so due dates are plain
columns that queues can sort and reports can count; the soonest of a case's running clocks is kept
on the case too (Case.next_due_on).

Everything here but `move_clocks`, `signal_clocks` and `_note_next_due` works on the rows alone,
without a database: tests/workflows/test_clocks.py drives it so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from ifr_service.cases import queries
from ifr_service.cases.models import Case, CaseClock
from ifr_service.clock import ENGLAND, due_after, england_date, used_between
from ifr_service.workflows.definition import Clock, Workflow, amount_text


@dataclass(frozen=True)
class ClockView:
    clock: str
    title: str
    cycle: int
    unit: str
    target: int
    used: float
    started_on: date
    due_on: date | None
    due_utc: datetime | None
    stopped_on: date | None
    status: str  # on_track, due_soon, overdue, paused, met, missed or stopped
    left: float | None = None  # of the unit, while it runs (negative once overdue)

    @property
    def used_text(self) -> str:
        """'3 of 30 working days', '5 of 24 hours'."""
        return f"{int(self.used)} of {amount_text(self.target, self.unit)}"

    @property
    def in_hours(self) -> bool:
        return self.unit == "hours"

    @property
    def due_text(self) -> str:
        """'7 December 2026', or for a clock in hours '7 December 2026 at 14:05' (time in England)."""
        if self.in_hours and self.due_utc is not None:
            due = self.due_utc.replace(tzinfo=self.due_utc.tzinfo or UTC).astimezone(ENGLAND)
            return f"{due.day} {due:%B %Y} at {due:%H:%M}"
        return f"{self.due_on.day} {self.due_on:%B %Y}" if self.due_on else ""

    @property
    def hours_text(self) -> str:
        """For a running clock in hours: '19 hours left', 'Less than an hour left', '3 hours overdue'."""
        if not self.in_hours or self.left is None:
            return ""
        if self.left < 0:
            return f"{amount_text(max(-self.left, 1), 'hours')} overdue"
        return "Less than an hour left" if self.left < 1 else f"{amount_text(self.left, 'hours')} left"

    @property
    def target_working_days(self) -> int | None:
        return self.target if self.unit == "working_days" else None

    @property
    def used_working_days(self) -> int | None:
        return int(self.used) if self.unit == "working_days" else None


# What a transition does to one clock of a case.
START, RESUME, PAUSE, STOP_JUDGED, STOP_UNJUDGED = "start", "resume", "pause", "stop", "stop_unjudged"


def next_move(clock: Clock, row: CaseClock | None, to_state: str, final: bool, urgency: str) -> str | None:
    """The rule of a state clock, on the case entering `to_state`: which move, if any."""
    if clock.is_service_clock or not clock.applies_to(urgency):
        return None
    active = row is not None and row.stopped_on is None
    if active and to_state in clock.stops_in:
        return STOP_JUDGED
    if active and final:
        return STOP_UNJUDGED
    if active and to_state in clock.runs_in:
        return RESUME
    if to_state in clock.starts_in:  # not active: runs_in holds starts_in
        return START
    return PAUSE if active else None


def move_clocks(workflow: Workflow, case: Case, from_state: str | None, to_state: str,
                now: datetime) -> None:
    if from_state == to_state:
        return
    final = workflow.state(to_state).final
    for clock in workflow.clocks:
        row = queries.find_latest_clock(case, clock.key)
        move = next_move(clock, row, to_state, final, case.urgency)
        if move == START:
            queries.create_clock(start_clock(case.id, clock, row, now))
        elif move is not None:
            apply_move(row, move, now)
    _note_next_due(case)


def apply_move(row: CaseClock, move: str, now: datetime) -> None:
    {RESUME: resume_clock, PAUSE: pause_clock,
     STOP_JUDGED: lambda r, n: stop_clock(r, n, judged=True),
     STOP_UNJUDGED: lambda r, n: stop_clock(r, n, judged=False)}[move](row, now)


# The signals the code sends to service clocks.
SIGNALS = frozenset({"acknowledgement_requested", "acknowledgement_sent", "letter_requested",
                     "letter_sent"})


def signal_clocks(workflow: Workflow, case: Case, signal: str, now: datetime) -> None:
    """Start the service clocks that start on this signal and stop those that stop on it."""
    for clock in workflow.clocks:
        if signal not in (clock.starts_on, clock.stops_on) or not clock.applies_to(case.urgency):
            continue
        row = queries.find_latest_clock(case, clock.key)
        active = row is not None and row.stopped_on is None
        if signal == clock.stops_on and active:
            stop_clock(row, now, judged=True)
        elif signal == clock.starts_on and not active:
            queries.create_clock(start_clock(case.id, clock, row, now))
    _note_next_due(case)


def _note_next_due(case: Case) -> None:
    """Keep the case's copy of its soonest running due date, which work queues sort by. The clocks
    were read once (queries.find_clocks) and the rows just started are with them, so this reads
    nothing; the new and changed rows are written in one batch when the change is flushed."""
    due = queries.find_next_due_on(case)
    if case.next_due_on != due:
        case.next_due_on = due


def first_due_on(clock: Clock, now: datetime) -> date:
    """The day the clock, started now, falls due (in England)."""
    return due_after(clock.unit, clock.target, now)[0]


def start_clock(case_id: int, clock: Clock, previous: CaseClock | None, now: datetime) -> CaseClock:
    due_on, due_utc = due_after(clock.unit, clock.target, now)
    return CaseClock(case_id=case_id, clock=clock.key, cycle=(previous.cycle + 1) if previous else 1,
                     unit=clock.unit, target=clock.target, started_on=england_date(now),
                     running_since=england_date(now), running_since_utc=now, due_on=due_on,
                     due_utc=due_utc)


def resume_clock(row: CaseClock, now: datetime) -> None:
    if row.running_since is None:
        row.running_since, row.running_since_utc = england_date(now), now
        row.due_on, row.due_utc = due_after(row.unit, max(row.target - row.used, 0), now)


def pause_clock(row: CaseClock, now: datetime) -> None:
    if row.running_since is not None:
        row.used += used_between(row.unit, _since(row), now)
        row.running_since = row.running_since_utc = None
        row.due_on = row.due_utc = None


def stop_clock(row: CaseClock, now: datetime, judged: bool) -> None:
    """Stop the clock. Reaching its target state judges it met or missed; a case ending some other
    way (withdrawn, closed at screening) leaves it unjudged, unless its time had already run out."""
    pause_clock(row, now)
    row.stopped_on = england_date(now)
    within = row.used <= row.target
    row.met = within if judged or not within else None


def _since(row: CaseClock) -> datetime:
    """When the clock last started running; a row from before clocks kept the moment ran from its day."""
    if row.running_since_utc is not None:
        return row.running_since_utc
    return datetime.combine(row.running_since, time(12), tzinfo=ENGLAND).astimezone(UTC)


def view_clock(workflow: Workflow, row: CaseClock, now: datetime) -> ClockView:
    clock = workflow.clock(row.clock)
    used, left = row.used, None
    if row.running_since is not None:
        used += used_between(row.unit, _since(row), now)
        left = row.target - used
    return ClockView(clock=row.clock, title=clock.title, cycle=row.cycle, unit=row.unit, target=row.target,
                     used=used, started_on=row.started_on, due_on=row.due_on, due_utc=row.due_utc,
                     stopped_on=row.stopped_on, status=_status(row, clock, now, left), left=left)


def _status(row: CaseClock, clock: Clock, now: datetime, left: float | None) -> str:
    if row.stopped_on is not None:
        return {True: "met", False: "missed", None: "stopped"}[row.met]
    if row.running_since is None:
        return "paused"
    if row.unit == "hours":
        overdue, soon = now > row.due_utc, left <= clock.due_soon
    else:
        today = england_date(now)
        overdue = today > row.due_on
        soon = used_between(row.unit, now, _end_of(row.due_on)) <= clock.due_soon
    return "overdue" if overdue else "due_soon" if soon else "on_track"


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=ENGLAND).astimezone(UTC)
