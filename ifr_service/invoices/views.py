"""The invoice-check pages: a region's CDF team and a hub's commissioning finance upload a trust's
invoice schedule, read each line's outcome, and download the challenges to send back to the trust.

Each person sees and checks against only their own region's (CDF) or hub's approvals, and sees only
the schedules checked for it: another's schedule is not found, like one that does not exist. The
rules are in invoices/service.py; a refused file keeps nothing.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from ifr_service.audit.models import EXPORT
from ifr_service.audit.recording import note_cases_shown, note_event
from ifr_service.errors import IfrError, ValidationFailed
from ifr_service.invoices import queries, service
from ifr_service.invoices.checks import KINDS, pounds
from ifr_service.invoices.models import ACCEPTED, CHALLENGED
from ifr_service.invoices.schedule import COLUMNS, MAX_BYTES, MAX_LINES, FileTooLarge
from ifr_service.text import text_problem
from ifr_service.users.access import current_user
from ifr_service.web.downloads import requested_download, table_file
from ifr_service.web.requests import ID, takes_file
from ifr_service.web.session import page_allow

invoice_pages = Blueprint("invoices", __name__)
TITLE = "Invoice checks"
NO_FILE = "Choose the trust's invoice schedule: a CSV file."
NOT_CSV = ("Choose the schedule saved as CSV (a file whose name ends .csv), not a spreadsheet or PDF: "
           "in Excel, Save As, CSV UTF-8.")


@invoice_pages.get("/invoices")
@page_allow(*service.CHECKS_INVOICES)
def list_schedules():
    scope = service.scope_of(current_user())
    return _list_page(scope, None, None)


@invoice_pages.post("/invoices")
@takes_file
@page_allow(*service.CHECKS_INVOICES)
def upload_schedule():
    user = current_user()
    scope = service.scope_of(user)
    try:
        filename, content = _uploaded_file()
        schedule = service.check_schedule(scope, filename, content, user)
    except (ValidationFailed, FileTooLarge) as error:
        return _list_page(scope, _messages(error), error.status_code), error.status_code
    return redirect(url_for(".show_schedule", schedule_id=schedule.id))


def _uploaded_file() -> tuple[str, bytes]:
    upload = request.files.get("schedule")
    if upload is None or not upload.filename:
        raise ValidationFailed({"schedule": NO_FILE})
    filename = upload.filename
    if text_problem(filename) or len(filename) > 200:
        raise ValidationFailed({"schedule": "The file's name holds characters that are not allowed: rename "
                                            "it, such as schedule.csv."})
    if not filename.lower().endswith(".csv"):
        raise ValidationFailed({"schedule": NOT_CSV})
    content = upload.stream.read(MAX_BYTES + 1)  # no more than one byte past the limit is read
    if len(content) > MAX_BYTES:
        raise FileTooLarge(f"The file is larger than a schedule may be ({MAX_BYTES:,} bytes, "
                           f"{MAX_LINES:,} lines). Split it into smaller schedules.", field="schedule")
    return filename, content


def _messages(error: IfrError) -> dict[str, list[str]]:
    if isinstance(error, ValidationFailed):
        return error.fields
    return {error.field or "schedule": [error.message]}


def _list_page(scope, errors: dict | None, status: int | None):
    schedules = queries.find_schedules(scope)
    error_links = [{"text": message, "href": "#field-schedule"}
                   for messages in (errors or {}).values() for message in messages]
    return render_template("invoices/list.html", title=TITLE, scope=scope, schedules=schedules,
                           errors=errors, error_links=error_links, columns=COLUMNS, max_bytes=MAX_BYTES,
                           max_lines=MAX_LINES, pounds=pounds,
                           file_error=("Fix what is listed above and upload the file again."
                                       if errors else None))


@invoice_pages.get(f"/invoices/<{ID}:schedule_id>")
@page_allow(*service.CHECKS_INVOICES)
def show_schedule(schedule_id: int):
    user = current_user()
    schedule = queries.get_schedule(schedule_id, service.scope_of(user))
    kind = requested_download()
    if kind:
        note_event(user, EXPORT, f"export:invoice-challenges:{schedule.id}")
        return table_file(service.challenges_table(schedule), kind)
    lines = queries.find_lines(schedule.id)
    note_cases_shown(user, queries.find_cases_of(line.authorisation_id for line in lines))
    return render_template(
        "invoices/schedule.html", title=f"Invoice schedule from {schedule.provider_code}", schedule=schedule,
        challenged=[line for line in lines if line.outcome == CHALLENGED],
        accepted=[line for line in lines if line.outcome == ACCEPTED], kinds=KINDS, pounds=pounds,
        back_link={"href": url_for(".list_schedules"), "text": "Back to invoice checks"})
