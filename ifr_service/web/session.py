"""Signing in to the pages, and the rule each page declares about who may open it.

Pages keep who is signed in in Flask's signed session cookie. Until sign-in through the
national identity provider arrives, development and test sign in as one of the demo users;
production refuses that and says so.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for

from ifr_service.errors import Forbidden, ValidationFailed
from ifr_service.users.access import ANY_SIGNED_IN, PUBLIC
from ifr_service.users.models import Role, User
from ifr_service.users.queries import find_user, find_users

session_pages = Blueprint("session", __name__)
# The session cookie is signed, not stored: a sign-in lasts a working day, however the cookie is kept.
SIGNED_IN_FOR = timedelta(hours=12)

# What each role works on: the header's links, and where signing in takes them.
HUB_TEAM = (Role.CASE_OFFICER, Role.PANEL_CHAIR, Role.PANEL_MEMBER)
NAVIGATION = [
    ((Role.CLINICIAN,), "Your cases", "pages.cases.list_cases"),
    ((Role.CLINICIAN,), "Start an IFR", "pages.application.start_application"),
    ((Role.CLINICIAN,), "Cancer Drugs Fund", "pages.cdf.choose_drug"),
    ((*HUB_TEAM, Role.ADMIN), "Work queue", "pages.cases.queue"),
    (HUB_TEAM, "Panel meetings", "pages.panels.list_meetings"),
    ((Role.CDF_ADMIN,), "CDF applications", "pages.cdf.list_applications"),
    ((Role.CET_ANALYST,), "National dashboard", "pages.cet.dashboard"),
    ((Role.CET_ANALYST,), "Policy development", "pages.policy.list_items"),
    ((Role.CET_ANALYST, Role.CASE_OFFICER), "Policy library", "pages.policy.list_policies"),
]


ROLE_TITLES = {Role.CLINICIAN: "Clinician", Role.CASE_OFFICER: "Hub IFR case officer",
               Role.PANEL_CHAIR: "IFR panel chair", Role.PANEL_MEMBER: "IFR panel member",
               Role.CDF_ADMIN: "Regional CDF administrator", Role.CET_ANALYST: "Clinical Effectiveness Team",
               Role.ADMIN: "Service administrator"}


def page_allow(*roles: Role | str) -> Callable:
    """Declare who may open a page: roles, ANY_SIGNED_IN or PUBLIC. Someone not signed in is
    sent to sign in and brought back; a signed-in user of another role gets 403."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            if PUBLIC not in roles:
                user = signed_in_user()
                if user is None:
                    return redirect(url_for("pages.session.sign_in", next=request.full_path))
                if ANY_SIGNED_IN not in roles and user.role not in roles:
                    raise Forbidden("Your role does not allow you to use this page.")
                g.user = user  # the same user the service layer's access checks read
            return view(*args, **kwargs)

        guarded.access_rule = tuple(str(role) for role in roles)
        return guarded

    return decorate


def signed_in_user() -> User | None:
    if "page_user" not in g:
        signed_in_at = session.get("signed_in_at", 0)
        fresh = 0 <= time.time() - signed_in_at <= SIGNED_IN_FOR.total_seconds()
        username = session.get("username") if fresh else None
        user = find_user(username) if username else None
        g.page_user = user if user and user.is_active and user.role != Role.SYSTEM else None
    return g.page_user


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
    if user is not None:
        return redirect(home_for(user))
    return render_template("start.html")


@session_pages.route("/sign-in", methods=["GET", "POST"])
@page_allow(PUBLIC)
def sign_in():
    config = current_app.config["IFR"]
    if config.is_production:
        return render_template("sign_in.html", production=True), 200 if request.method == "GET" else 403
    users = [user for user in find_users() if user.is_active and user.role != Role.SYSTEM]
    choices = [{"value": user.username, "text": user.display_name, "hint": {"text": ", ".join(
                   filter(None, [ROLE_TITLES[user.role_enum], user.organisation_name]))}} for user in users]
    if request.method == "GET":
        return render_template("sign_in.html", choices=choices, next=request.args.get("next", ""))
    user = find_user(request.form.get("username", ""))
    if user is None or user not in users:
        error = ValidationFailed({"username": "Choose who you are signing in as."})
        return render_template("sign_in.html", choices=choices, errors=error.fields,
                               next=request.form.get("next", "")), 422
    session.clear()  # a new session on every sign-in, so an earlier one cannot be carried over
    session["username"], session["signed_in_at"] = user.username, time.time()
    g.pop("page_user", None)
    return redirect(_safe_next(request.form.get("next")) or home_for(user))


@session_pages.post("/sign-out")
@page_allow(PUBLIC)
def sign_out():
    session.clear()
    return redirect(url_for("pages.session.start"))


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
