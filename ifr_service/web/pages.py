"""The pages people use in a browser: server-rendered with the NHS.UK design system.

One parent blueprint holds every feature's `views.py`; it signs people in, checks each
form's CSRF token and turns a service error into an error page. Views are thin: they
read a form, call the same service functions as the API, and render a template.
"""

from __future__ import annotations

import logging
import secrets

from flask import Blueprint, Flask, current_app, g, request
from flask_wtf.csrf import CSRFError
from jinja2 import ChainableUndefined, ChoiceLoader, PackageLoader
from sqlalchemy.exc import DataError, IntegrityError
from werkzeug.exceptions import HTTPException

from ifr_service import db
from ifr_service.errors import IfrError
from ifr_service.web.display import FILTERS
from ifr_service.web.fields import TEMPLATE_GLOBALS
from ifr_service.web.responses import PAGES, csrf, protect_page, render_error_page
from ifr_service.web.session import account_name, navigation_for, signed_in_user
from ifr_service.web.static import asset_url
from ifr_service.web.tags import design_tag

log = logging.getLogger(__name__)
pages = Blueprint(PAGES, __name__, template_folder="templates")
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def register_pages(app: Flask) -> None:
    # The NHS.UK frontend's own macros, ported to Jinja, sit behind our templates.
    # Autoescape everything: Flask would only escape .html, and the ported macros are .jinja files.
    app.jinja_options = {**app.jinja_options, "undefined": ChainableUndefined, "autoescape": True,
                         "extensions": [*app.jinja_options.get("extensions", ()), "jinja2.ext.do"],
                         "loader": ChoiceLoader([app.create_global_jinja_loader(),
                                                 PackageLoader("nhsuk_frontend_jinja")])}
    production = app.config["IFR"].is_production
    # The session cookie: never read by scripts, not sent with other sites' requests (Lax lets the
    # identity provider's redirect back carry it), and over HTTPS only in production, where the
    # __Host- prefix also stops a sibling domain from planting one.
    app.config.update(WTF_CSRF_CHECK_DEFAULT=False, WTF_CSRF_TIME_LIMIT=None,
                      SESSION_COOKIE_NAME="__Host-ifr-session" if production else "ifr-session",
                      SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=production)
    app.jinja_env.globals.update(TEMPLATE_GLOBALS, design_tag=design_tag, asset_url=asset_url)
    app.jinja_env.filters.update(FILTERS)
    csrf.init_app(app)
    app.register_blueprint(pages)
    if app.config["IFR"].uses_development_identity:
        from ifr_service.identity.development import register_development_identity

        register_development_identity(app)
    app.register_error_handler(404, _unrouted)
    app.register_error_handler(405, _unrouted)


@pages.before_request
def check_form_token():
    """Every form posted to a page carries the session's CSRF token (the API uses bearer tokens)."""
    g.csp_nonce = secrets.token_urlsafe(16)
    if request.method in UNSAFE_METHODS:
        csrf.protect()


pages.after_request(protect_page)


@pages.app_context_processor
def page_globals():
    user = signed_in_user()
    return {"signed_in": user, "navigation": navigation_for(user), "cspNonce": g.get("csp_nonce"),
            "account_name": account_name(user) if user else None}


@pages.errorhandler(IfrError)
def _service_error(error: IfrError):
    return render_error_page(error.status_code, error.message)


def _database_unavailable(error: Exception):
    log.warning("database unavailable for a page: %s", type(error).__name__)
    g.setdefault("page_user", None)  # the page around the message must not ask the database again
    return render_error_page(503, db.UNAVAILABLE_MESSAGE)


for _unavailable in db.DATABASE_UNAVAILABLE:
    pages.register_error_handler(_unavailable, _database_unavailable)


@pages.errorhandler(IntegrityError)
def _conflicting_write(error: IntegrityError):
    return _service_error(db.integrity_error_to_ifr_error(error))


@pages.errorhandler(DataError)
def _unstorable_value(error: DataError):
    return render_error_page(422, "The form holds a value the service cannot store (too long, say). "
                                  "Go back, change it and try again. Nothing was saved.")


@pages.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    return render_error_page(error.code or 500, error.description)


@pages.errorhandler(Exception)
def _unexpected(error: Exception):
    log.exception("unhandled error on a page")
    return render_error_page(500, "Something went wrong on our side. Nothing was saved; please try again.")


@pages.errorhandler(CSRFError)
def _form_expired(error: CSRFError):
    return render_error_page(400, "This form has expired or was not sent by this service. "
                                  "Go back, reload the page and try again. Nothing was saved.")


def _unrouted(error: HTTPException):
    """An address (or method) no route takes: a page for a browser, the JSON error for the API. A 405
    names the methods the address takes in Allow (RFC 9110, 15.5.6)."""
    response = current_app.make_response(_unrouted_answer(error))
    if error.code == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
    return response


def _unrouted_answer(error: HTTPException):
    if request.path.startswith("/api/") or not request.accept_mimetypes.accept_html:
        from ifr_service.errors import IfrError, NotFound, error_response

        if error.code == 404:
            return error_response(NotFound("There is nothing at this address."))
        return error_response(IfrError(error.description, status_code=error.code))
    if error.code == 404:
        return render_error_page(404, "If you typed the web address, check it is correct.")
    return render_error_page(error.code, error.description)


# Each feature's pages: "module:blueprint", registered under the pages blueprint.
FEATURE_VIEWS = [
    "ifr_service.web.session:session_pages",
    "ifr_service.web.timeout:timeout_pages",
    "ifr_service.web.accessibility:accessibility_pages",
    "ifr_service.cases.application_views:application_pages",
    "ifr_service.cases.views:case_pages",
    "ifr_service.cases.evidence_views:evidence_pages",
    "ifr_service.letters.views:letter_pages",
    # views.py's blueprint, with the meeting page's forms (attendance, the agenda, withdrawals) added by
    # meeting_views.py, which builds on views.py
    "ifr_service.panels.meeting_views:panel_pages",
    "ifr_service.cdf.views:cdf_pages",
    "ifr_service.cdf.team_views:cdf_team_pages",
    "ifr_service.funding.views:funding_pages",
    "ifr_service.cet.views:cet_pages",
    "ifr_service.policy.views:policy_pages",
    "ifr_service.audit.views:audit_pages",
    "ifr_service.jobs.views:job_pages",
    "ifr_service.users.views:admin_pages",
    "ifr_service.panels.admin_views:panel_admin_pages",
]


def _register_feature_views() -> None:
    from importlib import import_module

    for target in FEATURE_VIEWS:
        module, _, name = target.partition(":")
        pages.register_blueprint(getattr(import_module(module), name))


_register_feature_views()
