"""Reference data for clients that build forms: commissioners and hubs."""

from __future__ import annotations

from flask import Blueprint
from marshmallow import Schema, fields

from ifr_service.clock import today_in_england
from ifr_service.reference import queries
from ifr_service.users.access import ANY_SIGNED_IN, allow

reference = Blueprint("reference", __name__)


class CommissionerSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)


class HubSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)


@reference.get("/reference/commissioners")
@allow(ANY_SIGNED_IN)
def list_commissioners():
    """Commissioners.
    ---
    get:
      summary: The commissioners a patient can belong to today
      tags: [reference]
      responses:
        200:
          description: Commissioners by name
          content: {application/json: {schema: {type: array, items: Commissioner}}}
    """
    return CommissionerSchema(many=True).dump(queries.find_commissioners(on=today_in_england()))


@reference.get("/reference/hubs")
@allow(ANY_SIGNED_IN)
def list_hubs():
    """Hubs.
    ---
    get:
      summary: The specialised commissioning hubs
      tags: [reference]
      responses:
        200:
          description: Hubs by name
          content: {application/json: {schema: {type: array, items: Hub}}}
    """
    return HubSchema(many=True).dump(queries.find_hubs())
