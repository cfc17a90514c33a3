"""The audit log's page: the information governance auditor searches it by case or by person."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from ifr_service.api.requests import load_query, page_count
from ifr_service.audit import routes
from ifr_service.errors import ValidationFailed
from ifr_service.users.models import Role
from ifr_service.web.session import page_allow

audit_pages = Blueprint("audit", __name__)
SEARCH_FIELDS = ("case", "user", "from", "to")


@audit_pages.get("/audit")
@page_allow(Role.AUDITOR)
def search():
    values = {name: request.args.get(name, "") for name in SEARCH_FIELDS}
    if not any(value.strip() for value in values.values()):
        return _page(values, None)  # the empty form, before a search
    try:
        args = load_query(routes.AuditSearchForm())
    except ValidationFailed as error:
        return _page(values, error.fields), 422
    found, total = routes.search(args)
    return _page(values, None, events=found, total=total, args=args,
                 pages=page_count(total, args["page_size"]))


def _page(values: dict, errors: dict | None, **results):
    return render_template("audit/search.html", title="Audit log", values=values, errors=errors,
                           searched=bool(results), **results)
