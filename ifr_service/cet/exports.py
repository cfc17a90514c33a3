"""Large CET exports, made in the background rather than in the request.

An export of the trends with more rows than `CET_EXPORT_INLINE_MAX_ROWS` (a breakdown by
intervention over the whole national history has hundreds of thousands) is not made in the request,
where it outlived gunicorn's 30-second timeout and the worker was killed. The request records a
`cet_export`, queues `prepare_cet_export` through the outbox in the same transaction, and answers
202 at once with where to watch it. The job, on the worker, streams the table from the database into
a temporary file row by row, never holding it whole (reporting how many rows it has written, in
transactions of its own, so the page can show it), and keeps the finished file with the export. Only
the analyst who asked for an export may see it or download it.

A made file is kept for CET_EXPORT_RETENTION_DAYS (7 by default) after it was made, and a failed
export as long after it was asked for; then the clock sweep's `expire_cet_exports` clears the file
and marks the export `expired` (its record stays, to say what was asked and that it has gone).
"""

from __future__ import annotations

import tempfile
from datetime import date, timedelta

from ifr_service import db, tables
from ifr_service.cet import breakdown, queries, trend_table
from ifr_service.cet.models import CetExport
from ifr_service.cet.names import Namer
from ifr_service.errors import Conflict, NotFound
from ifr_service.jobs.outbox import queue_job
from ifr_service.jobs.queues import DEFAULT
from ifr_service.jobs.registry import job
from ifr_service.runtime import runtime
from ifr_service.users.models import User

READY, FAILED, EXPIRED = "ready", "failed", "expired"
SPOOL_BYTES = 1024 * 1024  # a file up to this size is kept in memory while it is written; larger, on disk


def is_large(rows: int) -> bool:
    return rows > runtime().config.cet_export_inline_max_rows


def request_trends_export(user: User, by: list[str], start: date, end: date, filters: dict[str, str],
                          kind: str, rows: int, named: bool = False) -> CetExport:
    """Record the export and queue its job, to run once this transaction commits. `named`: with the
    trends page's columns (names for codes, trend_table.py) rather than the API's."""
    arguments = {"by": list(by), "from": start.isoformat(), "to": end.isoformat(), "filters": filters}
    item = queries.create_export(CetExport(
        requested_by_id=user.id, report="trends", format=kind, rows_total=rows, filename=f"trends.{kind}",
        arguments={**arguments, "named": True} if named else arguments))
    queue_job("prepare_cet_export", export_id=item.id)
    return item


def page_trends_export(user: User, by: list[str], start: date, end: date, filters: dict[str, str],
                       kind: str, rows: int) -> CetExport:
    """The trends page's export of these rows: the analyst's own, if one is already asked for and not
    failed or expired (a second click, or the back button and the link again, makes no second job)."""
    arguments = {"by": list(by), "from": start.isoformat(), "to": end.isoformat(), "filters": filters,
                 "named": True}
    for item in queries.find_recent_exports(user.id):
        if item.format == kind and item.arguments == arguments and item.status not in (FAILED, EXPIRED):
            return item
    return request_trends_export(user, by, start, end, filters, kind, rows, named=True)


def get_own_export(export_id: int, user: User, with_content: bool = False) -> CetExport:
    """The export if this analyst asked for it; another's is not found, as one that does not exist."""
    item = queries.get_export(export_id, with_content=with_content)
    if item.requested_by_id != user.id:
        raise NotFound("No such export.", field="export_id")
    return item


def get_ready_file(export_id: int, user: User) -> CetExport:
    item = get_own_export(export_id, user, with_content=True)
    if item.status == EXPIRED:
        days = runtime().config.cet_export_retention_days
        raise Conflict(f"The export has expired: files are kept for {days} days. Ask for it again.",
                       field="export_id")
    if item.status != READY:
        raise Conflict("The export is not ready yet: its page shows how far it has got.", field="export_id")
    return item


@job("prepare_cet_export", queue=DEFAULT)
def prepare_cet_export(export_id: int) -> None:
    """Make the file. Each step commits on its own, so the page sees the progress; a second run of a
    made (or expired) export does nothing, and a failure is marked on the export before the outbox
    retries it."""
    engine = runtime().engine
    with db.unit_of_work(engine):
        item = queries.get_export(export_id)
        if item.status in (READY, EXPIRED):
            return
        item.status, item.rows_written = "running", 0
        arguments, kind = dict(item.arguments), item.format
    try:
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as out:
            written = _write_trends(export_id, arguments, kind, out)
            out.seek(0)
            content = out.read()
        _record(export_id, status=READY, rows_written=written, rows_total=written, content=content,
                size_bytes=len(content), completed_utc=db.utc_now())
    except Exception:
        _record(export_id, status=FAILED)
        raise


def _write_trends(export_id: int, arguments: dict, kind: str, out) -> int:
    """Stream the breakdown from the database into `out`, as one read; returns the rows written."""
    by, start, end = (arguments["by"], date.fromisoformat(arguments["from"]),
                      date.fromisoformat(arguments["to"]))
    with db.unit_of_work(runtime().engine):
        total = breakdown.count_rows(by, start, end, arguments["filters"])
        _record(export_id, rows_total=total)
        rows = breakdown.iter_rows(by, start, end, arguments["filters"])
        columns = [*by, *breakdown.MEASURES]  # as Breakdown.columns
        if arguments.get("named"):  # as the trends page shows them
            columns, rows = trend_table.columns(by), trend_table.shown_rows(by, rows, Namer(by))
        progress = lambda written: _record(export_id, rows_written=written)  # noqa: E731
        if kind == "csv":
            return tables.write_csv(columns, rows, out, progress)
        return tables.write_xlsx("Trends", columns, rows, out, progress)


def _record(export_id: int, **values) -> None:
    with db.unit_of_work(runtime().engine):
        item = queries.get_export(export_id)
        for name, value in values.items():
            setattr(item, name, value)


def expire_cet_exports() -> int:
    """Clear the files of exports made more than CET_EXPORT_RETENTION_DAYS ago, and mark those and
    the failed exports asked for as long ago `expired`. Idempotent: an expired export is left as it
    is. Run by the clock sweep, in a unit of work of its own; returns how many it expired."""
    cutoff = db.utc_now() - timedelta(days=runtime().config.cet_export_retention_days)
    with db.unit_of_work(runtime().engine):
        expired = queries.find_exports_to_expire(cutoff)
        for item in expired:
            item.status, item.content = EXPIRED, None
        return len(expired)
