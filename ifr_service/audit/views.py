"""The audit log's page: the information governance auditor searches it by case, person,
organisation, action and period (dates in the design system's date input), reads each row in
words, and downloads exactly the search's rows as CSV or XLSX (the download itself audited)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request

from ifr_service.audit import queries, routes
from ifr_service.audit.models import EXPORT
from ifr_service.audit.recording import note_event
from ifr_service.audit.words import ACTION_WORDS
from ifr_service.errors import ValidationFailed
from ifr_service.tables import Table
from ifr_service.users.access import current_user
from ifr_service.users.models import Role
from ifr_service.web.downloads import download_links, requested_download, table_file
from ifr_service.web.periods import load_filters, shown_date_parts
from ifr_service.web.requests import page_count
from ifr_service.web.session import page_allow

audit_pages = Blueprint("audit", __name__)
SEARCH_FIELDS = ("case", "user", "organisation", "action")
DATES = [("from", "'from' date"), ("to", "'to' date")]
# A download holds at most this many rows: beyond it the auditor is asked to narrow the search,
# so that no request reads or writes more than this (docs/security.md, "The audit log").
EXPORT_LIMIT = 10_000
EXPORT_SUBJECT = "export:audit-log"
COLUMNS = ["When (UTC)", "Username", "Role", "Organisation", "Organisation code", "Action", "Case",
           "Subject", "What was done", "Endpoint", "Method", "Path", "Address", "Status code"]


@audit_pages.get("/audit")
@page_allow(Role.AUDITOR)
def search():
    if not request.args:
        return _page(None)  # the empty form, before a search
    try:
        kind = requested_download()
        args = load_filters(routes.AuditSearchForm(), _without("download"), DATES)
    except ValidationFailed as error:
        return _page(error.fields), 422
    wanted = routes.audit_filter(args)
    if kind:
        return _download(wanted, kind, args)
    found, total = queries.find_events(wanted, args["page"], args["page_size"])
    return _page(None, events=routes.in_words(found), total=total, args=args,
                 pages=page_count(total, args["page_size"]), links=download_links())


def _download(wanted: queries.AuditFilter, kind: str, args: dict):
    total = queries.count_events(wanted)
    if total > EXPORT_LIMIT:
        return _page({"download": [f"{total:,} rows match, and a download holds at most {EXPORT_LIMIT:,}. "
                                   "Narrow the search (a shorter period, say) and download again."]},
                     args=args), 422
    note_event(current_user(), EXPORT, EXPORT_SUBJECT)
    rows = routes.in_words(queries.all_events(wanted, EXPORT_LIMIT))
    return table_file(Table("Audit log", COLUMNS, [_row(row, _organisation_names()) for row in rows]), kind)


def _row(row: dict, organisations: dict[str, str]) -> dict:
    return {"When (UTC)": row["occurred_utc"].strftime("%Y-%m-%d %H:%M:%S"), "Username": row["username"],
            "Role": row["role"], "Organisation": organisations.get(row["organisation"], row["organisation"]),
            "Organisation code": row["organisation"],
            "Action": ACTION_WORDS.get(row["action"], row["action"]),
            "Case": row["case_reference"], "Subject": row["subject"], "What was done": row["done"],
            "Endpoint": row["what"], "Method": row["method"], "Path": row["path"],
            "Address": row["address"], "Status code": row["status_code"]}


def _without(name: str) -> dict:
    return {key: value for key, value in request.args.items() if key != name}


def _organisation_names() -> dict[str, str]:
    return dict(queries.organisations())


def _page(errors: dict | None, **results):
    values = {name: request.args.get(name, "") for name in SEARCH_FIELDS}
    shown = {}
    for name, _words in DATES:
        shown.update(shown_date_parts(request.args, name, None))
        if not any(shown[f"{name}[{part}]"] for part in ("day", "month", "year")) and request.args.get(name):
            shown.update(shown_date_parts({}, name, _iso_day(request.args[name])))
    organisations = queries.organisations()
    return render_template("audit/search.html", title="Audit log", values=values, shown=shown,
                           errors=errors, error_links=_error_links(errors), actions=ACTION_WORDS,
                           organisations=organisations, organisation_names=dict(organisations),
                           searched="events" in results, **results)


def _error_links(errors: dict | None) -> list[dict] | None:
    """Each message linked to its box: a date's to its first box, as the design system asks."""
    if not errors:
        return None
    anchors = {name: f"#{name}-day" for name, _ in DATES}
    return [{"text": message} if name == "_request" else
            {"text": message, "href": anchors.get(name, f"#field-{name}")}
            for name, messages in errors.items() for message in messages]


def _iso_day(text: str) -> date | None:
    """A link's `from=2026-11-23`, shown in the date boxes; anything else is left to the error."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
