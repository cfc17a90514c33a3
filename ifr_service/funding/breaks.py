"""Breaks in treatment, as NHS England's policy *Continuation of funding for systemic anti-cancer
therapy following a break in treatment* has them, for every funding route.

Pure rules, no database: when treatment is next due (the end of the last cycle: its date plus the
cycle's length), how long a break may run beyond it with no form (6 weeks, 12 for immunotherapy:
reference/data/treatment_breaks.yaml), and what a longer break needs (a treatment-break request,
which keeps the authorisation in force until the planned restart once approved). The thresholds
and the request's criteria are read once, checked, when the service starts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cache
from pathlib import Path

import yaml

DATA_FILE = Path(__file__).parents[1] / "reference" / "data" / "treatment_breaks.yaml"
LONGEST_BREAK_WEEKS = 52  # a break planned longer than a year is the end of the course, not a pause


class BreakPolicyError(ValueError):
    """The treatment-break thresholds file is not valid."""


class RequestState(StrEnum):
    """A recorded break's request, if it needed one: a break within the policy needs none."""

    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class Standing(StrEnum):
    """Whether treatment may be given on a day, under the policy and the breaks recorded."""

    IN_FORCE = "in_force"  # within the break the policy allows, or an approved request's
    REQUEST_PENDING = "request_pending"  # beyond it, a request waiting for its decision
    NEEDS_REQUEST = "needs_request"  # beyond it, no request made (or only a refused one ended it)
    REFUSED = "refused"  # a request for this break was refused: the funding ended


@dataclass(frozen=True)
class RequestCriterion:
    key: str
    text: str


@dataclass(frozen=True)
class BreakPolicy:
    default_weeks: int
    immunotherapy_weeks: int
    criteria: tuple[RequestCriterion, ...]
    source: str

    def allowed_weeks(self, immunotherapy: bool) -> int:
        return self.immunotherapy_weeks if immunotherapy else self.default_weeks


@dataclass(frozen=True)
class Course:
    """What the rule reads of an authorisation: its last cycle, the cycle's length and the class."""

    last_cycle_on: date | None
    cycle_days: int | None
    immunotherapy: bool


@dataclass(frozen=True)
class RecordedBreak:
    """What the rule reads of a break the clinician recorded."""

    starts_on: date
    expected_restart_on: date
    request_state: RequestState | None = None  # None: within the policy, no request needed


def parse_break_policy(raw, where: str = "treatment_breaks.yaml") -> BreakPolicy:
    """The thresholds and criteria, or BreakPolicyError naming the file and the fault."""
    if not isinstance(raw, dict):
        raise BreakPolicyError(f"{where}: not a mapping")
    weeks = raw.get("allowed_break_weeks") or {}
    source = (raw.get("source") or {}).get("title")
    problems = [f"allowed_break_weeks.{key} must be a whole number of weeks from 1 to {LONGEST_BREAK_WEEKS}"
                for key in ("default", "immunotherapy")
                if not isinstance(weeks.get(key), int) or isinstance(weeks.get(key), bool)
                or not 1 <= weeks[key] <= LONGEST_BREAK_WEEKS]
    if not isinstance(source, str) or not source.strip():
        problems.append("source.title must name the policy the thresholds come from")
    criteria = raw.get("request_criteria") or []
    if not criteria or not all(isinstance(c, dict) and isinstance(c.get("key"), str)
                               and isinstance(c.get("text"), str) and c["text"].strip()
                               for c in criteria):
        problems.append("request_criteria must list at least one criterion, each with a key and a text")
    else:
        keys = [c["key"] for c in criteria]
        problems += [f"request criterion {key!r} is listed twice" for key in sorted(set(keys))
                     if keys.count(key) > 1]
    if problems:
        raise BreakPolicyError(f"{where}: " + "; ".join(problems))
    return BreakPolicy(default_weeks=weeks["default"], immunotherapy_weeks=weeks["immunotherapy"],
                       criteria=tuple(RequestCriterion(c["key"], " ".join(c["text"].split()))
                                      for c in criteria),
                       source=source.strip())


@cache
def break_policy(path: Path = DATA_FILE) -> BreakPolicy:
    """The policy as the data file states it, read once (build_runtime reads it at start-up)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as problem:
        raise BreakPolicyError(f"{path}: {problem}") from problem
    return parse_break_policy(raw, str(path))


def next_due_on(course: Course) -> date | None:
    """The end of the last cycle, when the next is due: the last cycle's date plus its length. With
    no cycle length known (an intervention not given in cycles) the last treatment date itself.
    None before treatment starts."""
    if course.last_cycle_on is None:
        return None
    return course.last_cycle_on + timedelta(days=course.cycle_days or 0)


def latest_restart_without_form(policy: BreakPolicy, course: Course) -> date | None:
    """The last day treatment may resume with no form: the break the policy allows, counted from
    the end of the last cycle."""
    due = next_due_on(course)
    return None if due is None else due + timedelta(weeks=policy.allowed_weeks(course.immunotherapy))


def needs_request(policy: BreakPolicy, course: Course, restart_on: date) -> bool:
    """Whether a break lasting until this restart is longer than the policy allows with no form."""
    latest = latest_restart_without_form(policy, course)
    return latest is not None and restart_on > latest


def current_breaks(course: Course, breaks: Iterable[RecordedBreak]) -> list[RecordedBreak]:
    """The breaks recorded since the last cycle: only they can speak for the next one."""
    if course.last_cycle_on is None:
        return []
    return [b for b in breaks if b.starts_on >= course.last_cycle_on]


def in_force_until(policy: BreakPolicy, course: Course, breaks: Iterable[RecordedBreak]) -> date | None:
    """The last day the next treatment may be given: the policy's allowance, or the planned restart
    of an approved request for the current break, whichever is later. None before treatment."""
    latest = latest_restart_without_form(policy, course)
    if latest is None:
        return None
    approved = [b.expected_restart_on for b in current_breaks(course, breaks)
                if b.request_state is RequestState.APPROVED]
    return max([latest, *approved])


def standing_on(policy: BreakPolicy, course: Course, breaks: Iterable[RecordedBreak], day: date) -> Standing:
    """Whether treatment given on this day keeps the authorisation, under the policy."""
    current = current_breaks(course, breaks)
    if any(b.request_state is RequestState.REFUSED for b in current):
        return Standing.REFUSED
    until = in_force_until(policy, course, current)
    if until is None or day <= until:
        return Standing.IN_FORCE
    if any(b.request_state is RequestState.PENDING for b in current):
        return Standing.REQUEST_PENDING
    return Standing.NEEDS_REQUEST


def has_lapsed(policy: BreakPolicy, course: Course, breaks: Iterable[RecordedBreak], today: date) -> bool:
    """Whether the break has run past what the policy allows with no request pending or approved:
    the authorisation has ended (the CDF sweep lapses the approval). A pending request holds it."""
    return standing_on(policy, course, breaks, today) in (Standing.NEEDS_REQUEST, Standing.REFUSED)


def check_break_dates(course: Course, starts_on: date, expected_restart_on: date, today: date,
                      planned: bool) -> dict[str, str]:
    """The faults in a break's dates, by field (empty when none): a break starts on or after the last
    cycle, an unplanned one not in the future, and treatment restarts after it starts and within
    a year."""
    problems: dict[str, str] = {}
    if course.last_cycle_on is not None and starts_on < course.last_cycle_on:
        problems["starts_on"] = ("A break starts on or after the last cycle recorded, on "
                                 f"{course.last_cycle_on:%d %B %Y}.")
    elif not planned and starts_on > today:
        problems["starts_on"] = "An unplanned break has already started: give a date up to today."
    if expected_restart_on <= starts_on:
        problems["expected_restart_on"] = "The expected restart must be after the break starts."
    elif expected_restart_on > starts_on + timedelta(weeks=LONGEST_BREAK_WEEKS):
        problems["expected_restart_on"] = (f"A break of more than {LONGEST_BREAK_WEEKS} weeks is the end of "
                                           "the course: record that treatment stopped instead.")
    return problems


def request_criteria_problems(policy: BreakPolicy, workflows: dict) -> list[str]:
    """Each workflow's treatment-break request must ask exactly the policy's request criteria, each a
    required confirmation, so that the data file is the one place they are stated."""
    wanted = [(c.key, c.text, "boolean", True) for c in policy.criteria]
    problems = []
    for key, workflow in sorted(workflows.items()):
        action = next((a for a in workflow.actions if a.key == "request_treatment_break"), None)
        if action is None:
            continue
        group = next((f for f in action.payload if f.key == "criteria"), None)
        asked = [(f.key, " ".join(f.label.split()), f.type, f.required)
                 for f in (group.fields if group else ())]
        if asked != wanted:
            keys = ", ".join(k for k, *_ in wanted)
            problems.append(f"workflow {key}: request_treatment_break must ask, under `criteria`, exactly "
                            f"the request_criteria of {DATA_FILE.name} ({keys}), each a required boolean "
                            "labelled with its text")
    return problems


def check_break_policy(workflows: dict) -> BreakPolicy:
    """Read at start-up: a bad thresholds file, or a workflow asking other criteria, stops the service."""
    policy = break_policy()
    problems = request_criteria_problems(policy, workflows)
    if problems:
        raise BreakPolicyError("; ".join(problems))
    return policy
