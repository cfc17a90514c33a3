"""A region's CDF audit: for each entry, how many applications were made and approved, which
criteria went unconfirmed, and what became of the approvals (started, expired, lapsed, stopped)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from ifr_service.cdf import queries


@dataclass
class AuditRow:
    entry_key: str
    entry_version: int
    applications: int = 0
    approved: int = 0
    not_approved: int = 0
    unmet_criteria: Counter = field(default_factory=Counter)
    started: int = 0
    expired: int = 0
    lapsed: int = 0
    stopped: Counter = field(default_factory=Counter)


def region_audit(region_id: int, start: date, end: date) -> list[AuditRow]:
    """One row per entry version decided on between the dates, in the order of the list's keys."""
    rows: dict[tuple[str, int], AuditRow] = {}
    for record, case in queries.find_decided_between(start, end, region_id=region_id):
        key = (record.entry_key, record.entry_version)
        row = rows.setdefault(key, AuditRow(*key))
        row.applications += 1
        if record.approval_number is None:
            row.not_approved += 1
            row.unmet_criteria.update(record.unmet_criteria)
            continue
        row.approved += 1
        row.started += record.started_on is not None
        row.expired += case.state == "expired"
        row.lapsed += case.state == "lapsed"
        if record.stop_reason:
            row.stopped[record.stop_reason] += 1
    return [rows[key] for key in sorted(rows)]
