"""Signing in to the pages, and the rule each page declares about who may open it.

People sign in through an OpenID Connect identity provider (the national one in production, the
service's own development provider otherwise). Each sign-in is kept on the server (a `PageSession`
row); Flask's signed session cookie (HttpOnly, SameSite=Lax, Secure in production) carries a random
token naming it. A sign-in ends after a time without use, after a working day in all, and when the
person signs out (this browser, or everywhere): its row ends, so a copy of the cookie taken earlier
signs nobody in afterwards.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from urllib.parse import urlsplit

from authlib.integrations.base_client import OAuthError
from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from joserfc.errors import JoseError
from requests import RequestException

from ifr_service.db import as_utc, utc_now
from ifr_service.errors import Forbidden
from ifr_service.identity.accounts import account_for
from ifr_service.identity.relying_party import identity_provider, sign_in_callback_url
from ifr_service.limits import sign_in_limit
from ifr_service.users import queries
from ifr_service.users.access import ANY_SIGNED_IN, HUB_TEAM, PUBLIC, WORKS_THE_QUEUE
from ifr_service.users.models import PageSession, Role, User
from ifr_service.web import saved_forms

log = logging.getLogger(__name__)
session_pages = Blueprint("session", __name__)
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# What each role works on: the header's links, and where signing in takes them.
NAVIGATION = [
    ((Role.CLINICIAN,), "Your cases", "pages.cases.list_cases"),
    ((Role.CLINICIAN,), "Start an IFR", "pages.application.start_application"),
    ((Role.CLINICIAN,), "Cancer Drugs Fund", "pages.cdf.choose_drug"),
    ((Role.TRUST_APPROVER,), "Awaiting sign-off", "pages.cases.trust_sign_off"),
    (WORKS_THE_QUEUE, "Work queue", "pages.cases.queue"),
    (HUB_TEAM, "Panel meetings", "pages.panels.list_meetings"),
    ((Role.CDF_ADMIN,), "CDF applications", "pages.cdf.list_applications"),
    ((Role.CDF_ADMIN,), "CDF spend", "pages.cdf_team.national_spend"),
    ((Role.CDF_ADMIN,), "CDF audit", "pages.cdf_team.own_audit"),
    ((Role.CDF_ADMIN,), "Approval look-up", "pages.cdf_team.look_up_approval"),
    ((Role.CDF_ADMIN,), "Treatment from SACT", "pages.sact.never_started"),
    ((Role.COMMISSIONING_FINANCE, Role.CDF_ADMIN), "Invoice checks", "pages.invoices.list_schedules"),
    ((Role.CET_ANALYST,), "National dashboard", "pages.cet.dashboard"),
    ((Role.CET_ANALYST,), "Trends", "pages.cet.trends"),
    ((Role.CET_ANALYST,), "Targets", "pages.cet.clock_performance"),
    ((Role.CET_ANALYST, Role.POLICY_LEAD), "Policy development", "pages.policy.list_items"),
    ((Role.ADMIN,), "Overview", "pages.admin.overview"),  # before the policy library: an administrator's home
    ((Role.ADMIN,), "Users", "pages.admin.list_users"),
    ((Role.ADMIN,), "Panels", "pages.panel_admin.list_panels"),
    ((Role.ADMIN,), "CDF prices", "pages.cdf_prices.show_prices"),  # the national confidential prices
    ((Role.CET_ANALYST, Role.POLICY_LEAD, Role.CASE_OFFICER, Role.ADMIN), "Policy library",
     "pages.policy.list_policies"),
    ((Role.AUDITOR,), "Audit log", "pages.audit.search"),
    ((Role.ADMIN,), "Background jobs", "pages.jobs.list_jobs"),
]


ROLE_TITLES = {Role.CLINICIAN: "Clinician", Role.TRUST_APPROVER: "Trust approver",
               Role.CASE_OFFICER: "Hub IFR case officer",
               Role.PANEL_CHAIR: "IFR panel chair", Role.PANEL_MEMBER: "IFR panel member",
               Role.CDF_ADMIN: "Regional CDF administrator", Role.CET_ANALYST: "Clinical Effectiveness Team",
               Role.POLICY_LEAD: "Specialised commissioning policy team",
               Role.COMMISSIONING_FINANCE: "Commissioning finance",
               Role.ADMIN: "Service administrator", Role.AUDITOR: "Information governance auditor"}


def page_allow(*roles: Role | str) -> Callable:
    """Declare who may open a page: roles, ANY_SIGNED_IN or PUBLIC. Someone not signed in is
    sent to sign in and brought back; a signed-in user of another role gets 403."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            if PUBLIC not in roles:
                user = signed_in_user()
                if user is None:
                    return _not_signed_in()
                if ANY_SIGNED_IN not in roles and user.role not in roles:
                    raise Forbidden("Your role does not allow you to use this page.")
                g.user = user  # the same user the service layer's access checks read
                if request.method in UNSAFE_METHODS:
                    saved_forms.note_sent_again(user.id)
            return view(*args, **kwargs)

        guarded.access_rule = tuple(str(role) for role in roles)
        return guarded

    return decorate


def _not_signed_in():
    """Off to sign in, and back here after. A form posted after the sender's sign-in ended by time is
    not acted on but kept for them (web/saved_forms.py), and the page says they were signed out."""
    if request.method in UNSAFE_METHODS:
        owner = _owner_of_ended_sign_in()
        if owner is not None:
            saved_forms.keep_posted_form(owner.id)
            return redirect(url_for("pages.timeout.signed_out"))
    return redirect(url_for("pages.session.sign_in", next=request.full_path))


def _owner_of_ended_sign_in() -> User | None:
    """The person whose sign-in this browser's cookie names, if it ended by time (idle, or the
    absolute limit) rather than by signing out, and they may still sign in."""
    token = session.get("page_session")
    page_session = queries.find_page_session(_hash(token)) if isinstance(token, str) else None
    if page_session is None or page_session.ended_utc is not None:
        return None
    user = queries.get_user_by_id(page_session.user_id)
    return user if user is not None and user.is_active and user.role != Role.SYSTEM else None


def seconds_left() -> int | None:
    """How long this browser's sign-in has before it ends (idle or absolute limit, whichever is sooner),
    without counting the asking as use; None if it has ended."""
    page_session = _live_page_session()
    user = queries.get_user_by_id(page_session.user_id) if page_session else None
    if user is None or not user.is_active or user.role == Role.SYSTEM:
        return None
    config, now = current_app.config["IFR"], time.time()
    signed_in_at = session.get("signed_in_at", 0)
    idle_left = session.get("active_at", signed_in_at) + config.session_idle_seconds - now
    absolute_left = signed_in_at + config.session_absolute_hours * 3600 - now
    return max(0, int(min(idle_left, absolute_left)))


def signed_in_user() -> User | None:
    if "page_user" not in g:
        page_session = _live_page_session()
        user = queries.get_user_by_id(page_session.user_id) if page_session else None
        g.page_user = user if user and user.is_active and user.role != Role.SYSTEM else None
        if g.page_user is not None:
            session["active_at"] = time.time()
    return g.page_user


def _live_page_session() -> PageSession | None:
    """The sign-in the cookie names, if it is within its limits and has not ended on the server."""
    token = session.get("page_session")
    if not isinstance(token, str) or not _session_is_live():
        return None
    page_session = queries.find_page_session(_hash(token))
    if page_session is None or page_session.ended_utc is not None:
        return None
    hours = current_app.config["IFR"].session_absolute_hours
    if (utc_now() - as_utc(page_session.signed_in_utc)).total_seconds() > hours * 3600:
        return None
    return page_session


def _session_is_live() -> bool:
    """Signed in within the absolute limit (a working day), and used within the idle limit."""
    config, now = current_app.config["IFR"], time.time()
    signed_in_at = session.get("signed_in_at", 0)
    active_at = session.get("active_at", signed_in_at)
    return (0 <= now - signed_in_at <= config.session_absolute_hours * 3600
            and 0 <= now - active_at <= config.session_idle_seconds)


def account_name(user: User) -> str:
    """How the header names the person signed in: their name and their role in words."""
    return f"{user.display_name} ({ROLE_TITLES.get(user.role_enum, user.role)})"


def navigation_for(user: User | None) -> list[dict]:
    if user is None:
        return []
    views = current_app.view_functions
    return [{"text": text, "href": url_for(endpoint), "current": request.endpoint == endpoint}
            for roles, text, endpoint in NAVIGATION if user.role in roles and endpoint in views]


def home_for(user: User) -> str:
    links = navigation_for(user)
    return links[0]["href"] if links else url_for("pages.session.start")


@session_pages.get("/")
@page_allow(PUBLIC)
def start():
    user = signed_in_user()
    if user is not None and navigation_for(user):
        return redirect(home_for(user))
    return render_template("start.html")


@session_pages.get("/sign-in")
@page_allow(PUBLIC)
def sign_in():
    """Off to the identity provider; it sends the browser back to `finish_sign_in`. A provider that
    cannot be reached (its discovery document is read on the first sign-in) is a 503 page, not a 500."""
    from ifr_service.web.responses import render_error_page

    session["sign_in_next"] = _safe_next(request.args.get("next"))
    provider = identity_provider()
    try:
        return provider.authorize_redirect(sign_in_callback_url())
    except (RequestException, ValueError, KeyError) as error:  # unreachable, or an answer not JSON
        log.warning("the identity provider could not be reached: %s", type(error).__name__)
        return render_error_page(503, "The sign-in service cannot be reached just now. Try again in a few "
                                      "minutes; if it goes on, contact the service desk.")


@session_pages.get("/sign-in/callback")
@sign_in_limit
@page_allow(PUBLIC)
def finish_sign_in():
    """Check what the identity provider says (its signed ID token), and sign that person in."""
    from ifr_service.web.responses import render_error_page

    try:
        claims = identity_provider().authorize_access_token()["userinfo"]
    except (OAuthError, JoseError, RequestException, KeyError, TypeError) as error:
        log.warning("a sign-in did not complete: %s", type(error).__name__)
        return render_error_page(400, "Signing in did not complete. Go back to the start and sign in again.")
    user = account_for(claims, current_app.config["IFR"])
    next_page, kept_form = session.get("sign_in_next"), session.get(saved_forms.SESSION_KEY)
    session.clear()  # a new session on every sign-in, so an earlier one cannot be carried over
    session["page_session"] = _start_page_session(user)
    session["signed_in_at"] = session["active_at"] = time.time()
    g.pop("page_user", None)
    if saved_forms.carry_over_sign_in(kept_form, user.id):  # only ever its owner's
        return redirect(url_for("pages.timeout.saved_answers"))
    return redirect(next_page or home_for(user))


@session_pages.post("/sign-out")
@page_allow(PUBLIC)
def sign_out():
    """End this browser's sign-in on the server, or, with everywhere=yes, every sign-in of the
    person's (a browser left signed in elsewhere, or a cookie they fear was copied). This browser's
    ends even if it has gone idle here, so a copy kept busy elsewhere ends with it."""
    token = session.get("page_session")
    page_session = queries.find_page_session(_hash(token)) if isinstance(token, str) else None
    if page_session is not None:
        everywhere = request.form.get("everywhere") == "yes" and signed_in_user() is not None
        queries.end_page_sessions(page_session.user_id, utc_now(),
                                  token_hash=None if everywhere else page_session.token_hash)
        saved_forms.forget_saved_forms(page_session.user_id)
    session.clear()
    return redirect(url_for("pages.session.start"))


def _start_page_session(user: User) -> str:
    """A new sign-in for the user, kept on the server; the token for the cookie. The user's sign-ins
    that have ended or passed the absolute limit are forgotten."""
    hours = current_app.config["IFR"].session_absolute_hours
    queries.delete_page_sessions_before(user.id, utc_now() - timedelta(hours=hours))
    token = secrets.token_urlsafe(32)
    queries.create_page_session(PageSession(token_hash=_hash(token), user_id=user.id))
    return token


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _safe_next(target: str | None) -> str | None:
    """Only a path on this service: never another site (an open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:  # a browser reads a backslash as a slash: /\evil.example is another site
        return None
    return target
