"""The Cancer Drugs Fund's spend in a financial year (April to March), nationally and by region,
against its annual budget.

Committed spend is the expected cost of every approval still in force, and the cost of the
treatment actually given on approvals that have ended (cycles given, or months on treatment).
The forecast adds new approvals at the rate seen so far this year until the year ends. Entries
moved to routine commissioning are not the fund's money, and are reported apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from ifr_service.cases.models import Case
from ifr_service.cdf import queries
from ifr_service.cdf.models import CdfApplication
from ifr_service.cdf.service import approval_status

DAYS_IN_A_MONTH = 365.25 / 12


@dataclass
class SpendLine:
    approvals: int = 0
    committed_pence: int = 0
    approved_value_pence: int = 0  # the expected cost of this year's approvals, for the run rate
    forecast_pence: int = 0


@dataclass
class SpendReport:
    financial_year: str
    as_of: date
    budget_pence: int
    national: SpendLine
    regions: dict[int, SpendLine] = field(default_factory=dict)
    routinely_commissioned_pence: int = 0

    @property
    def forecast_exceeds_budget(self) -> bool:
        return self.national.forecast_pence > self.budget_pence

    def budget_reached_on(self, year_end: date) -> date | None:
        """The day committed spend reaches the budget at this year's rate, if before the year ends."""
        line = self.national
        if line.committed_pence >= self.budget_pence:
            return self.as_of
        rate = _daily_rate(line, self.as_of)
        if rate <= 0:
            return None
        reached = self.as_of.toordinal() + math.ceil((self.budget_pence - line.committed_pence) / rate)
        return date.fromordinal(reached) if reached <= year_end.toordinal() else None


def financial_year(day: date) -> tuple[date, date]:
    start_year = day.year if day.month >= 4 else day.year - 1
    return date(start_year, 4, 1), date(start_year + 1, 3, 31)


def spend_report(start_year: int, today: date, budget_pence: int) -> SpendReport:
    start, end = date(start_year, 4, 1), date(start_year + 1, 3, 31)
    as_of = min(max(today, start), end)
    report = SpendReport(financial_year=f"{start_year}/{(start_year + 1) % 100:02d}", as_of=as_of,
                         budget_pence=budget_pence, national=SpendLine())
    for record, case in queries.find_decided_between(start, as_of, approved_only=True):
        if record.funding_route == "routine_commissioning":
            report.routinely_commissioned_pence += committed_pence(record, case, today)
            continue
        for line in (report.national, report.regions.setdefault(case.region_id, SpendLine())):
            _add(line, record, case, today)
    for line in (report.national, *report.regions.values()):
        _forecast(line, start, as_of, end)
    return report


@dataclass
class MonthSpend:
    """One month of the year: the approvals decided in it and what they commit, and the forecast
    (what the month committed, or for the days still to come, new approvals at this year's rate)."""

    month: date  # its first day
    approvals: int
    committed_pence: int
    forecast_pence: int
    cumulative_committed_pence: int | None  # None for a month that has not begun
    cumulative_forecast_pence: int


@dataclass
class SpendDetail:
    """The spend of the nation or of one region, by month and by entry (drug and indication)."""

    financial_year: str
    as_of: date
    budget_pence: int
    total: SpendLine
    months: list[MonthSpend]
    entries: dict[str, SpendLine]
    routinely_commissioned_pence: int = 0


def spend_detail(start_year: int, today: date, budget_pence: int,
                 region_id: int | None = None) -> SpendDetail:
    """As spend_report, for the nation (region_id None) or one region, month by month and by entry.
    The months' forecasts add up to the year's, and the entries' to within a penny each."""
    start, end = date(start_year, 4, 1), date(start_year + 1, 3, 31)
    as_of = min(max(today, start), end)
    total, entries, months = SpendLine(), {}, {}
    routine = 0
    for record, case in queries.find_decided_between(start, as_of, region_id=region_id, approved_only=True):
        if record.funding_route == "routine_commissioning":
            routine += committed_pence(record, case, today)
            continue
        for line in (total, entries.setdefault(record.entry_key, SpendLine()),
                     months.setdefault(record.decided_on.replace(day=1), SpendLine())):
            _add(line, record, case, today)
    for line in (total, *entries.values()):
        _forecast(line, start, as_of, end)
    return SpendDetail(f"{start_year}/{(start_year + 1) % 100:02d}", as_of, budget_pence, total,
                       _months(total, months, start, as_of), dict(sorted(entries.items())), routine)


def _months(total: SpendLine, decided: dict[date, SpendLine], start: date, as_of: date) -> list[MonthSpend]:
    rate = _daily_rate(total, as_of, start)
    rows, committed, days_to_come = [], 0, 0
    for index in range(12):
        first = date(start.year + (start.month - 1 + index) // 12, (start.month - 1 + index) % 12 + 1, 1)
        last = date.fromordinal(date(first.year + first.month // 12, first.month % 12 + 1, 1).toordinal() - 1)
        line = decided.get(first, SpendLine())
        committed += line.committed_pence
        days_to_come += max(0, (last - max(first - _ONE_DAY, as_of)).days)
        cumulative = committed + round(rate * days_to_come)
        month_forecast = cumulative - (rows[-1].cumulative_forecast_pence if rows else 0)
        rows.append(MonthSpend(first, line.approvals, line.committed_pence, month_forecast,
                               committed if first <= as_of else None, cumulative))
    return rows


_ONE_DAY = timedelta(days=1)


def _add(line: SpendLine, record: CdfApplication, case: Case, today: date) -> None:
    line.approvals += 1
    line.committed_pence += committed_pence(record, case, today)
    line.approved_value_pence += record.expected_cost_pence


def _forecast(line: SpendLine, start: date, as_of: date, end: date) -> None:
    line.forecast_pence = line.committed_pence + round(_daily_rate(line, as_of, start) * (end - as_of).days)


def committed_pence(record: CdfApplication, case: Case, today: date) -> int:
    """What one approval commits the fund to, as far as is known today."""
    if approval_status(record, case.state, today) == "active":
        return max(record.expected_cost_pence, given_pence(record))
    return given_pence(record)  # ended: only the treatment given counts


def given_pence(record: CdfApplication) -> int:
    if record.started_on is None:
        return 0
    if record.cost_unit == "cycle":
        return record.cycles_given * record.cost_unit_pence
    last = record.stopped_on or record.last_treatment_on
    months = max(1, math.ceil(((last - record.started_on).days + 1) / DAYS_IN_A_MONTH))
    return months * record.cost_unit_pence


def _daily_rate(line: SpendLine, as_of: date, start: date | None = None) -> float:
    start = start or financial_year(as_of)[0]
    return line.approved_value_pence / ((as_of - start).days + 1)
