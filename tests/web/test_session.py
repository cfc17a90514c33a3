"""Signing in to the pages: who may open what, and forms only this service sent."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import timedelta

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
        session["active_at"] -= app.config["IFR"].session_idle_minutes * 60 + 1  # the owner's went idle
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
    idle = app.config["IFR"].session_idle_minutes * 60
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
