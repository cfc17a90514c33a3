"""Reading a request's JSON body and query string through a schema, with the one error shape;
and the shapes of a few answers (a page count, a file to download)."""

from __future__ import annotations

import io
from datetime import date

from flask import request, send_file
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ifr_service.config import JSON_MAX_DEPTH, JSON_MAX_ITEMS
from ifr_service.errors import ValidationFailed, flatten_marshmallow_errors
from ifr_service.text import has_unsafe_text, quoted, text_problem

# The URL converter for a row id: a PostgreSQL integer, so a larger number is simply not found.
ID = "int(max=2147483647)"


def json_body():
    """The request's JSON document, or a 422 saying it must be JSON, or naming the part of it that
    breaks a bound of the API before any schema walks it: nested more than JSON_MAX_DEPTH deep, a list
    or object of more than JSON_MAX_ITEMS, or text no field may hold (NUL, a broken character, a
    control character other than a new line or tab, a direction override: ifr_service/text.py; a
    field of one line refuses new lines too, in its schema). The body's size is bounded before it is
    read (app.limit_request_body)."""
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the parser goes: far past JSON_MAX_DEPTH
        raise ValidationFailed({"_request": TOO_DEEP}) from None
    if body is None:
        raise ValidationFailed({"_request": "Send a JSON document (Content-Type: application/json)."})
    problems = find_shape_problems(body)
    if problems:
        raise ValidationFailed(problems)
    return body


TOO_DEEP = f"The JSON document nests more than {JSON_MAX_DEPTH} levels deep."
TOO_MANY = f"Send no more than {JSON_MAX_ITEMS} items here."


def find_shape_problems(document) -> dict[str, str]:
    """The paths of the document (dotted, as the errors name fields) that break the API's bounds.

    One pass, without recursion: a container's size and depth are checked before its children are
    visited, so no document costs more than its own length, and a too-long list costs nothing."""
    problems: dict[str, str] = {}
    pending = [(document, "", 1)]
    while pending:
        value, path, depth = pending.pop()
        if isinstance(value, str):
            if problem := text_problem(value, multiline=True):
                problems[path or "_request"] = problem
            continue
        if not isinstance(value, dict | list):
            continue
        if depth > JSON_MAX_DEPTH:
            problems[path or "_request"] = TOO_DEEP
        elif len(value) > JSON_MAX_ITEMS:
            problems[path or "_request"] = TOO_MANY
        else:
            for key, child in value.items() if isinstance(value, dict) else enumerate(value):
                if isinstance(key, str) and has_unsafe_text(key):
                    problems[path or "_request"] = ("A name in this holds text that is not allowed: "
                                                    f"{quoted(key)}.")
                if isinstance(child, str | dict | list):
                    pending.append((child, f"{path}.{key}" if path else str(key), depth + 1))
    return problems


def takes_file(view):
    """Marks a view that receives a file: its body may be as large as an attachment
    (IFR_ATTACHMENT_MAX_BYTES), not only the JSON limit (app.limit_request_bodies). Put it next to the
    route decorator."""
    view.takes_file = True
    return view


def load_json(schema: Schema) -> dict:
    body = json_body()
    if not isinstance(body, dict):
        raise ValidationFailed({"_request": "Send a JSON object."})
    return _load(schema, body)


def load_query(schema: Schema, args: dict[str, str] | None = None) -> dict:
    """The query string (or `args`, read from it) loaded by `schema`; a 422 naming each parameter
    whose text could hurt (a parameter's value is one line: ifr_service/text.py)."""
    args = request.args.to_dict() if args is None else args
    bad = {}
    for name, value in args.items():
        if has_unsafe_text(name):
            bad["_request"] = f"A parameter's name holds text that is not allowed: {quoted(name)}."
        elif problem := text_problem(value):
            bad[name] = problem
    if bad:
        raise ValidationFailed(bad)
    return _load(schema, args)


def _load(schema: Schema, data: dict) -> dict:
    try:
        return schema.load(data)
    except ValidationError as error:
        raise ValidationFailed(flatten_marshmallow_errors(error.messages)) from error


class SearchDate(fields.Date):
    """A day a search or report starts or ends on, within the years the service's data can hold
    (cases, their history and the audit log: 2000 to 2099). A day like 9999-12-31 is refused
    with a 422: a period's end is searched up to the day after it, which would overflow."""

    EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)

    def __init__(self, **kwargs):
        kwargs["metadata"] = {**kwargs.get("metadata", {}), "minimum": str(self.EARLIEST),
                              "maximum": str(self.LATEST)}
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> date:
        day = super()._deserialize(value, attr, data, **kwargs)
        if not self.EARLIEST <= day <= self.LATEST:
            raise ValidationError(f"Give a date from {self.EARLIEST:%-d %B %Y} to {self.LATEST:%-d %B %Y}.")
        return day


class PeriodArgs(Schema):
    """A report's period in the query string: ?from=YYYY-MM-DD&to=YYYY-MM-DD, both days included."""

    start = SearchDate(data_key="from", required=True)
    end = SearchDate(data_key="to", required=True)

    @validates_schema
    def check_order(self, data, **_kwargs):
        if data["start"] > data["end"]:
            raise ValidationError("Give a 'from' date no later than the 'to' date.", field_name="from")


def page_count(total: int, page_size: int) -> int:
    """How many pages `total` rows fill; an empty list is still one page."""
    return max(1, -(-total // page_size))


def file_download(content: bytes, mimetype: str, filename: str):
    """A file to save, never to be sniffed into another type and run (a letter or an attachment)."""
    response = send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True, download_name=filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


class PageArgs(Schema):
    """One page of a list: ?page=1&page_size=25, at most 100 a page and 100,000 pages (a larger page's
    offset would overflow the database's integer)."""

    page = fields.Integer(load_default=1, validate=validate.Range(
        min=1, max=100_000, error="Ask for a page between 1 and 100,000."))
    page_size = fields.Integer(load_default=25, validate=validate.Range(
        min=1, max=100, error="Ask for between 1 and 100 a page."))
