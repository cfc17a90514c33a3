"""How every page answers, below the pages blueprint that registers the features' views (pages.py)
and below what signs people in and counts their attempts (session.py, limits.py, the development
identity provider), which answer with these too: the error page, whether a request is for a page,
the headers each page carries (its Content-Security-Policy with the request's nonce), and the CSRF
protection."""

from __future__ import annotations

from flask import current_app, g, render_template, request
from flask_wtf.csrf import CSRFProtect

from ifr_service.errors import ServiceUnavailable
from ifr_service.headers import HSTS

PAGES = "pages"  # the parent blueprint of every page (pages.py)
csrf = CSRFProtect()
ERROR_TITLES = {400: "Something was wrong with that request", 403: "You cannot see this page",
                404: "Page not found", 409: "That cannot be done now",
                429: "Too many attempts: wait a minute and try again",
                422: "Something was wrong with that request",
                500: "Sorry, there is a problem with the service",
                503: "Sorry, the service is unavailable for a moment"}


# Scripts, styles, images and fonts only from this service (no page waits on another site:
# docs/decisions/0006), or inline with this response's nonce.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self' 'nonce-{nonce}'; "
                           "style-src 'self' 'nonce-{nonce}'; "
                           "img-src 'self' data:; font-src 'self'; object-src 'none'; "
                           "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


# Pages hold patients' details and forms that change cases: never framed by another site (clickjacking),
# never sniffed into another type, and never named in a Referer sent elsewhere.
PAGE_HEADERS = {"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "same-origin", "Cache-Control": "no-store"}


def protect_page(response):
    for name, value in PAGE_HEADERS.items():
        response.headers.setdefault(name, value)
    if "csp_nonce" in g:
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.format(nonce=g.csp_nonce)
    if current_app.config["IFR"].is_production:  # served over HTTPS only, so say so to the browser
        response.headers["Strict-Transport-Security"] = HSTS
    return response


def render_error_page(status: int, message: str):
    headers = {"Retry-After": str(ServiceUnavailable.retry_after_seconds)} if status == 503 else {}
    return render_template("error.html", title=ERROR_TITLES.get(status, ERROR_TITLES[400]),
                           message=message, status=status), status, headers


def is_page_request() -> bool:
    return (request.blueprint or "").startswith(f"{PAGES}.")
