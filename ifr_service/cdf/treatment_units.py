"""When each unit of an approval's cost falls: the cycles or months of treatment given, and the
units an approval still in force is expected to use, dated forward from its last treatment.

A pure rule, with no database: cdf/spend.py reads the approvals, their treatment and the prices,
and adds up what this module dates. The rule (docs/after-approval/spend.md):

- a cycle-costed drug costs one unit on each day a cycle was given (the funding authorisation's
  treatment cycles, recorded by hand or from SACT; for an approval with none, the CDF record's
  cycles spread evenly from the start to the last treatment);
- a month-costed drug costs one unit in each calendar month on treatment, from the start's month to
  the month of the stop (or of the last treatment);
- an approval in force and not finished is forecast its remaining expected units, one each cycle
  length (the authorisation's `cycle_days`, else 21 days) or each month, from its last treatment
  (or from the decision, if not started), never on a day already past;
- an approval that has ended counts only what was given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

DEFAULT_CYCLE_DAYS = 21  # the common length of a SACT cycle; an authorisation may say otherwise
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Treatment:
    """What the rule needs of one approval."""

    cost_unit: str  # "cycle" or "month"
    units_expected: int
    decided_on: date
    in_force: bool  # approved or on treatment, within its dates
    started_on: date | None = None
    last_treatment_on: date | None = None
    cycles_given: int = 0
    stopped_on: date | None = None
    cycle_dates: tuple[date, ...] = ()  # each cycle given, from the authorisation's treatment cycles
    cycle_days: int | None = None


def given_units(treatment: Treatment) -> list[date]:
    """The day each unit of treatment given falls on, oldest first."""
    if treatment.started_on is None and not treatment.cycle_dates:
        return []
    if treatment.cost_unit == "cycle":
        return _cycles_given(treatment)
    first = min(day for day in (treatment.started_on, *treatment.cycle_dates) if day is not None)
    last = max(filter(None, (treatment.stopped_on, _last_treatment(treatment), first)))
    return [max(first, month) for month in _months_between(first, last)]


def forecast_units(treatment: Treatment, today: date) -> list[date]:
    """The days the units still expected fall on, all after today; none once it has ended."""
    if not treatment.in_force or treatment.stopped_on is not None:
        return []
    remaining = treatment.units_expected - len(given_units(treatment))
    if remaining <= 0:
        return []
    last = _last_treatment(treatment)
    tomorrow = today + _ONE_DAY
    if treatment.cost_unit == "cycle":
        step = timedelta(days=treatment.cycle_days or DEFAULT_CYCLE_DAYS)
        first = max(last + step, tomorrow) if last else max(treatment.decided_on, tomorrow)
        return [first + step * index for index in range(remaining)]
    first = max(_add_months(last, 1), tomorrow) if last else max(treatment.decided_on, tomorrow)
    return [first, *(_add_months(_month_start(first), index) for index in range(1, remaining))]


def _cycles_given(treatment: Treatment) -> list[date]:
    if treatment.cycle_dates:
        return sorted(treatment.cycle_dates)
    count, start = treatment.cycles_given, treatment.started_on
    last = treatment.last_treatment_on or start
    if count <= 1:
        return [start] if count == 1 else []
    span = (last - start).days
    return [start + timedelta(days=span * index // (count - 1)) for index in range(count)]


def _last_treatment(treatment: Treatment) -> date | None:
    known = [day for day in (treatment.last_treatment_on, *treatment.cycle_dates) if day is not None]
    return max(known) if known else treatment.started_on


def _months_between(first: date, last: date) -> list[date]:
    months, month = [], _month_start(first)
    while month <= last:
        months.append(month)
        month = _add_months(month, 1)
    return months


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    following = date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    return date(year, month + 1, min(day.day, (following - _ONE_DAY).day))
