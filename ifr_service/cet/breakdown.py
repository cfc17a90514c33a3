"""Trends in the national database: counts, approval rates and median working days to decision,
broken down by any of its dimensions and filtered on the same, over a range of receipt dates.

A row's `cases` counts the requests received; `decided` those approved, approved with conditions
or declined; `approval_rate` is approved over decided; `median_working_days` is the median of the
decided cases' working days from receipt to decision.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from statistics import median

from sqlmodel import select

from ifr_service import db
from ifr_service.cet.cohorts import APPROVED, DECIDED
from ifr_service.cet.export import Table
from ifr_service.cet.models import NationalCase
from ifr_service.reference.models import Hub, Region

# Each dimension: how to read it from a row (received_on and the hub's and region's codes
# are resolved before).
DIMENSIONS: dict[str, Callable[[dict], object]] = {
    "month": lambda r: f"{r['received_on']:%Y-%m}",
    "quarter": lambda r: f"{r['received_on'].year}-Q{(r['received_on'].month - 1) // 3 + 1}",
    "year": lambda r: str(r["received_on"].year),
    "region": lambda r: r["region"],
    "hub": lambda r: r["hub"],
    "programme_of_care": lambda r: r["programme_of_care"],
    "crg": lambda r: r["crg_code"],
    "intervention": lambda r: r["intervention_key"],
    "icd10_chapter": lambda r: r["icd10_chapter"],
    "icd10_category": lambda r: r["icd10_category"],
    "route": lambda r: r["route"],
    "urgency": lambda r: r["urgency"],
    "outcome": lambda r: r["outcome"],
}
MEASURES = ["cases", "decided", "approved", "approval_rate", "median_working_days"]
COLUMNS = ("received_on", "hub_id", "region_id", "programme_of_care", "crg_code", "intervention_key",
           "icd10_chapter", "icd10_category", "route", "urgency", "outcome", "working_days_to_decision")


@dataclass(frozen=True)
class Breakdown:
    by: tuple[str, ...]
    rows: list[dict]

    @property
    def columns(self) -> list[str]:
        return [*self.by, *MEASURES]

    def as_table(self) -> Table:
        return Table(title="Trends", columns=self.columns, rows=self.rows)


def breakdown(by: list[str], start: date, end: date, filters: dict[str, str] | None = None) -> Breakdown:
    """Rows grouped by the dimensions `by`, in their order, of the cases received in [start, end]
    that match every filter (dimension name to value)."""
    filters = filters or {}
    hubs = dict(db.session().exec(select(Hub.id, Hub.code)).all())
    regions = dict(db.session().exec(select(Region.id, Region.code)).all())
    query = (select(*(getattr(NationalCase, column) for column in COLUMNS))
             .where(NationalCase.received_on >= start, NationalCase.received_on <= end))
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for values in db.session().exec(query):
        row = dict(zip(COLUMNS, values, strict=True))
        row["hub"], row["region"] = hubs[row["hub_id"]], regions[row["region_id"]]
        if all(str(DIMENSIONS[name](row)) == value for name, value in filters.items()):
            groups[tuple(DIMENSIONS[name](row) for name in by)].append(row)
    return Breakdown(by=tuple(by), rows=[
        {**dict(zip(by, key, strict=True)), **_measures(rows)}
        for key, rows in sorted(groups.items(), key=lambda item: tuple(str(k) for k in item[0]))])


def _measures(rows: list[dict]) -> dict:
    decided = [row for row in rows if row["outcome"] in DECIDED]
    approved = sum(row["outcome"] in APPROVED for row in decided)
    days = [row["working_days_to_decision"] for row in decided if row["working_days_to_decision"] is not None]
    return {"cases": len(rows), "decided": len(decided), "approved": approved,
            "approval_rate": round(approved / len(decided), 4) if decided else None,
            "median_working_days": median(days) if days else None}
