"""The JSON API under /api/v1: one blueprint holding each feature's routes."""

from flask import Blueprint

from ifr_service.api.openapi import openapi
from ifr_service.cases.routes import cases
from ifr_service.cdf.routes import cdf
from ifr_service.cet.routes import cet
from ifr_service.panels.routes import panels
from ifr_service.policy.routes import policy
from ifr_service.reference.routes import reference
from ifr_service.users.routes import users

api = Blueprint("api", __name__)
api.register_blueprint(cases)
api.register_blueprint(cdf)
api.register_blueprint(reference)
api.register_blueprint(panels)
api.register_blueprint(cet)
api.register_blueprint(policy)
api.register_blueprint(users)
api.register_blueprint(openapi)
