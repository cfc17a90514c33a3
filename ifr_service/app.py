"""The application factory: one place that builds the service and registers every blueprint."""

from __future__ import annotations

import logging

from flask import Flask, g, request
from sqlalchemy.exc import DataError, IntegrityError
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

from ifr_service import db
from ifr_service.audit import recording as audit
from ifr_service.cdf.definition import CdfList
from ifr_service.config import Config
from ifr_service.errors import (
    IfrError,
    NotFound,
    ValidationFailed,
    error_response,
    register_error_handlers,
)
from ifr_service.forms.definition import FormRegistry
from ifr_service.jobs.dispatch import InProcessDispatcher, RqDispatcher
from ifr_service.limits import init_limits
from ifr_service.notifications.relay import LogRelay, SmtpRelay
from ifr_service.runtime import Runtime
from ifr_service.workflows.definition import load_workflows

log = logging.getLogger(__name__)


def create_app(config: Config | None = None) -> Flask:
    config = config or Config.from_environment()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    app = Flask(__name__, static_folder=None)  # the NHS.UK frontend is served by web/static.py
    app.config["IFR"] = config
    app.config["SECRET_KEY"] = config.secret_key
    # The largest body of all, an attachment's; every other request is held to the JSON limit
    # (limit_request_bodies).
    app.config["MAX_CONTENT_LENGTH"] = config.attachment_max_bytes + 64 * 1024
    app.json.sort_keys = False
    app.extensions["ifr"] = build_runtime(config)
    register_error_handlers(app)
    app.register_error_handler(IntegrityError, lambda error: error_response(
        db.integrity_error_to_ifr_error(error)))
    app.register_error_handler(DataError, lambda error: error_response(ValidationFailed({
        "_request": "The request holds a value the database cannot store (too long, or a NUL)."})))
    for unavailable in db.DATABASE_UNAVAILABLE:
        app.register_error_handler(unavailable, _database_unavailable)
    app.register_error_handler(RequestEntityTooLarge, _body_too_large)
    limit_request_bodies(app)
    register_unit_of_work(app)
    init_limits(app)
    register_blueprints(app)
    trust_proxies(app, config.trusted_proxy_hops)
    return app


def trust_proxies(app: Flask, hops: int) -> None:
    """Behind `hops` proxies (load balancers) that each append the address they were called from to
    X-Forwarded-For, the client is the address the nearest trusted one saw: werkzeug's ProxyFix makes
    that the request's remote address (for the rate limits and the audit log) and takes the scheme
    from X-Forwarded-Proto. With none configured, the headers are ignored: anyone could write them."""
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def _database_unavailable(error: Exception):
    """The database is down or restarting: 503 with Retry-After at once, never a hang or a 500."""
    log.warning("database unavailable: %s", type(error).__name__)
    return error_response(db.unavailable_error())


def limit_request_bodies(app: Flask) -> None:
    """Every request's body is held to IFR_JSON_MAX_BYTES, well below an attachment's limit, except
    where a view takes a file (web.requests.takes_file). A larger body is answered 413 when it would be
    read, before any of it is parsed."""

    @app.before_request
    def limit_request_body():
        view = app.view_functions.get(request.endpoint)
        if not getattr(view, "takes_file", False):
            request.max_content_length = app.config["IFR"].json_max_bytes


def _body_too_large(_error: RequestEntityTooLarge):
    from ifr_service.web.responses import is_page_request, render_error_page

    limit = request.max_content_length or 0
    message = (f"The request is larger than this address accepts ({limit:,} bytes). Attach files "
               "separately, each up to the attachment limit.")
    if is_page_request():
        return render_error_page(413, message)
    return error_response(IfrError(message, 413))


def build_runtime(config: Config) -> Runtime:
    from ifr_service.features import known_names
    from ifr_service.funding.breaks import check_break_policy
    from ifr_service.reference.icd10_crgs import icd10_crg_map

    icd10_crg_map()  # a bad ICD-10 to CRG mapping stops the start, naming the file
    forms = FormRegistry.load(config.forms_dir)
    workflows = load_workflows(config.workflows_dir, known_names)
    check_break_policy(workflows)  # bad treatment-break thresholds or request criteria stop the start
    return Runtime(
        config=config,
        engine=db.make_engine(config.database_url),
        forms=forms,
        cdf=CdfList.load(config.cdf_list_dir, forms),
        workflows=workflows,
        dispatcher=RqDispatcher(config.redis_url) if config.redis_url else InProcessDispatcher(),
        mail=SmtpRelay(config.smtp_host, config.smtp_port) if config.smtp_host else LogRelay(),
    )


def register_blueprints(app: Flask) -> None:
    from ifr_service.api import api
    from ifr_service.health import health
    from ifr_service.web.pages import register_pages
    from ifr_service.web.static import serve_static_files

    app.register_blueprint(health)
    app.register_blueprint(api, url_prefix="/api/v1")
    register_pages(app)
    serve_static_files(app)


def register_unit_of_work(app: Flask) -> None:
    """Each request is one transaction: committed if it succeeded, rolled back if not. The cases the
    request read, changed or was refused (audit.recording) are written with it, or apart if it failed."""

    @app.before_request
    def refuse_nul_in_the_url():
        if "\x00" in request.path:
            raise NotFound("There is nothing at this address.")

    @app.before_request
    def open_unit_of_work():
        g.unit, g.unit_token = db.begin(app.extensions["ifr"].engine)

    @app.after_request
    def commit_or_roll_back(response):
        unit = g.get("unit")
        return response if unit is None else finish_unit_of_work(app, unit, response)

    @app.teardown_request
    def close_unit_of_work(_error=None):
        unit = g.pop("unit", None)
        if unit is not None:
            unit.rollback()  # a no-op after a commit; undoes a request that raised
            db.end(unit, g.pop("unit_token"))


def finish_unit_of_work(app: Flask, unit: db.UnitOfWork, response):
    """Commit a successful request with its audit rows; roll back a failed one, keeping its audit
    rows apart; and answer 409 or 503 instead when the commit itself fails."""
    engine, audit_notes = app.extensions["ifr"].engine, audit.take_notes()
    if response.status_code >= 400:
        unit.rollback()
        audit.record_apart(engine, audit_notes, response.status_code)  # a refusal is kept
        return response
    try:
        audit.record_in_unit(audit_notes, response.status_code)  # commits with the change it records
        unit.commit()
    except IfrError as error:
        audit.record_apart(engine, audit_notes, error.status_code)
        return _failed_commit_response(app, error)
    except db.DATABASE_UNAVAILABLE as error:
        # The commit's answer was lost with the connection: the whole change or none of it is saved,
        # never part, and an Idempotency-Key makes sending it again safe.
        log.warning("database unavailable at commit: %s", type(error).__name__)
        unit.rollback()
        return _failed_commit_response(app, db.unavailable_error())
    return response


def _failed_commit_response(app: Flask, error: IfrError):
    from ifr_service.web.responses import is_page_request, render_error_page

    if is_page_request():
        return app.make_response(render_error_page(error.status_code, error.message))
    return app.make_response(error_response(error))
