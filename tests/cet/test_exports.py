"""A large export is made in the background: the request records it and queues its job through the
outbox, and answers 202 at once; the worker writes the file, reporting its progress; the page and the
API show how far it has got and then the link to the file, to the analyst who asked for it alone."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from ifr_service import db, tables
from ifr_service.cet import breakdown, exports, queries
from ifr_service.cet.models import CetExport
from ifr_service.jobs.models import OutboxMessage
from ifr_service.users.models import Role, User
from tests.cet.test_breakdown import ROWS
from tests.cet.test_import import csv_lines, load
from tests.web.browsing import Person

TRENDS = "/api/v1/cet/trends?from=2024-01-01&to=2024-12-31&by=hub,month"


@pytest.fixture
def small_limit(app, monkeypatch):
    """Exports of more than 2 rows count as large (ROWS break down into 5 by hub and month)."""
    runtime = app.extensions["ifr"]
    monkeypatch.setattr(runtime, "config", dataclasses.replace(runtime.config, cet_export_inline_max_rows=2))


def test_a_large_export_is_not_made_in_the_request_but_by_the_worker(
        app, client, auth, in_db, run_jobs, production, small_limit):
    load(app, csv_lines(*ROWS))
    cet = auth("demo-cet")

    queued = client.get(f"{TRENDS}&format=xlsx", headers=cet)

    assert queued.status_code == 202
    assert queued.headers["Location"] == f"/api/v1/cet/exports/{queued.json['id']}"
    assert (queued.json["status"], queued.json["rows_total"]) == ("queued", 5)
    assert queued.json["links"]["file"] is None
    # The request has answered and nothing of the file is made: its job waits for the worker.
    waiting = client.get(queued.headers["Location"], headers=cet).json
    assert (waiting["status"], waiting["rows_written"]) == ("queued", 0)
    assert client.get(f"{queued.headers['Location']}/file", headers=cet).status_code == 409
    [job] = in_db(lambda: [m.job for m in db.session().exec(select(OutboxMessage))
                           if m.completed_utc is None])
    assert job == "prepare_cet_export"

    run_jobs()  # the worker
    ready = client.get(queued.headers["Location"], headers=cet).json
    assert (ready["status"], ready["rows_written"]) == ("ready", 5)
    made = client.get(ready["links"]["file"], headers=cet)
    assert "trends.xlsx" in made.headers["Content-Disposition"]
    rows = [[cell.value for cell in row] for row in load_workbook(io.BytesIO(made.data)).active.iter_rows()]
    table = in_db(lambda: breakdown.breakdown(["hub", "month"], date(2024, 1, 1), date(2024, 12, 31)))
    assert rows[0] == table.columns
    assert [row[:3] for row in rows[1:]] == [[r["hub"], r["month"], r["cases"]] for r in table.rows]


def test_a_large_csv_export_ends_ready_on_either_stack(app, client, auth, run_jobs, small_limit):
    load(app, csv_lines(*ROWS))
    cet = auth("demo-cet")
    queued = client.get(f"{TRENDS}&format=csv", headers=cet)
    assert queued.status_code == 202
    run_jobs()
    ready = client.get(queued.headers["Location"], headers=cet).json
    made = client.get(ready["links"]["file"], headers=cet)
    assert [row["hub"] for row in csv.DictReader(io.StringIO(made.get_data(as_text=True)))] == [
        "london", "london", "london", "london", "yorkshire-and-humber"]


def test_an_export_within_the_limit_is_made_in_the_request(app, client, auth):
    load(app, csv_lines(*ROWS))
    made = client.get(f"{TRENDS}&format=csv", headers=auth("demo-cet"))
    assert made.status_code == 200 and made.mimetype == "text/csv"


def test_a_breakdown_too_large_for_an_answer_is_refused_as_json_naming_the_export(
        app, client, auth, small_limit):
    load(app, csv_lines(*ROWS))
    refused = client.get(TRENDS, headers=auth("demo-cet"))
    assert refused.status_code == 422
    [error] = refused.json["errors"]
    assert error["field"] == "by" and "5 rows" in error["message"] and "CSV or XLSX" in error["message"]


def test_only_the_analyst_who_asked_may_see_or_download_an_export(app, client, auth, in_db, run_jobs,
                                                                   small_limit):
    load(app, csv_lines(*ROWS))
    in_db(lambda: db.session().add(User(username="cet-2", display_name="Another analyst",
                                        email="cet-2@example.nhs.uk", role=Role.CET_ANALYST.value)))
    queued = client.get(f"{TRENDS}&format=csv", headers=auth("demo-cet"))
    run_jobs()
    for path in (queued.headers["Location"], f"{queued.headers['Location']}/file"):
        assert client.get(path, headers=auth("cet-2")).status_code == 404
    other = Person(app.test_client(), "cet-2")
    other.open(f"/cet/exports/{queued.json['id']}", expect=404)
    other.open(f"/cet/exports/{queued.json['id']}/file", expect=404)


def test_the_page_shows_the_progress_and_then_the_link_to_the_file(app, client, auth, run_jobs, small_limit):
    load(app, csv_lines(*ROWS))
    queued = client.get(f"{TRENDS}&format=xlsx", headers=auth("demo-cet"))
    analyst = Person(app.test_client(), "demo-cet")
    page = f"/cet/exports/{queued.json['id']}"
    if app.extensions["ifr"].config.redis_url:  # on the embedded default the job ran after the commit
        shown = analyst.open(page)
        assert "Waiting to start" in shown and "0 of 5" in shown and "Download" not in shown
    run_jobs()
    shown = analyst.open(page)
    assert "Ready" in shown and "5 of 5" in shown and "Download trends.xlsx" in shown
    made = analyst.client.get(f"{page}/file")
    assert made.status_code == 200 and made.data.startswith(b"PK")


def test_the_file_is_written_reporting_its_progress(monkeypatch):
    monkeypatch.setattr(tables, "PROGRESS_EVERY", 2)
    table = tables.Table("Trends", ["hub", "cases"], [{"hub": "london", "cases": n} for n in range(5)])
    for write in (tables.as_csv, tables.as_xlsx):
        reported: list[int] = []
        write(table, reported.append)
        assert reported == [2, 4]


def test_an_export_that_fails_is_marked_failed_and_left_to_the_outboxs_retries(
        app, client, auth, in_db, run_jobs, small_limit, monkeypatch):
    load(app, csv_lines(*ROWS))

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(tables, "write_csv", broken)
    queued = client.get(f"{TRENDS}&format=csv", headers=auth("demo-cet"))
    run_jobs()
    failed = client.get(queued.headers["Location"], headers=auth("demo-cet")).json
    assert (failed["status"], failed["links"]["file"]) == ("failed", None)
    page = Person(app.test_client(), "demo-cet").open(f"/cet/exports/{failed['id']}")
    assert "it will be tried again" in page
    [message] = in_db(lambda: list(db.session().exec(select(OutboxMessage))))
    assert "disk full" in message.last_error and message.next_attempt_utc is not None


def test_the_worker_streams_the_rows_into_the_file_and_never_holds_the_table(
        app, client, auth, run_jobs, small_limit, monkeypatch):
    """494,000 rows held as a table, then as a file, cost the worker hundreds of megabytes: the job
    now writes each row as the database gives it (never calling breakdown(), which holds them all)."""
    load(app, csv_lines(*ROWS))

    def held(*_args, **_kwargs):
        raise AssertionError("the job held the whole table")

    monkeypatch.setattr(breakdown, "breakdown", held)
    monkeypatch.setattr(tables, "PROGRESS_EVERY", 1)
    read, written_when_read = [0], []
    streamed = breakdown.iter_rows

    def counted(*args, **kwargs):
        for row in streamed(*args, **kwargs):
            read[0] += 1
            yield row

    real_write = tables.write_csv

    def write(columns, rows, out, progress):
        return real_write(columns, rows, out, lambda n: (written_when_read.append((n, read[0])), progress(n)))

    monkeypatch.setattr(breakdown, "iter_rows", counted)
    monkeypatch.setattr(tables, "write_csv", write)
    queued = client.get(f"{TRENDS}&format=csv", headers=auth("demo-cet"))
    run_jobs()
    ready = client.get(queued.headers["Location"], headers=auth("demo-cet")).json
    assert (ready["status"], ready["rows_written"], ready["rows_total"]) == ("ready", 5, 5)
    # each row was written as soon as it was read: the reader was never ahead of the writer
    assert written_when_read == [(n, n) for n in range(1, 6)]


def make_ready_export(app, client, auth, run_jobs) -> dict:
    load(app, csv_lines(*ROWS))
    queued = client.get(f"{TRENDS}&format=csv", headers=auth("demo-cet"))
    run_jobs()
    return client.get(queued.headers["Location"], headers=auth("demo-cet")).json


def age_export(in_db, export_id: int, days: float, status: str | None = None) -> None:
    def backdate():
        item = db.session().get(CetExport, export_id)
        item.completed_utc = item.requested_utc = db.utc_now() - timedelta(days=days)
        if status:
            item.status = status
    in_db(backdate)


def test_a_made_file_is_kept_for_the_retention_days_then_cleared_by_the_sweep(
        app, client, auth, in_db, run_jobs, small_limit):
    assert app.extensions["ifr"].config.cet_export_retention_days == 7  # the stated default
    made = make_ready_export(app, client, auth, run_jobs)
    age_export(in_db, made["id"], days=6.9)
    assert in_db(exports.expire_cet_exports) == 0  # within the week: kept
    assert client.get(made["links"]["file"], headers=auth("demo-cet")).status_code == 200

    age_export(in_db, made["id"], days=7.1)
    assert in_db(exports.expire_cet_exports) == 1
    assert in_db(exports.expire_cet_exports) == 0  # idempotent: an expired export is left as it is
    item = in_db(lambda: queries.get_export(made["id"], with_content=True).model_dump())
    assert (item["status"], item["content"]) == ("expired", None)
    gone = client.get(made["links"]["file"], headers=auth("demo-cet"))
    assert gone.status_code == 409
    assert gone.json["errors"][0]["message"] == (
        "The export has expired: files are kept for 7 days. Ask for it again.")
    shown = client.get(f"/api/v1/cet/exports/{made['id']}", headers=auth("demo-cet")).json
    assert (shown["status"], shown["links"]["file"]) == ("expired", None)
    page = Person(app.test_client(), "demo-cet").open(f"/cet/exports/{made['id']}")
    assert "Expired: its file was kept for 7 days" in page and "Download" not in page


def test_a_failed_export_expires_too_and_the_clock_sweep_runs_the_expiry(
        app, client, auth, in_db, run_jobs, small_limit):
    from ifr_service.jobs.schedule import run_clock_sweep

    made = make_ready_export(app, client, auth, run_jobs)
    age_export(in_db, made["id"], days=30, status="failed")
    with app.app_context():
        run_clock_sweep()
    assert in_db(lambda: queries.get_export(made["id"]).status) == "expired"


def test_the_retention_is_configuration():
    from ifr_service.config import Config, ConfigError

    assert Config.from_environment({"CET_EXPORT_RETENTION_DAYS": "30"}).cet_export_retention_days == 30
    with pytest.raises(ConfigError, match="CET_EXPORT_RETENTION_DAYS"):
        Config.from_environment({"CET_EXPORT_RETENTION_DAYS": "0"})
