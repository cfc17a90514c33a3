"""The JSON API under /api/v1: one blueprint holding each feature's routes, and the headers of its
answers."""

from flask import Blueprint, current_app, request

from ifr_service.api.openapi import openapi
from ifr_service.audit.routes import audit
from ifr_service.cases.routes import cases
from ifr_service.cdf.routes import cdf
from ifr_service.cet.routes import cet
from ifr_service.funding.routes import funding
from ifr_service.headers import HSTS
from ifr_service.jobs.routes import jobs
from ifr_service.panels.routes import panels
from ifr_service.policy.routes import policy
from ifr_service.reference.routes import reference
from ifr_service.users.routes import users

api = Blueprint("api", __name__)
api.register_blueprint(cases)
api.register_blueprint(cdf)
api.register_blueprint(funding)
api.register_blueprint(reference)
api.register_blueprint(panels)
api.register_blueprint(cet)
api.register_blueprint(policy)
api.register_blueprint(users)
api.register_blueprint(audit)
api.register_blueprint(jobs)
api.register_blueprint(openapi)

# Answers hold case data and are JSON or files to save, never a document to render: nothing may run
# or load in them, frame them, sniff them into another type, cache them or name them in a Referer.
API_HEADERS = {"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
               "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
               "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


@api.after_app_request
def protect_answer(response):
    """Every answer under /api/ (errors and unrouted addresses included, which no blueprint handles)
    and of /healthz carries API_HEADERS, and HSTS in production."""
    if request.path.startswith("/api/") or request.path == "/healthz":
        response.headers.update(API_HEADERS)
        if current_app.config["IFR"].is_production:
            response.headers["Strict-Transport-Security"] = HSTS
    return response
