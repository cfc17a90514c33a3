"""An outbox message as operators see it: its job, its attempts and its error; never its payload's
meaning beyond the ids it holds."""

from __future__ import annotations

from ifr_service.jobs.models import OutboxMessage


def present_message(message: OutboxMessage) -> dict:
    return {
        "id": message.id, "job": message.job, "queue": message.queue, "payload": message.payload,
        "attempts": message.attempts, "last_error": message.last_error,
        "created_utc": _stamp(message.created_utc), "failed_utc": _stamp(message.failed_utc),
    }


def _stamp(moment) -> str | None:
    return moment.isoformat() if moment is not None else None
