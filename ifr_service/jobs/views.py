"""The background jobs page: the service administrator sees how many jobs wait and retries failed ones."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for

from ifr_service.api.requests import ID
from ifr_service.jobs.outbox import retry_failed_message
from ifr_service.jobs.routes import jobs_overview
from ifr_service.users.models import Role
from ifr_service.web.session import page_allow

job_pages = Blueprint("jobs", __name__)


@job_pages.get("/jobs")
@page_allow(Role.ADMIN)
def list_jobs():
    return render_template("jobs/list.html", title="Background jobs", overview=jobs_overview())


@job_pages.post(f"/jobs/<{ID}:message_id>/retry")
@page_allow(Role.ADMIN)
def retry_job(message_id: int):
    message = retry_failed_message(message_id)
    flash(f"Job {message.id} ({message.job}) has been handed on again.")
    return redirect(url_for("pages.jobs.list_jobs"))
