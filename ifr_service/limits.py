"""Rate limits: how often one client may try to sign in, and one client or system ask for a token.

One flask-limiter `Limiter` for the service, set up by create_app through `init_limits`. It counts in
Redis when REDIS_URL is set, so every process counts together, and in memory otherwise (in memory
too, for a while, if Redis cannot be reached). Views opt in with a decorator, between the route and
its access rule, and every request to a decorated view counts; nothing else is limited:

    @session_pages.get("/sign-in/callback")
    @sign_in_limit                     # each sign-in attempt: the identity provider's answer
    @page_allow(PUBLIC)
    def finish_sign_in(): ...

The limits come from the config (SIGN_IN_RATE_LIMIT, TOKEN_RATE_LIMIT) and are counted per client
address: the connecting address, or, behind TRUSTED_PROXY_HOPS trusted proxies, the address the
nearest of them saw (app.trust_proxies), never the load balancer's, which every user shares. Where a
request names its account before it is checked (a system's client_id at the token endpoint), it is
counted for that account as well, from whatever address it comes. A request over a limit is answered
429 with Retry-After: the error page for a page, the service's one JSON error shape for the API.
"""

from __future__ import annotations

import time

from flask import Flask, current_app, make_response, request
from flask_limiter import Limiter, RateLimitExceeded

from ifr_service.errors import IfrError, error_response

SIGN_IN_MESSAGE = "Too many sign-in attempts from your address. Wait a minute, then try again."
TOKEN_MESSAGE = "Too many token requests from your address. Wait a minute, then try again."
CLIENT_MESSAGE = "Too many token requests for this client. Wait a minute, then try again."


def client_address() -> str:
    """The client's address: the connection's, or the one trusted proxies say they were called from."""
    return "address:" + (request.remote_addr or "unknown")


def client_account() -> str:
    return "account:" + (_account_named() or "")


def _account_named() -> str | None:
    """The client_id a token request names, by HTTP Basic or in the form; None if it names none."""
    try:
        basic = request.authorization
    except UnicodeDecodeError:
        basic = None
    named = basic.username if basic is not None and basic.type == "basic" else request.form.get("client_id")
    return named.strip()[:60] or None if isinstance(named, str) else None


limiter = Limiter(key_func=client_address, key_prefix="ifr-service-limits", strategy="fixed-window",
                  headers_enabled=False, in_memory_fallback_enabled=True)


def _config():
    return current_app.config["IFR"]


sign_in_limit = limiter.limit(lambda: _config().sign_in_rate_limit, error_message=SIGN_IN_MESSAGE)
_token_per_address = limiter.limit(lambda: _config().token_rate_limit, error_message=TOKEN_MESSAGE)
_token_per_account = limiter.limit(lambda: _config().token_rate_limit, key_func=client_account,
                                   error_message=CLIENT_MESSAGE, exempt_when=lambda: _account_named() is None)


def token_limit(view):
    """Per client address, and per system (client_id) when the request names one."""
    return _token_per_address(_token_per_account(view))


def init_limits(app: Flask) -> None:
    app.config["RATELIMIT_STORAGE_URI"] = app.config["IFR"].redis_url or "memory://"
    limiter.init_app(app)
    app.register_error_handler(RateLimitExceeded, _too_many_requests)


def _too_many_requests(error: RateLimitExceeded):
    from ifr_service.web.responses import is_page_request, render_error_page

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
