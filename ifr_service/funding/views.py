"""The funding authorisation pages: a look-up by reference, as typed from an invoice, and the
authorisation to print."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from ifr_service.cases.access import can_see_case
from ifr_service.errors import NotFound, ValidationFailed
from ifr_service.funding import service
from ifr_service.funding.presenters import STATUS_TITLES, present_authorisation, terms
from ifr_service.funding.printing import render_authorisation
from ifr_service.runtime import runtime
from ifr_service.users.access import current_user
from ifr_service.web.session import page_allow

funding_pages = Blueprint("funding", __name__)
BLANK_REFERENCE = "Enter the funding authorisation reference, for example IFRA-2026-000123-3."


@funding_pages.get("/authorisations")
@page_allow(*service.LOOKING_UP)
def look_up():
    """A reference as typed: what it covers, or why it is not one."""
    typed = request.args.get("reference")
    if typed is None:
        return _page(typed, None, None)
    if not typed.strip():
        return _page(typed, None, {"reference": [BLANK_REFERENCE]}), 422
    try:
        shown = _shown(typed)
    except (ValidationFailed, NotFound) as error:
        messages = error.fields if isinstance(error, ValidationFailed) else {"reference": [error.message]}
        return _page(typed, None, messages), error.status_code
    return _page(typed, shown, None)


@funding_pages.get("/authorisations/<reference>.pdf")
@page_allow(*service.LOOKING_UP)
def print_authorisation(reference: str):
    shown = _shown(reference)
    return Response(render_authorisation(shown), mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{shown["reference"]}.pdf"'})


def _shown(typed: str) -> dict:
    user = current_user()
    authorisation, case = service.look_up(user, typed)
    return present_authorisation(authorisation, case, can_see_case(user, case), runtime().today())


def _page(typed: str | None, shown: dict | None, errors):
    return render_template("funding/look_up.html", title="Look up a funding authorisation",
                           typed=typed or "", shown=shown, terms=terms(shown) if shown else [],
                           errors=errors, statuses=STATUS_TITLES)

