"""The Cancer Drugs Fund's spend in a financial year (April to March), nationally, by region, by
month and by entry, against its annual budget.

Each approval's cost is counted in the months its treatment runs (cdf/treatment_units.py): a
cycle-costed drug in the month each cycle was given, a month-costed drug in each month on treatment,
and an approval in force forecast forward from its last treatment. Committed spend is the treatment
given in the year up to its `as_of` day; the forecast adds the units still expected within the year.
Each unit is priced at the entry's confidential price on its day where one was entered
(cdf/prices.py), at the list price otherwise, and each line says which it used. Entries moved to
routine commissioning are not the fund's money, and are reported apart.

Three statements whatever the number of approvals: the approvals, their treatment cycles, the prices.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from ifr_service.cases.models import Case
from ifr_service.cdf import prices, queries
from ifr_service.cdf.models import CdfApplication
from ifr_service.cdf.service import approval_status
from ifr_service.cdf.treatment_units import Treatment, forecast_units, given_units

LIST, CONFIDENTIAL, BOTH = "list", "confidential", "list_and_confidential"


@dataclass
class SpendLine:
    approvals: int = 0  # approvals with treatment given or expected in the year (or month)
    committed_pence: int = 0  # treatment given, up to as_of
    forecast_pence: int = 0  # committed, plus the units still expected within the year
    list_priced_units: int = 0
    confidential_priced_units: int = 0

    @property
    def priced_at(self) -> str:
        """Which prices the figures use: list, confidential, or list_and_confidential."""
        if self.confidential_priced_units and self.list_priced_units:
            return BOTH
        return CONFIDENTIAL if self.confidential_priced_units else LIST


@dataclass(frozen=True)
class UnitCost:
    """One cycle or month of one approval, priced."""

    day: date
    pence: int
    given: bool
    confidential: bool


@dataclass
class SpendReport:
    financial_year: str
    as_of: date
    budget_pence: int
    national: SpendLine
    regions: dict[int, SpendLine] = field(default_factory=dict)
    routinely_commissioned_pence: int = 0
    budget_reached_on: date | None = None  # when spend given and expected reaches the budget

    @property
    def forecast_exceeds_budget(self) -> bool:
        return self.national.forecast_pence > self.budget_pence


def financial_year(day: date) -> tuple[date, date]:
    start_year = day.year if day.month >= 4 else day.year - 1
    return date(start_year, 4, 1), date(start_year + 1, 3, 31)


@dataclass
class _Year:
    """The year's approvals, each with its priced units within the year."""

    label: str
    start: date
    as_of: date
    end: date
    fund: list[tuple[CdfApplication, Case, list[UnitCost]]]
    routine_pence: int


def _read_year(start_year: int, today: date, region_id: int | None) -> _Year:
    start, end = date(start_year, 4, 1), date(start_year + 1, 3, 31)
    as_of = min(max(today, start), end)
    approvals = queries.find_spend_approvals(start, as_of, region_id)
    cycles = queries.find_spend_cycles(start, as_of, region_id)
    price_list = prices.PriceList(queries.find_prices())
    fund, routine = [], 0
    for record, case, cycle_days in approvals:
        treatment = _treatment(record, case, today, cycles.get(record.case_id, ()), cycle_days)
        units = [unit for unit in _unit_costs(record, treatment, today, price_list)
                 if start <= unit.day <= (as_of if unit.given else end)]
        if not units:
            continue
        if record.funding_route == "routine_commissioning":
            routine += sum(unit.pence for unit in units if unit.given)
        else:
            fund.append((record, case, units))
    return _Year(f"{start_year}/{(start_year + 1) % 100:02d}", start, as_of, end, fund, routine)


def _treatment(record: CdfApplication, case: Case, today: date, cycle_dates,
               cycle_days: int | None) -> Treatment:
    return Treatment(
        cost_unit=record.cost_unit, units_expected=record.cost_units, decided_on=record.decided_on,
        in_force=approval_status(record, case.state, today) == "active", started_on=record.started_on,
        last_treatment_on=record.last_treatment_on, cycles_given=record.cycles_given,
        stopped_on=record.stopped_on, cycle_dates=tuple(cycle_dates), cycle_days=cycle_days)


def _unit_costs(record: CdfApplication, treatment: Treatment, today: date, price_list) -> list[UnitCost]:
    costs = []
    for given, days in ((True, given_units(treatment)), (False, forecast_units(treatment, today))):
        for day in days:
            pence, confidential = price_list.unit_pence(record.entry_key, record.cost_unit, day,
                                                        record.cost_unit_pence)
            costs.append(UnitCost(day, pence, given, confidential))
    return costs


def _add(line: SpendLine, units: list[UnitCost]) -> None:
    line.approvals += 1
    for unit in units:
        line.forecast_pence += unit.pence
        line.committed_pence += unit.pence if unit.given else 0
        if unit.confidential:
            line.confidential_priced_units += 1
        else:
            line.list_priced_units += 1


def spend_report(start_year: int, today: date, budget_pence: int) -> SpendReport:
    year = _read_year(start_year, today, None)
    report = SpendReport(year.label, year.as_of, budget_pence, SpendLine(),
                         routinely_commissioned_pence=year.routine_pence)
    for _record, case, units in year.fund:
        for line in (report.national, report.regions.setdefault(case.region_id, SpendLine())):
            _add(line, units)
    report.budget_reached_on = _budget_reached_on(year, budget_pence)
    return report


def _budget_reached_on(year: _Year, budget_pence: int) -> date | None:
    """The day spend given and expected, adding up, reaches the budget: as_of if what was given
    already has; None if it does not within the year."""
    by_day: dict[date, int] = defaultdict(int)
    for _record, _case, units in year.fund:
        for unit in units:
            by_day[year.as_of if unit.given else unit.day] += unit.pence
    total = 0
    for day in sorted(by_day):
        total += by_day[day]
        if total >= budget_pence:
            return day
    return None


@dataclass
class MonthSpend:
    """One month of the year: the approvals treated in it, the treatment given (committed) and
    the treatment given and expected (forecast) in it, and both adding up over the year."""

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
    The months' forecasts and the entries' add up to the year's, to the penny."""
    year = _read_year(start_year, today, region_id)
    total, entries, months = SpendLine(), {}, defaultdict(SpendLine)
    for record, _case, units in year.fund:
        _add(total, units)
        _add(entries.setdefault(record.entry_key, SpendLine()), units)
        by_month = defaultdict(list)
        for unit in units:
            by_month[unit.day.replace(day=1)].append(unit)
        for month, in_month in by_month.items():
            _add(months[month], in_month)
    return SpendDetail(year.label, year.as_of, budget_pence, total, _months(months, year.start, year.as_of),
                       dict(sorted(entries.items())), year.routine_pence)


def _months(lines: dict[date, SpendLine], start: date, as_of: date) -> list[MonthSpend]:
    rows, committed, forecast = [], 0, 0
    for index in range(12):
        first = date(start.year + (start.month - 1 + index) // 12, (start.month - 1 + index) % 12 + 1, 1)
        line = lines.get(first, SpendLine())
        committed += line.committed_pence
        forecast += line.forecast_pence
        rows.append(MonthSpend(first, line.approvals, line.committed_pence, line.forecast_pence,
                               committed if first <= as_of else None, forecast))
    return rows
