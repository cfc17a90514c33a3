"""Performance against each target (in working days, days or hours), by hub and month, for the CET."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from statistics import mean, median

from sqlmodel import select

from ifr_service import db
from ifr_service.cases.models import Case, CaseClock
from ifr_service.reference.models import Hub
from ifr_service.runtime import runtime


def clock_performance(start: date, end: date) -> list[dict]:
    """The hubs' clocks judged (met or missed) between two dates: how many, the share within target, and the
    mean and median time taken in the clock's unit (working days, days or hours), by hub, month and clock."""
    query = (select(Hub.code, CaseClock.clock, CaseClock.stopped_on, CaseClock.met, CaseClock.used,
                    CaseClock.unit)
             .join(Case, Case.id == CaseClock.case_id).join(Hub, Hub.id == Case.hub_id)
             .where(CaseClock.met.is_not(None), CaseClock.stopped_on >= start,
                    CaseClock.stopped_on <= end))
    hub_clocks = {c.key for w in runtime().workflows.values() for c in w.clocks if c.owner == "hub"}
    groups: dict[tuple, list[tuple[bool, float]]] = defaultdict(list)
    for hub, clock, stopped_on, met, used, unit in db.session().exec(
            query.where(CaseClock.clock.in_(hub_clocks))):
        groups[(hub, f"{stopped_on:%Y-%m}", clock, unit)].append((met, used))
    return [_performance(hub, month, clock, unit, rows)
            for (hub, month, clock, unit), rows in sorted(groups.items())]


def _performance(hub: str, month: str, clock: str, unit: str, rows: list[tuple[bool, float]]) -> dict:
    used_mean, used_median = round(mean(used for _, used in rows), 1), median(used for _, used in rows)
    in_working_days = unit == "working_days"
    return {"hub": hub, "month": month, "clock": clock, "unit": unit, "count": len(rows),
            "within_target": sum(met for met, _ in rows),
            "percent_within_target": round(100 * sum(met for met, _ in rows) / len(rows), 1),
            "mean_used": used_mean, "median_used": used_median,
            "mean_working_days": used_mean if in_working_days else None,
            "median_working_days": used_median if in_working_days else None}
