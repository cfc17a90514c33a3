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
from datetime import date

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
            line.approvals += 1
            line.committed_pence += committed_pence(record, case, today)
            line.approved_value_pence += record.expected_cost_pence
    for line in (report.national, *report.regions.values()):
        line.forecast_pence = line.committed_pence + round(
            _daily_rate(line, as_of, start) * (end - as_of).days)
    return report


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
