"""The background jobs page: the service administrator sees how many jobs wait and retries failed ones."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ifr_service.audit.models import ADMIN
from ifr_service.audit.recording import note_event
from ifr_service.errors import Conflict
from ifr_service.jobs.outbox import retry_failed_message
from ifr_service.jobs.routes import jobs_overview
from ifr_service.users.access import current_user
from ifr_service.users.models import Role
from ifr_service.web.requests import ID
from ifr_service.web.session import page_allow

job_pages = Blueprint("jobs", __name__)


@job_pages.get("/jobs")
@page_allow(Role.ADMIN)
def list_jobs():
    return render_template("jobs/list.html", title="Background jobs", overview=jobs_overview())


@job_pages.post(f"/jobs/<{ID}:message_id>/retry")
@page_allow(Role.ADMIN)
def retry_job(message_id: int):
    """Retry a failed job. A second press (a double click, or the overview and this page both open)
    finds it handed on already, and says so: the retry happens once."""
    back = "pages.admin.overview" if request.form.get("back") == "overview" else "pages.jobs.list_jobs"
    try:
        message = retry_failed_message(message_id)
    except Conflict:
        flash(f"Job {message_id} is not in the failed list: it has been handed on again already.")
        return redirect(url_for(back))
    note_event(current_user(), ADMIN, f"job:{message.id}")
    flash(f"Job {message.id} ({message.job}) has been handed on again.")
    return redirect(url_for(back))
