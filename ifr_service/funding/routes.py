"""The funding authorisation API: a look-up by reference, for trusts' finance and pharmacy teams and
the commissioners who check invoices."""

from __future__ import annotations

from flask import Blueprint

from ifr_service.cases.access import can_see_case
from ifr_service.funding import service
from ifr_service.funding.presenters import present_authorisation
from ifr_service.funding.schemas import AuthorisationSchema
from ifr_service.runtime import runtime
from ifr_service.users.access import allow, current_user

funding = Blueprint("funding", __name__)


@funding.get("/authorisations/<reference>")
@allow(*service.LOOKING_UP)
def get_authorisation(reference: str):
    """Look a funding authorisation up by its reference.
    ---
    get:
      summary: Check a funding authorisation (as quoted on an invoice) and what it covers
      description: >-
        A trust's clinicians and pharmacy sign-off look up their own trust's; the CDF teams the CDF's;
        hub staff those of cases they may see; the CET and administrators any.
      tags: [funding]
      parameters: [{in: path, name: reference, required: true, schema: {type: string}}]
      responses:
        200: {description: The authorisation, content: {application/json: {schema: Authorisation}}}
        404: {description: No such authorisation for you, content: {application/json: {schema: Error}}}
        422:
          description: Not an authorisation reference (its shape or check digit)
          content: {application/json: {schema: Error}}
    """
    user = current_user()
    authorisation, case = service.look_up(user, reference)
    return AuthorisationSchema().dump(present_authorisation(authorisation, case, can_see_case(user, case),
                                                            runtime().today()))
