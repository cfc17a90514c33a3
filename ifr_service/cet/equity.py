"""Equity between hubs: each hub's IFR approval rate against the national rate, on a funnel plot.

Over IFR cases decided between two dates as approved, approved with conditions (both approvals)
or declined, the national rate is p. A hub deciding n cases is flagged `low` or `high` when its
rate lies outside p ± 3.09·sqrt(p(1-p)/n), the 99.8% funnel limits: variation more than chance
would make, and worth the CET's look. The 95% limits (1.96) are given for the plot.
"""

from __future__ import annotations

import math
from datetime import date

from sqlalchemy import case, func
from sqlmodel import select

from ifr_service import db
from ifr_service.cet.cohorts import APPROVED, DECIDED
from ifr_service.cet.models import NationalCase
from ifr_service.reference.models import Hub
from ifr_service.tables import Table

Z_998 = 3.09
Z_95 = 1.96


def hub_equity(start: date, end: date, crg_code: str | None = None) -> dict:
    query = (select(Hub.code, Hub.name, func.count(),
                    func.sum(case((NationalCase.outcome.in_(APPROVED), 1), else_=0)))
             .join(Hub, Hub.id == NationalCase.hub_id)
             .where(NationalCase.route == "ifr", NationalCase.outcome.in_(DECIDED),
                    NationalCase.decided_on >= start, NationalCase.decided_on <= end)
             .group_by(Hub.code, Hub.name).order_by(Hub.code))
    if crg_code:
        query = query.where(NationalCase.crg_code == crg_code)
    rows = [(code, name, n, int(approvals)) for code, name, n, approvals in db.session().exec(query)]
    total, approved = sum(row[2] for row in rows), sum(row[3] for row in rows)
    p = approved / total if total else None
    return {
        "from": start, "to": end, "crg": crg_code,
        "national": {"n": total, "approvals": approved, "rate": _round(p)},
        "hubs": [_hub(code, name, n, approvals, p) for code, name, n, approvals in rows],
    }


def _hub(code: str, name: str, n: int, approvals: int, p: float) -> dict:
    rate = approvals / n
    spread = math.sqrt(p * (1 - p) / n)
    low, high = p - Z_998 * spread, p + Z_998 * spread
    return {
        "hub": code, "name": name, "n": n, "approvals": approvals, "rate": _round(rate),
        "limits_95": _limits(p, Z_95 * spread),
        "limits_998": _limits(p, Z_998 * spread),
        "flag": "low" if rate < low else "high" if rate > high else None,
    }


def _limits(p: float, width: float) -> list[float]:
    """The funnel's limits, within the rates a hub can have (0 to 1)."""
    return [_round(max(0.0, p - width)), _round(min(1.0, p + width))]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def as_table(analysis: dict) -> Table:
    """The hubs' rows flat, for export: one column for each limit."""
    rows = [{**{key: value for key, value in hub.items() if not key.startswith("limits")},
             "lower_95": hub["limits_95"][0], "upper_95": hub["limits_95"][1],
             "lower_998": hub["limits_998"][0], "upper_998": hub["limits_998"][1],
             "national_rate": analysis["national"]["rate"]} for hub in analysis["hubs"]]
    return Table(title="Equity between hubs", rows=rows, columns=[
        "hub", "name", "n", "approvals", "rate", "national_rate", "lower_95", "upper_95",
        "lower_998", "upper_998", "flag"])
