"""Signing in to the pages: who may open what, and forms only this service sent."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import timedelta

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.web.browsing import CSRF, Person


def test_someone_not_signed_in_is_sent_to_sign_in_and_brought_back(client):
    response = client.get("/queue")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=/queue")
    signed_in = Person(client).sign_in("demo-officer", next_page="/queue?urgency=urgent")
    assert signed_in.headers["Location"] == "/queue?urgency=urgent"


def test_signing_in_takes_each_role_to_its_work(client):
    homes = {"demo-clinician": "/cases", "demo-officer": "/queue"}
    for username, home in homes.items():
        assert Person(client).sign_in(username).headers["Location"] == home


def test_signing_in_never_sends_the_browser_to_another_site(client):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)"):
        assert Person(client).sign_in("demo-officer", next_page=target).headers["Location"] == "/queue"


def test_signing_in_as_nobody_names_the_field(client):
    authorize = client.get("/sign-in").headers["Location"]
    response = Person(client).submit(authorize, {"username": "no-such-person"}, expect=422)
    assert "Choose who you are signing in as." in response.text
    assert 'href="#field-username"' in response.text


def test_a_form_without_this_services_token_is_refused_and_changes_nothing(client):
    Person(client, "demo-clinician")
    response = client.post("/cases/new", data={})
    assert response.status_code == 400
    assert "This form has expired" in response.text
    assert Person(client, "demo-clinician").open("/cases").count("DRAFT-") == 0


def test_a_page_of_another_role_is_forbidden(client):
    person = Person(client, "demo-clinician")
    assert "Your role does not allow you to use this page." in person.open("/queue", expect=403)


def test_a_missing_page_is_a_page_and_a_missing_api_address_is_json(client):
    page = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert page.status_code == 404 and "Page not found" in page.text
    api = client.get("/api/v1/no-such-thing", headers={"Accept": "text/html"})
    assert api.status_code == 404 and api.json["errors"]


def test_signing_out_ends_the_session(client):
    person = Person(client, "demo-officer")
    person.submit("/sign-out", form_page="/queue", expect=302)
    assert client.get("/queue").status_code == 302


def copy_of_cookie(app, client):
    """Another browser holding a copy of `client`'s session cookie, as someone who stole it would."""
    thief = app.test_client()
    thief.set_cookie("ifr-session", client.get_cookie("ifr-session").value, domain="localhost")
    return thief


def test_a_copied_session_cookie_is_refused_once_its_owner_signs_out(client, app):
    person = Person(client, "demo-officer")
    thief = copy_of_cookie(app, client)
    assert thief.get("/queue").status_code == 200

    person.submit("/sign-out", form_page="/queue", expect=302)

    assert thief.get("/queue").headers["Location"].startswith("/sign-in")
    assert client.get("/queue").headers["Location"].startswith("/sign-in")


def test_signing_out_after_going_idle_still_ends_a_copy_kept_busy_elsewhere(client, app):
    Person(client, "demo-officer")
    token = CSRF.search(client.get("/queue").text).group(1)
    thief = copy_of_cookie(app, client)
    with client.session_transaction() as session:
        session["active_at"] -= app.config["IFR"].session_idle_seconds + 1  # the owner's went idle
    assert thief.get("/queue").status_code == 200  # the thief's copy is kept busy

    assert client.post("/sign-out", data={"csrf_token": token}).status_code == 302

    assert thief.get("/queue").headers["Location"].startswith("/sign-in")


def test_signing_out_ends_this_browsers_sign_in_only_and_signing_out_everywhere_ends_them_all(client, app):
    laptop, desk = Person(client, "demo-officer"), Person(app.test_client(), "demo-officer")
    ward = Person(app.test_client(), "demo-officer")
    desk.submit("/sign-out", form_page="/queue", expect=302)
    assert desk.client.get("/queue").status_code == 302
    assert laptop.client.get("/queue").status_code == 200 and ward.client.get("/queue").status_code == 200

    page = laptop.open("/queue")
    assert "Sign out everywhere" in page
    laptop.submit("/sign-out", {"everywhere": "yes"}, form_page="/queue", expect=302)
    assert ward.client.get("/queue").headers["Location"].startswith("/sign-in")
    assert laptop.client.get("/queue").headers["Location"].startswith("/sign-in")


def test_a_sign_in_past_the_working_day_is_refused_by_the_server_whatever_the_cookie_says(client, app, in_db):
    from sqlalchemy import text

    Person(client, "demo-officer")
    hours = app.config["IFR"].session_absolute_hours

    def age_every_sign_in():
        from ifr_service import db
        from ifr_service.db import utc_now

        db.session().execute(text("UPDATE page_session SET signed_in_utc = :then"),
                             {"then": utc_now() - timedelta(hours=hours, seconds=1)})

    in_db(age_every_sign_in)
    assert client.get("/queue").headers["Location"].startswith("/sign-in")


def test_a_sign_in_lasts_a_working_day_however_busy(client, app):
    Person(client, "demo-officer")
    with client.session_transaction() as session:
        session["signed_in_at"] -= app.config["IFR"].session_absolute_hours * 3600 + 1
    assert client.get("/queue").headers["Location"].startswith("/sign-in")


def test_a_sign_in_ends_after_a_while_without_use_and_each_page_keeps_it_going(client, app):
    idle = app.config["IFR"].session_idle_seconds
    Person(client, "demo-officer")
    with client.session_transaction() as session:
        session["active_at"] -= idle - 60  # a minute to spare
    assert client.get("/queue").status_code == 200
    with client.session_transaction() as session:
        assert session["active_at"] > session["signed_in_at"]
        session["active_at"] -= idle + 1
    assert client.get("/queue").headers["Location"].startswith("/sign-in")


def test_the_session_cookie_is_out_of_scripts_reach_and_stays_on_this_site(client):
    authorize = client.get("/sign-in").headers["Location"]
    chosen = Person(client).submit(authorize, {"username": "demo-officer"}, expect=302)
    cookie = client.get(chosen.headers["Location"]).headers["Set-Cookie"]
    assert cookie.startswith("ifr-session=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_method_a_page_does_not_take_is_a_page_and_the_api_keeps_json(client):
    page = client.delete("/cases", headers={"Accept": "text/html"})
    assert page.status_code == 405 and "<h1>" in page.text
    assert client.delete("/api/v1/cases", headers={"Accept": "text/html"}).json["status"] == 405


def test_a_file_too_large_for_the_service_is_refused_with_a_page(client, auth, application, app):
    from tests.builders import CLINICIAN

    draft = client.post("/api/v1/cases", json=application, headers=auth(CLINICIAN)).json["reference"]
    person, page = Person(client, CLINICIAN), f"/cases/{draft}/attachments/new"
    token = CSRF.search(person.open(page)).group(1)
    too_large = b"%PDF-1.4" + b"0" * app.config["MAX_CONTENT_LENGTH"]
    # Encoded here in memory: the test client would spool so large a body to a file it never closes.
    boundary, body = encode_multipart({"csrf_token": token,
                                       "file": FileStorage(io.BytesIO(too_large), "scan.pdf")})
    response = client.post(page, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413 and "<h1>" in response.text


def test_pages_are_never_framed_sniffed_cached_or_named_to_other_sites(client):
    Person(client, "demo-officer")
    response = client.get("/queue")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_pages_run_only_their_own_scripts_and_each_inline_one_carries_the_responses_nonce(client):
    Person(client, "demo-officer")
    response = client.get("/queue")
    policy = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    scripts = re.findall(r"<script([^>]*)>", response.text)
    assert scripts and all(f'nonce="{nonce}"' in attributes for attributes in scripts)
    assert nonce not in client.get("/queue").headers["Content-Security-Policy"]  # a new one each time


def test_production_pages_tell_the_browser_to_use_https_only(client, app):
    config = app.config["IFR"]
    app.config["IFR"] = replace(config, environment="production")
    try:
        assert "max-age=31536000" in client.get("/").headers["Strict-Transport-Security"]
    finally:
        app.config["IFR"] = config
    assert "Strict-Transport-Security" not in client.get("/").headers


# Time-outs as the NHS service manual asks (web/timeout.py), and what was typed not lost (web/saved_forms.py).

def test_the_limits_are_read_from_the_environment_with_their_stated_defaults(tmp_path):
    from ifr_service.config import Config, ConfigError

    defaults = Config.from_environment({"IFR_PROJECT_ROOT": str(tmp_path)})
    assert (defaults.session_idle_seconds, defaults.session_warning_seconds, defaults.session_absolute_hours,
            defaults.saved_form_minutes) == (30 * 60, 2 * 60, 12, 30)
    chosen = Config.from_environment({"IFR_PROJECT_ROOT": str(tmp_path), "SESSION_IDLE_MINUTES": "20",
                                      "SESSION_WARNING_MINUTES": "5", "SAVED_FORM_MINUTES": "10"})
    assert (chosen.session_idle_seconds, chosen.session_warning_seconds, chosen.saved_form_minutes) == \
        (20 * 60, 5 * 60, 10)
    with pytest.raises(ConfigError, match="SESSION_WARNING_MINUTES must be less than SESSION_IDLE_MINUTES"):
        Config.from_environment({"IFR_PROJECT_ROOT": str(tmp_path), "SESSION_IDLE_MINUTES": "2"})


def test_asking_how_long_is_left_never_keeps_a_sign_in_going(client, app):
    idle = app.config["IFR"].session_idle_seconds
    Person(client, "demo-officer")
    with client.session_transaction() as session:
        session["active_at"] -= idle - 10
        went_quiet = session["active_at"]
    status = client.get("/session/status").json
    assert status["signed_in"] is True and 0 < status["seconds_left"] <= 10
    assert status["warning_seconds"] == app.config["IFR"].session_warning_seconds
    with client.session_transaction() as session:
        assert session["active_at"] == went_quiet
        session["active_at"] -= 11
    ended = client.get("/session/status").json
    assert (ended["signed_in"], ended["seconds_left"]) == (False, 0)


def test_staying_signed_in_keeps_the_sign_in_going_and_needs_this_services_form_token(client, app):
    idle = app.config["IFR"].session_idle_seconds
    Person(client, "demo-officer")
    token = CSRF.search(client.get("/queue").text).group(1)
    with client.session_transaction() as session:
        session["active_at"] -= idle - 10
    assert client.post("/session/stay-signed-in", headers={"Accept": "application/json"}).status_code == 400

    stayed = client.post("/session/stay-signed-in", data={"csrf_token": token},
                         headers={"Accept": "application/json"})
    assert stayed.json["signed_in"] is True and stayed.json["seconds_left"] >= idle - 5
    without_script = client.post("/session/stay-signed-in",
                                 data={"csrf_token": token, "next": "/queue?due=overdue"})
    assert without_script.headers["Location"] == "/queue?due=overdue"


def test_every_signed_in_page_carries_the_warning_and_says_the_limit_without_javascript(client, app):
    page = Person(client, "demo-officer").open("/queue")
    assert 'role="alertdialog"' in page and "Stay signed in" in page
    assert "<noscript>" in page and "for 30 minutes" in page
    assert 'role="alertdialog"' not in app.test_client().get("/").text


def test_the_warning_is_timed_by_the_absolute_limit_when_that_comes_sooner(client, app):
    config = app.config["IFR"]
    Person(client, "demo-officer")
    shown = re.compile(r'data-seconds-left="(\d+)"')
    assert int(shown.search(client.get("/queue").text).group(1)) == config.session_idle_seconds
    with client.session_transaction() as session:
        session["signed_in_at"] -= config.session_absolute_hours * 3600 - 100  # 100 seconds of the day left
    assert 90 <= int(shown.search(client.get("/queue").text).group(1)) <= 100


def draft_with_a_typed_name(client) -> tuple[str, str]:
    """A clinician's draft, and the page of its first section with the form's token."""
    Person(client, "demo-clinician")
    draft = Person(client).submit("/cases/new", expect=302).headers["Location"].rsplit("/", 1)[0]
    section = f"{draft}/application/patient"
    return section, CSRF.search(client.get(section).text).group(1)


def go_idle(client, app) -> None:
    with client.session_transaction() as session:
        session["active_at"] -= app.config["IFR"].session_idle_seconds + 1


def test_a_form_sent_after_the_sign_in_ended_is_kept_unacted_and_sent_again_by_its_owner(
        client, app):
    section, token = draft_with_a_typed_name(client)
    go_idle(client, app)
    sent = client.post(section, data={"csrf_token": token, "patient.given_name": "Alex",
                                      "save_and_return": ""})
    assert sent.headers["Location"] == "/signed-out"
    signed_out = client.get("/signed-out").text
    assert "We kept the answers you sent" in signed_out and "within 30 minutes" in signed_out

    assert Person(client).sign_in("demo-clinician").headers["Location"] == "/saved-answers"
    offered = client.get("/saved-answers").text
    assert f'action="{section}"' in offered and 'name="patient.given_name" value="Alex"' in offered
    assert 'value="' + token + '"' not in offered  # a fresh token, never the old page's
    assert 'value=""' in offered and "Alex" not in client.get(section).text  # not acted on while kept

    fresh = CSRF.search(offered).group(1)
    again = client.post(section, data={"csrf_token": fresh, "patient.given_name": "Alex",
                                       "save_and_return": ""})
    assert again.status_code == 302
    assert 'value="Alex"' in client.get(section).text
    assert "There are no answers kept for you" in client.get("/saved-answers").text


def test_another_person_signing_in_on_the_same_browser_never_gets_the_kept_answers(
        client, app):
    section, token = draft_with_a_typed_name(client)
    go_idle(client, app)
    client.post(section, data={"csrf_token": token, "patient.given_name": "Alex"})

    assert Person(client).sign_in("demo-officer").headers["Location"] == "/queue"
    assert "Alex" not in client.get("/saved-answers").text
    client.get("/queue")  # and the first person, back on the same browser, finds them gone too
    assert Person(client).sign_in("demo-clinician").headers["Location"] == "/cases"
    assert "There are no answers kept for you" in client.get("/saved-answers").text


def test_kept_answers_expire(client, app, in_db):
    from sqlalchemy import text

    section, token = draft_with_a_typed_name(client)
    go_idle(client, app)
    client.post(section, data={"csrf_token": token, "patient.given_name": "Alex"})

    def expire_them():
        from ifr_service import db
        from ifr_service.db import utc_now

        db.session().execute(text("UPDATE saved_form SET expires_utc = :now"), {"now": utc_now()})

    in_db(expire_them)
    assert "We kept the answers" not in client.get("/signed-out").text
    assert Person(client).sign_in("demo-clinician").headers["Location"] == "/cases"


def test_the_clock_sweep_deletes_expired_kept_answers_and_leaves_the_others(app, in_db):
    from sqlalchemy import text

    from ifr_service.jobs.schedule import run_clock_sweep
    from ifr_service.users.queries import find_user
    from ifr_service.web.saved_forms import keep_posted_form

    def keep_for(username: str) -> None:
        with app.test_request_context("/cases/DRAFT-X/application/patient", method="POST",
                                      data={"patient.given_name": "Alex"}):
            assert keep_posted_form(find_user(username).id)

    def expire_the_clinicians():
        from ifr_service import db
        from ifr_service.db import utc_now

        db.session().execute(text("UPDATE saved_form SET expires_utc = :now WHERE user_id = :id"),
                             {"now": utc_now(), "id": find_user("demo-clinician").id})

    def usernames_kept():
        from ifr_service import db

        return sorted(db.session().execute(text(
            "SELECT u.username FROM saved_form f JOIN app_user u ON u.id = f.user_id")).scalars())

    in_db(keep_for, "demo-clinician")
    in_db(keep_for, "demo-officer")
    in_db(expire_the_clinicians)
    with app.app_context():
        run_clock_sweep()
    assert in_db(usernames_kept) == ["demo-officer"]


def test_signing_out_or_discarding_deletes_the_kept_answers(client, app):
    section, token = draft_with_a_typed_name(client)
    go_idle(client, app)
    client.post(section, data={"csrf_token": token, "patient.given_name": "Alex"})
    Person(client).sign_in("demo-clinician")
    person = Person(client)
    person.submit("/saved-answers/discard", form_page="/saved-answers", expect=302)
    assert "There are no answers kept for you" in client.get("/saved-answers").text

    section, token = draft_with_a_typed_name(client)
    go_idle(client, app)
    client.post(section, data={"csrf_token": token, "patient.given_name": "Alex"})
    client.post("/sign-out", data={"csrf_token": token})
    assert Person(client).sign_in("demo-clinician").headers["Location"] == "/cases"


def test_a_form_sent_after_signing_out_or_never_signed_in_is_not_kept(client, app):
    section, token = draft_with_a_typed_name(client)
    Person(client).submit("/sign-out", form_page="/cases", expect=302)
    refused = client.post(section, data={"csrf_token": token, "patient.given_name": "Alex"})
    assert refused.status_code in (302, 400) and refused.headers.get("Location", "") != "/signed-out"
    stranger = app.test_client()
    assert stranger.post(section, data={"patient.given_name": "Alex"}).status_code == 400  # no form token


def test_kept_answers_are_bounded_and_a_files_bytes_are_never_kept(app, in_db):
    from ifr_service.users.queries import find_user
    from ifr_service.web.saved_forms import SAVED_FORM_MAX_BYTES, keep_posted_form, kept_in_this_browser

    def keep(data) -> tuple[bool, object]:
        with app.test_request_context("/cases/DRAFT-X/attachments/new", method="POST", data=data):
            kept = keep_posted_form(find_user("demo-clinician").id)
            return kept, kept_in_this_browser()

    too_long, _ = in_db(keep, {"note": "x" * (SAVED_FORM_MAX_BYTES + 1)})
    assert too_long is False
    kept, saved = in_db(keep, {"description": "Scan", "file": (io.BytesIO(b"%PDF-1.4 secret"), "scan.pdf"),
                               "csrf_token": "old"})
    assert kept is True and saved.files_left_out is True
    assert saved.answers == [("description", "Scan")] and "secret" not in saved.fields


def test_the_accessibility_statement_is_public_in_the_service_manuals_form_and_in_every_footer(client, app):
    statement = client.get("/accessibility")
    assert statement.status_code == 200
    for heading in ("Using this service", "How accessible this service is", "Feedback and contact",
                    "Enforcement procedure", "Technical information about this service", "Compliance status",
                    "Non-accessible content", "How we tested this service", "What we're doing to improve",
                    "Preparation of this accessibility statement"):
        assert heading in statement.text.replace("&#39;", "'"), heading
    assert "Equality Advisory and Support Service" in statement.text
    assert "partially compliant" in statement.text and "version 2.2" in statement.text
    assert "no manual audit" in statement.text and "Contact details not set" in statement.text
    assert 'href="/accessibility"' in Person(client, "demo-officer").open("/queue")
    assert 'href="/accessibility"' in app.test_client().get("/").text

    config = app.config["IFR"]
    app.config["IFR"] = replace(config, accessibility_contact_email="ifr.access@example.nhs.uk",
                                accessibility_contact_phone="0300 000 0000")
    try:
        page = client.get("/accessibility").text
        assert "ifr.access@example.nhs.uk" in page and "0300 000 0000" in page
        assert "Contact details not set" not in page
    finally:
        app.config["IFR"] = config
