"""One error type, turned into one JSON shape by one handler.

Every error the API answers looks like
`{"errors": [{"field": "patient.nhs_number", "message": "..."}], "status": 422}`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class IfrError(Exception):
    status_code = 400

    def __init__(self, message: str, status_code: int | None = None, field: str | None = None,
                 **extra):
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra  # further keys of the error body, beside "errors" and "status"
        if status_code is not None:
            self.status_code = status_code

    def errors(self) -> list[dict]:
        return [{"field": self.field, "message": self.message}]


class ValidationFailed(IfrError):
    """One or more fields of the request are wrong; nothing was changed."""

    status_code = 422

    def __init__(self, fields: dict[str, list[str] | str]):
        self.fields = {name: _as_list(messages) for name, messages in fields.items()}
        super().__init__("The request has errors: " + ", ".join(sorted(self.fields)))

    def errors(self) -> list[dict]:
        return [
            {"field": None if name == "_request" else name, "message": message}
            for name, messages in sorted(self.fields.items())
            for message in messages
        ]


class NotFound(IfrError):
    status_code = 404


class Unauthorised(IfrError):
    status_code = 401


class Forbidden(IfrError):
    status_code = 403


class Conflict(IfrError):
    status_code = 409


class ServiceUnavailable(IfrError):
    """A part the service needs (the database) is down or restarting: try again shortly."""

    status_code = 503
    retry_after_seconds = 5


class TransitionNotAllowed(Conflict):
    """The workflow does not allow this action now. The body names the state the case is in
    (`current_state`, its key and title: another person may have moved it on a moment ago)
    and lists the actions that are allowed from it."""

    def __init__(self, message: str, status_code: int | None = None,
                 allowed_actions: list[str] | None = None, current_state: dict | None = None):
        extra = {"current_state": current_state} if current_state is not None else {}
        super().__init__(message, status_code=status_code, allowed_actions=allowed_actions or [],
                         **extra)
        self.current_state = current_state


def flatten_marshmallow_errors(messages: dict | list, prefix: str = "") -> dict[str, list[str]]:
    """Turn marshmallow's nested error dict into dotted field paths."""
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return {prefix or "_request": list(messages)}
    flat: dict[str, list[str]] = {}
    items = messages.items() if isinstance(messages, dict) else enumerate(messages)
    for key, value in items:
        name = "_request" if key == "_schema" else str(key)
        path = f"{prefix}.{name}" if prefix and name != "_request" else (prefix or name)
        for field_name, field_messages in flatten_marshmallow_errors(value, path).items():
            flat.setdefault(field_name, []).extend(field_messages)
    return flat


def _as_list(messages: Iterable[str] | str) -> list[str]:
    return [messages] if isinstance(messages, str) else list(messages)


def error_response(error: IfrError):
    body = {"errors": error.errors(), "status": error.status_code, **error.extra}
    headers = {"Retry-After": str(error.retry_after_seconds)} if isinstance(error, ServiceUnavailable) else {}
    return jsonify(body), error.status_code, headers


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(IfrError)
    def handle_ifr_error(error: IfrError):
        return error_response(error)

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        status = error.code or 500
        return jsonify({"errors": [{"field": None, "message": error.description}], "status": status}), status

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        log.exception("unhandled error")
        message = "Something went wrong on our side. Nothing was saved; please try again."
        return jsonify({"errors": [{"field": None, "message": message}], "status": 500}), 500
