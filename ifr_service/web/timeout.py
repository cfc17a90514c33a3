"""Time-outs as the NHS service manual and GOV.UK ask: a warning before a sign-in ends for want of use,
with the choice to stay signed in; a page saying so when it has ended; and, for a form sent after it
ended, the answers kept to send again (web/saved_forms.py).

The warning is a dialog in every signed-in page (layout.html, own_assets/session-timeout.js). The
script asks `/session/status` how long is left, which is not counted as use, so that one tab kept busy
keeps the others' warnings away; "Stay signed in" posts to `/session/stay-signed-in` (CSRF-protected),
which is. Without JavaScript the page says when the sign-in will end, and what is sent after is kept.
"""

from __future__ import annotations

import time

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, session, url_for

from ifr_service.users.access import ANY_SIGNED_IN, PUBLIC
from ifr_service.web import saved_forms
from ifr_service.web.session import _safe_next, home_for, page_allow, seconds_left, signed_in_user

timeout_pages = Blueprint("timeout", __name__)


@timeout_pages.app_context_processor
def time_left_globals():
    return {"session_seconds_left": seconds_left_for_this_page}


def seconds_left_for_this_page() -> int:
    """What the signed-in page being shown leaves of its sign-in: the whole idle limit (the page is use),
    or less if the absolute limit comes sooner, so the warning comes before that too."""
    config = current_app.config["IFR"]
    absolute_left = session.get("signed_in_at", 0) + config.session_absolute_hours * 3600 - time.time()
    return max(0, int(min(config.session_idle_seconds, absolute_left)))


@timeout_pages.get("/session/status")
@page_allow(PUBLIC)
def status():
    """How long this browser's sign-in has left. Asking is not use: it never keeps a sign-in going."""
    left = seconds_left()
    return jsonify(signed_in=left is not None, seconds_left=left or 0,
                   warning_seconds=current_app.config["IFR"].session_warning_seconds)


@timeout_pages.post("/session/stay-signed-in")
@page_allow(PUBLIC)
def stay_signed_in():
    """The warning's "Stay signed in": counts as use, as any page does. A script gets JSON; a form
    posted without one goes back to the page it came from."""
    user = signed_in_user()
    if request.accept_mimetypes.best == "application/json":
        left = seconds_left() if user is not None else None
        return jsonify(signed_in=left is not None, seconds_left=left or 0)
    if user is None:
        return redirect(url_for("pages.timeout.signed_out"))
    return redirect(_safe_next(request.form.get("next")) or home_for(user))


@timeout_pages.get("/signed-out")
@page_allow(PUBLIC)
def signed_out():
    """Where a sign-in that ended for want of use lands: what happened, and what was kept."""
    if signed_in_user() is not None:  # another tab kept it going
        return redirect(home_for(signed_in_user()))
    config = current_app.config["IFR"]
    return render_template("session/signed_out.html", title="You have been signed out",
                           idle_minutes=config.session_idle_seconds // 60,
                           saved=saved_forms.kept_in_this_browser(),
                           kept_minutes=config.saved_form_minutes)


@timeout_pages.get("/saved-answers")
@page_allow(ANY_SIGNED_IN)
def saved_answers():
    """The answers kept from a form sent after the sign-in ended: to check, then send or discard."""
    saved = saved_forms.saved_form_for(signed_in_user().id)
    title = "Send the answers we kept" if saved else "There are no answers kept for you"
    return render_template("session/saved_answers.html", title=title, saved=saved)


@timeout_pages.post("/saved-answers/discard")
@page_allow(ANY_SIGNED_IN)
def discard_saved_answers():
    user = signed_in_user()
    saved_forms.forget_saved_forms(user.id)
    flash("The answers we kept have been deleted.")
    return redirect(home_for(user))
