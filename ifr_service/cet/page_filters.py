"""What the CET's analysis pages share: a period typed in the design system's date input (day,
month and year; web/periods.py reads it), blank meaning the 12 months to today; the error summary's
links to the boxes; names for the codes the national database keeps; and a page's table shown and
downloaded as one (web/downloads.py), each download noted in the audit log.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask import request
from marshmallow import Schema, ValidationError, post_load, pre_load, validates_schema

from ifr_service.audit.models import EXPORT
from ifr_service.audit.recording import note_event
from ifr_service.errors import ValidationFailed
from ifr_service.runtime import runtime
from ifr_service.tables import Table
from ifr_service.users.access import current_user
from ifr_service.web.downloads import requested_download, table_file
from ifr_service.web.fields import field_id
from ifr_service.web.periods import load_filters, shown_date_parts
from ifr_service.web.requests import SearchDate

PERIOD = [("from", "'from' date"), ("to", "'to' date")]


class PeriodFilter(Schema):
    """The period (both days included; by default the 12 months up to today), and any filters
    chosen from a list: `choices` maps each to (its options, words for it)."""

    start = SearchDate(data_key="from", load_default=None)
    end = SearchDate(data_key="to", load_default=None)

    def __init__(self, choices: Mapping[str, tuple[Mapping[str, str], str]] | None = None, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices or {}

    @validates_schema
    def check_choices(self, data, **_kwargs):
        wrong = {name: [f"Choose {words} from the list."] for name, (options, words) in self.choices.items()
                 if data.get(name) is not None and data[name] not in options}
        if wrong:
            raise ValidationError(wrong)

    @pre_load
    def drop_blanks(self, data, **_kwargs):
        # An empty box (or "Every ..." in a list) means the default.
        return {name: value for name, value in data.items() if value.strip()}

    @post_load
    def fill_period(self, data, **_kwargs):
        data["end"] = data.get("end") or runtime().today()
        data["start"] = data.get("start") or twelve_months_to(data["end"])
        if data["start"] > data["end"]:
            raise ValidationError({"from": ["Give a 'from' date no later than the 'to' date."]})
        return data


def twelve_months_to(end: date) -> date:
    """The first day of the month 11 months before: 12 monthly points, the last one to date."""
    months = end.year * 12 + end.month - 1 - 11
    return date(months // 12, months % 12 + 1, 1)


def read_filters(schema: Schema, dates: list[tuple[str, str]] = PERIOD) -> tuple[dict | None, dict]:
    """The page's filters (loaded, None if any is wrong) and the problems, by field. The download
    asked for is no filter; a wrong one is named with the rest."""
    args = {name: value for name, value in request.args.items() if name != "download"}
    problems: dict = {}
    try:
        requested_download()
    except ValidationFailed as error:
        problems.update(error.fields)
    try:
        loaded = load_filters(schema, args, dates)
    except ValidationFailed as error:
        return None, {**error.fields, **problems}
    return (None if problems else loaded), problems


def error_links(errors: Mapping[str, list[str]], dates: list[tuple[str, str]] = PERIOD) -> list[dict]:
    """The error summary's links: a date's to its day box, any other to its input."""
    date_names = {name for name, _ in dates}
    return [{"text": message, "href": f"#{name}-day" if name in date_names else f"#{field_id(name)}"}
            for name, messages in errors.items() for message in messages]


def shown_dates(args: Mapping[str, date | None] | None, dates: list[tuple[str, str]] = PERIOD,
                keys: Mapping[str, str] | None = None) -> dict[str, str]:
    """What each date's boxes show: what was typed, or the date in force."""
    keys = keys or {"from": "start", "to": "end"}
    shown: dict[str, str] = {}
    for name, _ in dates:
        shown.update(shown_date_parts(request.args, name, (args or {}).get(keys.get(name, name))))
    return shown


def download_file(table: Table, kind: str, subject: str):
    """The page's table as the file asked for, noted in the audit log as an export."""
    note_event(current_user(), EXPORT, f"export:{subject}")
    return table_file(table, kind)


def percent(rate: float | None) -> float | None:
    """A rate from 0 to 1 as a percentage to one decimal place, as the pages show it."""
    return None if rate is None else round(rate * 100, 1)
