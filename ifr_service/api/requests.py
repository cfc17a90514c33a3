"""Reading a request's JSON body and query string through a schema, with the one error shape."""

from __future__ import annotations

from flask import request
from marshmallow import Schema, ValidationError

from ifr_service.errors import ValidationFailed, flatten_marshmallow_errors

# The URL converter for a row id: a PostgreSQL integer, so a larger number is simply not found.
ID = "int(max=2147483647)"


def json_body():
    """The request's JSON document, or a 422 saying it must be JSON."""
    body = request.get_json(silent=True)
    if body is None:
        raise ValidationFailed({"_request": "Send a JSON document (Content-Type: application/json)."})
    return body


def load_json(schema: Schema) -> dict:
    body = json_body()
    if not isinstance(body, dict):
        raise ValidationFailed({"_request": "Send a JSON object."})
    return _load(schema, body)


def load_query(schema: Schema) -> dict:
    return _load(schema, request.args.to_dict())


def _load(schema: Schema, data: dict) -> dict:
    try:
        return schema.load(data)
    except ValidationError as error:
        raise ValidationFailed(flatten_marshmallow_errors(error.messages)) from error
