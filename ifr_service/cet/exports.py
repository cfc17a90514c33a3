"""Large CET exports, made in the background rather than in the request.

An export of the trends with more rows than `CET_EXPORT_INLINE_MAX_ROWS` (a breakdown by
intervention over the whole national history has hundreds of thousands) is not made in the request,
where it outlived gunicorn's 30-second timeout and the worker was killed. The request records a
`cet_export`, queues `prepare_cet_export` through the outbox in the same transaction, and answers
202 at once with where to watch it. The job, on the worker, reads the table, writes the file
(reporting how many rows it has written, in transactions of its own, so the page can show it) and
keeps it with the export. Only the analyst who asked for an export may see it or download it.
"""

from __future__ import annotations

from datetime import date

from ifr_service import db
from ifr_service.cet import breakdown, export, queries
from ifr_service.cet.models import CetExport
from ifr_service.errors import Conflict, NotFound
from ifr_service.jobs.outbox import queue_job
from ifr_service.jobs.queues import DEFAULT
from ifr_service.jobs.registry import job
from ifr_service.runtime import runtime
from ifr_service.users.models import User

READY, FAILED = "ready", "failed"


def is_large(rows: int) -> bool:
    return rows > runtime().config.cet_export_inline_max_rows


def request_trends_export(user: User, by: list[str], start: date, end: date, filters: dict[str, str],
                          kind: str, rows: int) -> CetExport:
    """Record the export and queue its job, to run once this transaction commits."""
    item = queries.create_export(CetExport(
        requested_by_id=user.id, report="trends", format=kind, rows_total=rows, filename=f"trends.{kind}",
        arguments={"by": list(by), "from": start.isoformat(), "to": end.isoformat(), "filters": filters}))
    queue_job("prepare_cet_export", export_id=item.id)
    return item


def get_own_export(export_id: int, user: User, with_content: bool = False) -> CetExport:
    """The export if this analyst asked for it; another's is not found, as one that does not exist."""
    item = queries.get_export(export_id, with_content=with_content)
    if item.requested_by_id != user.id:
        raise NotFound("No such export.", field="export_id")
    return item


def get_ready_file(export_id: int, user: User) -> CetExport:
    item = get_own_export(export_id, user, with_content=True)
    if item.status != READY:
        raise Conflict("The export is not ready yet: its page shows how far it has got.", field="export_id")
    return item


@job("prepare_cet_export", queue=DEFAULT)
def prepare_cet_export(export_id: int) -> None:
    """Make the file. Each step commits on its own, so the page sees the progress; a second run of a
    made export does nothing, and a failure is marked on the export before the outbox retries it."""
    engine = runtime().engine
    with db.unit_of_work(engine):
        item = queries.get_export(export_id)
        if item.status == READY:
            return
        item.status, item.rows_written = "running", 0
        arguments, kind = dict(item.arguments), item.format
    try:
        with db.unit_of_work(engine):
            table = breakdown.breakdown(arguments["by"], date.fromisoformat(arguments["from"]),
                                        date.fromisoformat(arguments["to"]), arguments["filters"]).as_table()
        _record(export_id, rows_total=len(table.rows))
        write = export.as_csv if kind == "csv" else export.as_xlsx
        content = write(table, lambda rows: _record(export_id, rows_written=rows))
        if isinstance(content, str):
            content = content.encode("utf-8")
        _record(export_id, status=READY, rows_written=len(table.rows), content=content,
                size_bytes=len(content), completed_utc=db.utc_now())
    except Exception:
        _record(export_id, status=FAILED)
        raise


def _record(export_id: int, **values) -> None:
    with db.unit_of_work(runtime().engine):
        item = queries.get_export(export_id)
        for name, value in values.items():
            setattr(item, name, value)
