"""The background jobs as administrators see them: how many wait, and the failed list to retry from."""

from __future__ import annotations

from flask import Blueprint
from marshmallow import Schema, fields

from ifr_service import db
from ifr_service.jobs import queries
from ifr_service.jobs.outbox import retry_failed_message
from ifr_service.jobs.presenters import present_message
from ifr_service.users.access import allow
from ifr_service.users.models import Role
from ifr_service.web.requests import ID

jobs = Blueprint("jobs", __name__)


class JobSchema(Schema):
    id = fields.Integer(required=True)
    job = fields.String(required=True, metadata={"example": "deliver_notification"})
    queue = fields.String(required=True)
    payload = fields.Dict(required=True, metadata={"description": "The ids the job works on"})
    attempts = fields.Integer(required=True)
    last_error = fields.String(allow_none=True)
    created_utc = fields.String(required=True)
    failed_utc = fields.String(allow_none=True)


class JobsSchema(Schema):
    waiting = fields.Integer(required=True, metadata={"description": "Jobs not yet completed nor failed"})
    oldest_waiting_seconds = fields.Integer(required=True)
    failed = fields.Integer(required=True)
    failed_jobs = fields.List(fields.Nested(JobSchema), required=True,
                              metadata={"description": "The failed list, newest first (at most 100)"})


def jobs_overview() -> dict:
    return {**queries.summarise_messages(db.utc_now()),
            "failed_jobs": [present_message(message) for message in queries.find_failed_messages()]}


@jobs.get("/jobs")
@allow(Role.ADMIN)
def list_jobs():
    """The background jobs: how many wait, and the failed list.
    ---
    get:
      summary: How many background jobs wait, and the jobs that failed for good, with their errors
      tags: [operations]
      responses:
        200: {description: The jobs, content: {application/json: {schema: Jobs}}}
    """
    return JobsSchema().dump(jobs_overview())


@jobs.post(f"/jobs/<{ID}:message_id>/retry")
@allow(Role.ADMIN)
def retry_job(message_id: int):
    """Retry a job from the failed list.
    ---
    post:
      summary: Retry a job from the failed list, with a fresh set of attempts
      tags: [operations]
      parameters: [{in: path, name: message_id, required: true, schema: {type: integer}}]
      responses:
        200: {description: The job, handed on again, content: {application/json: {schema: Job}}}
        409: {description: The job is not in the failed list, content: {application/json: {schema: Error}}}
    """
    return JobSchema().dump(present_message(retry_failed_message(message_id)))
