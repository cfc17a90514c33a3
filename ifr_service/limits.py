"""Rate limits: how often one address may try to sign in or ask for a token.

One flask-limiter `Limiter` for the service, set up by create_app through `init_limits`. It counts in
Redis when REDIS_URL is set, so every process counts together, and in memory otherwise (in memory
too, for a while, if Redis cannot be reached). Views opt in with a decorator, between the route and
its access rule, and every request to a decorated view counts; nothing else is limited:

    @session_pages.get("/sign-in/callback")
    @sign_in_limit                     # each sign-in attempt: the identity provider's answer
    @page_allow(PUBLIC)
    def finish_sign_in(): ...

The limits come from the config (SIGN_IN_RATE_LIMIT, TOKEN_RATE_LIMIT), are counted per remote
address, and a request over one is answered 429 with Retry-After: the error page for a page, the
service's one JSON error shape for the API.
"""

from __future__ import annotations

import time

from flask import Flask, current_app, make_response
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address

from ifr_service.errors import IfrError, error_response

SIGN_IN_MESSAGE = "Too many sign-in attempts from your address. Wait a minute, then try again."
TOKEN_MESSAGE = "Too many token requests from your address. Wait a minute, then try again."

limiter = Limiter(key_func=get_remote_address, key_prefix="ifr-service-limits", strategy="fixed-window",
                  headers_enabled=False, in_memory_fallback_enabled=True)


def _config():
    return current_app.config["IFR"]


sign_in_limit = limiter.limit(lambda: _config().sign_in_rate_limit, error_message=SIGN_IN_MESSAGE)
token_limit = limiter.limit(lambda: _config().token_rate_limit, error_message=TOKEN_MESSAGE)


def init_limits(app: Flask) -> None:
    app.config["RATELIMIT_STORAGE_URI"] = app.config["IFR"].redis_url or "memory://"
    limiter.init_app(app)
    app.register_error_handler(RateLimitExceeded, _too_many_requests)


def _too_many_requests(error: RateLimitExceeded):
    from ifr_service.web.pages import is_page_request, render_error_page

    if is_page_request():
        response = make_response(render_error_page(429, error.description))
    else:
        response = make_response(error_response(IfrError(error.description, 429)))
    response.headers["Retry-After"] = str(_seconds_until_reset())
    return response


def _seconds_until_reset() -> int:
    breached = limiter.current_limit
    if breached is None:
        return 60
    return max(1, int(breached.reset_at - time.time()))
