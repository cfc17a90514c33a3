"""Who leads a hub's IFR team: the people its overdue clocks are escalated to; and the token
endpoint where a registered system swaps its client credentials for a bearer token."""

from __future__ import annotations

from flask import Blueprint
from marshmallow import RAISE, Schema, fields, validate

from ifr_service.forms.fields import BoundedList
from ifr_service.limits import token_limit
from ifr_service.reference.queries import get_hub
from ifr_service.users import clients, queries
from ifr_service.users.access import PUBLIC, allow
from ifr_service.users.models import Role
from ifr_service.web.requests import load_json

users = Blueprint("users", __name__)


class HubLeadsSchema(Schema):
    class Meta:
        unknown = RAISE

    usernames = BoundedList(fields.String(), max_items=20, required=True)


class HubLeadSchema(Schema):
    username = fields.String(required=True)
    display_name = fields.String(required=True)
    email = fields.String(required=True)


class TokenRequestSchema(Schema):
    """The form of a token request (RFC 6749 section 4.4.2); the client authenticates with HTTP Basic
    or, instead, with client_id and client_secret in the form."""

    grant_type = fields.String(required=True, validate=validate.OneOf(["client_credentials"]))
    client_id = fields.String()
    client_secret = fields.String()


class TokenSchema(Schema):
    access_token = fields.String(required=True, metadata={"description": "A JWT: send it as a Bearer token"})
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    expires_in = fields.Integer(required=True, metadata={"description": "Seconds until it expires"})


class OAuthErrorSchema(Schema):
    error = fields.String(required=True, metadata={
        "description": "invalid_request, invalid_client, unsupported_grant_type, unauthorized_client, "
                       "invalid_scope or insecure_transport"})
    error_description = fields.String()


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


@users.post("/oauth/token")
@token_limit
@allow(PUBLIC)
def issue_client_token():
    """A registered system's access token, for its client credentials (OAuth 2.0, RFC 6749 4.4).
    ---
    post:
      summary: Get an access token for a registered system (the client credentials grant)
      description: The client authenticates with HTTP Basic (client_id and secret) or with client_id
        and client_secret in the form. The token acts as the system's own user, a clinician of its
        organisation, for at most an hour. Errors take RFC 6749's shape, not the service's.
      tags: [oauth]
      security: []
      requestBody:
        required: true
        content: {application/x-www-form-urlencoded: {schema: TokenRequest}}
      responses:
        200: {description: The token, content: {application/json: {schema: Token}}}
        400:
          description: invalid_request, unsupported_grant_type or invalid_scope
          content: {application/json: {schema: OAuthError}}
        401:
          description: invalid_client (unknown, revoked, or the wrong secret)
          content: {application/json: {schema: OAuthError}}
        429:
          description: Too many token requests from this address; see Retry-After
          content: {application/json: {schema: Error}}
    """
    return clients.create_token_response()
