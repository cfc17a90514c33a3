"""Dates and working days as NHS England counts them.

Targets are counted in working days in England: Monday to Friday, less England's
bank holidays (from the `holidays` package). "Today" is England's date, whatever
the server's time zone.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

ENGLAND = ZoneInfo("Europe/London")


def today_in_england() -> date:
    """Today's date in England; the year of a case reference and which structures apply."""
    return england_date(datetime.now(UTC))


def england_date(moment: datetime) -> date:
    """The date in England at a moment. Stored timestamps are UTC; SQLite returns them naive."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ENGLAND).date()


@cache
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: date, count: int) -> date:
    """The `count`-th working day after `start` (start itself is not counted)."""
    day = start
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`; 0 when end is not after start.

    The weekdays between by arithmetic on the days' ordinals, less the bank holidays on weekdays
    between found by bisection: a million imported cases each need one."""
    if end <= start:
        return 0
    weekdays = _weekdays_to(end.toordinal()) - _weekdays_to(start.toordinal())
    holidays_between = sum(bisect_right(days, end) - bisect_right(days, start)
                           for days in map(_weekday_bank_holidays, range(start.year, end.year + 1)))
    return weekdays - holidays_between


def _weekdays_to(ordinal: int) -> int:
    """Weekdays from 1 January of year 1 (ordinal 1, a Monday) to the day with this ordinal."""
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


@cache
def _weekday_bank_holidays(year: int) -> tuple[date, ...]:
    return tuple(sorted(day for day in _bank_holidays(year) if day.weekday() < 5))


# Clocks in other units. A clock in working days or calendar days counts whole days in England and
# falls due at the end of its due day; a clock in hours counts from the moment it started and falls
# due at a moment (stored in UTC).

HOUR_SECONDS = 3600


def due_after(unit: str, amount: float, since: datetime) -> tuple[date, datetime | None]:
    """When a clock that has `amount` of its unit left, counting from `since`, falls due: the due
    day in England, and for a clock in hours the due moment too."""
    if unit == "hours":
        due = _as_utc(since) + timedelta(seconds=round(amount * HOUR_SECONDS))
        return england_date(due), due
    start = england_date(since)
    if unit == "calendar_days":
        return start + timedelta(days=int(amount)), None
    return add_working_days(start, int(amount)), None


def used_between(unit: str, since: datetime, until: datetime) -> float:
    """How much of a clock's unit passed from `since` to `until` (whole days for day clocks)."""
    if unit == "hours":
        return max((_as_utc(until) - _as_utc(since)).total_seconds(), 0) / HOUR_SECONDS
    start, end = england_date(since), england_date(until)
    if unit == "calendar_days":
        return max((end - start).days, 0)
    return working_days_between(start, end)


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
