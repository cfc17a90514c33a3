"""Who leads a hub's IFR team: the people its overdue clocks are escalated to."""

from __future__ import annotations

from flask import Blueprint
from marshmallow import RAISE, Schema, fields, validate

from ifr_service.api.requests import load_json
from ifr_service.reference.queries import get_hub
from ifr_service.users import queries
from ifr_service.users.access import allow
from ifr_service.users.models import Role

users = Blueprint("users", __name__)


class HubLeadsSchema(Schema):
    class Meta:
        unknown = RAISE

    usernames = fields.List(fields.String(), required=True, validate=validate.Length(max=20))


class HubLeadSchema(Schema):
    username = fields.String(required=True)
    display_name = fields.String(required=True)
    email = fields.String(required=True)


@users.put("/hubs/<hub_code>/leads")
@allow(Role.ADMIN)
def set_hub_leads(hub_code: str):
    """Set the hub's IFR leads.
    ---
    put:
      summary: Set who leads the hub's IFR team (its case officers named here, and no others)
      tags: [hubs]
      parameters: [{in: path, name: hub_code, required: true, schema: {type: string}}]
      requestBody: {required: true, content: {application/json: {schema: HubLeads}}}
      responses:
        200:
          description: The hub's leads
          content: {application/json: {schema: {type: array, items: HubLead}}}
        404: {description: No such hub, content: {application/json: {schema: Error}}}
        422: {description: Not the hub's case officers, content: {application/json: {schema: Error}}}
    """
    hub = get_hub(hub_code)
    leads = queries.set_hub_leads(hub.id, load_json(HubLeadsSchema())["usernames"])
    return HubLeadSchema(many=True).dump(leads)
