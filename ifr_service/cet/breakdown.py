"""Trends in the national database: counts, approval rates and median working days to decision,
broken down by any of its dimensions and filtered on the same, over a range of receipt dates.

A row's `cases` counts the requests received; `decided` those approved, approved with conditions
or declined; `approval_rate` is approved over decided; `median_working_days` is the median of the
decided cases' working days from receipt to decision (statistics.median's: the mean of the two
middle values of an even count).

The database does the work, in one query on PostgreSQL and SQLite alike, so the time grows with the
groups rather than the cases (a million cases over ten years): it counts the cases by group and
working days, a short histogram; reads each group's middle values from the histogram's running
totals (SQLite has no percentile); then labels the groups.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, String, Subquery, cast, func, literal, or_, select
from sqlmodel import SQLModel, col

from ifr_service import db
from ifr_service.cet.cohorts import APPROVED, DECIDED
from ifr_service.cet.models import NationalCase
from ifr_service.reference.models import Hub, Region
from ifr_service.sql import period_key, period_label
from ifr_service.tables import Table


@dataclass(frozen=True)
class Dimension:
    """A way to break the cases down: the key the database groups them by, cheap to work out for
    each case, and the label shown, worked out from the key for each group."""

    key: ColumnElement
    label: Callable[[ColumnElement], ColumnElement] = lambda key: key
    table: type[SQLModel] | None = None  # the reference table the label is read from, by id = key


def _period(name: str) -> Dimension:
    return Dimension(period_key(name, col(NationalCase.received_on)), lambda key: period_label(name, key))


DIMENSIONS: dict[str, Dimension] = {
    "month": _period("month"),
    "quarter": _period("quarter"),
    "year": _period("year"),
    "region": Dimension(col(NationalCase.region_id), lambda _: col(Region.code), Region),
    "hub": Dimension(col(NationalCase.hub_id), lambda _: col(Hub.code), Hub),
    "programme_of_care": Dimension(col(NationalCase.programme_of_care)),
    "crg": Dimension(col(NationalCase.crg_code)),
    "intervention": Dimension(col(NationalCase.intervention_key)),
    "icd10_chapter": Dimension(col(NationalCase.icd10_chapter)),
    "icd10_category": Dimension(col(NationalCase.icd10_category)),
    "route": Dimension(col(NationalCase.route)),
    "urgency": Dimension(col(NationalCase.urgency)),
    "outcome": Dimension(col(NationalCase.outcome)),
    "reported_response": Dimension(col(NationalCase.reported_response)),
}
MEASURES = ["cases", "decided", "approved", "approval_rate", "median_working_days"]
IS_DECIDED = col(NationalCase.outcome).in_(DECIDED)
DAYS = col(NationalCase.working_days_to_decision)


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
    names = list(dict.fromkeys(by))  # a dimension named twice is one column, as in a dict
    found = db.session().execute(_labelled(names, _histogram(names, start, end, filters or {}))).all()
    rows = [_row(names, row) for row in found if row[len(names)]]  # with no dimensions, no cases is no row
    return Breakdown(by=tuple(by), rows=sorted(rows, key=lambda row: tuple(str(row[name]) for name in names)))


def iter_rows(by: list[str], start: date, end: date, filters: dict[str, str] | None = None,
              batch: int = 2000) -> Iterator[dict]:
    """breakdown()'s rows one at a time, in the same order, as the database streams them (a
    server-side cursor on PostgreSQL), `batch` at a time: for an export of hundreds of thousands of
    rows, which is written as it is read and never held whole. Read within one unit of work."""
    names = list(dict.fromkeys(by))
    query = _labelled(names, _histogram(names, start, end, filters or {}), ordered=True)
    result = db.session().execute(query.execution_options(stream_results=True, yield_per=batch))
    for row in result:
        if row[len(names)]:
            yield _row(names, row)


def _row(names: list[str], row) -> dict:
    return {**dict(zip(names, row[:len(names)], strict=True)),
            **_measures(*row[len(names):-2], low=row[-2], high=row[-1])}


def count_rows(by: list[str], start: date, end: date, filters: dict[str, str] | None = None) -> int:
    """How many rows breakdown() would give, without working out their measures: to decide, before
    making it, whether an export is small enough to make in the request."""
    keys = [DIMENSIONS[name].key for name in dict.fromkeys(by)]
    groups = _filtered(select(*keys).select_from(NationalCase), filters or {}).where(
        col(NationalCase.received_on) >= start, col(NationalCase.received_on) <= end).group_by(*keys)
    return db.session().execute(select(func.count()).select_from(groups.subquery())).scalar_one()


def _histogram(names: list[str], start: date, end: date, filters: dict[str, str]) -> Subquery:
    """The matching cases counted by group and working days to decision, each with the running
    total (in days' order) and the total of its group's decided cases with working days."""
    keys = [DIMENSIONS[name].key.label(f"key{index}") for index, name in enumerate(names)]
    query = select(*keys, DAYS.label("days"), func.count().label("cases"),
                   func.count().filter(IS_DECIDED).label("decided"),
                   func.count().filter(col(NationalCase.outcome).in_(APPROVED)).label("approved"),
                   func.count(DAYS).filter(IS_DECIDED).label("timed"))
    counted = _filtered(query.select_from(NationalCase), filters).where(
        col(NationalCase.received_on) >= start, col(NationalCase.received_on) <= end
    ).group_by(*(DIMENSIONS[name].key for name in names), DAYS).subquery("counted")
    group = [counted.c[f"key{index}"] for index in range(len(names))] or None
    return select(counted, func.sum(counted.c.timed).over(partition_by=group, order_by=counted.c.days)
                  .label("running"),
                  func.sum(counted.c.timed).over(partition_by=group).label("total")).subquery("histogram")


def _filtered(query: Select, filters: dict[str, str]) -> Select:
    for name, value in filters.items():
        dimension = DIMENSIONS[name]
        if dimension.table is not None:
            query = query.join(dimension.table, col(dimension.table.id) == dimension.key)
        label = dimension.label(dimension.key)
        # A filter compares the label as text, so "None" keeps the cases with no value (no CRG).
        query = query.where(or_(label.is_(None), label == value) if value == "None" else label == value)
    return query


def _labelled(names: list[str], histogram: Subquery, ordered: bool = False) -> Select:
    """Each group's label and measures. The median's middle values are the working days at which
    the running total first passes (total - 1) / 2 and total / 2, kept integer as 2 * running.
    `ordered`: in breakdown()'s order, each label compared as its text ("None" for none), code point
    by code point as Python compares strings (PostgreSQL's "C" collation; SQLite's own)."""
    labels, query = [], select()
    for index, name in enumerate(names):
        dimension, key = DIMENSIONS[name], histogram.c[f"key{index}"]
        if dimension.table is not None:
            query = query.join_from(histogram, dimension.table, col(dimension.table.id) == key)
        labels.append(dimension.label(key))
    running, total, days = histogram.c.running, histogram.c.total, histogram.c.days
    if ordered:
        query = query.order_by(*(_as_text(label) for label in labels))
    return query.add_columns(
        *labels, func.sum(histogram.c.cases), func.sum(histogram.c.decided), func.sum(histogram.c.approved),
        func.sum(histogram.c.timed), func.min(days).filter(2 * running > total - 1),
        func.min(days).filter(2 * running > total),
    ).select_from(histogram).group_by(*labels)


def _as_text(label: ColumnElement) -> ColumnElement:
    text = func.coalesce(cast(label, String), literal("None"))
    return text.collate("C") if db.session().get_bind().dialect.name == "postgresql" else text


def _measures(*sums: int, low: int | None, high: int | None) -> dict:
    # PostgreSQL's sum of counts is numeric: back to int, as the counts were.
    cases, decided, approved, timed = (int(value) for value in sums)
    return {"cases": cases, "decided": decided, "approved": approved,
            "approval_rate": round(approved / decided, 4) if decided else None,
            "median_working_days": None if not timed else low if timed % 2 else (low + high) / 2}
