"""The service administrator's pages in a browser's shoes (Flask's test client, CSRF tokens and all):
the overview they land on, the users pages, who else may reach them (nobody), what an attacker's
form gets, and the audit row each change leaves."""

from __future__ import annotations

import re

import pytest

from ifr_service.users.queries import find_user
from tests.users.audited import audit_mark, audited_since
from tests.web.browsing import Person

pytestmark = pytest.mark.usefixtures("restore_people")

OTHERS = ["demo-clinician", "demo-officer", "demo-panel-chair", "demo-panel-member", "demo-cdf-admin",
          "demo-cet", "demo-auditor"]
PAGES = ["/admin", "/admin/users", "/admin/users/new", "/admin/users/demo-officer", "/admin/panels",
         "/admin/panels/1", "/admin/panels/1/members/1"]
FORMS = ["/admin/users/new", "/admin/users/demo-officer", "/admin/panels/1/members",
         "/admin/panels/1/members/1"]
NEW_USER = {"username": "jo.bloggs", "display_name": "Jo Bloggs", "email": "jo.bloggs@nhs.net",
            "role": "case_officer", "hub": "london"}


def admin(client) -> Person:
    return Person(client, "demo-admin")


def cell(page: str, label: str) -> str:
    """The value shown in a responsive table's cell after its heading."""
    found = re.search(rf'aria-hidden="true">{re.escape(label)} </span>([^<]*)<', page)
    assert found, label
    return found.group(1).strip()


def test_an_administrator_lands_on_the_overview(client):
    landed = Person(client).sign_in("demo-admin")
    assert landed.headers["Location"].endswith("/admin")


def test_the_overview_counts_people_by_role_and_shows_no_jobs_as_0(client):
    page = admin(client).open("/admin")
    assert "Service administrator" in page and "London IFR panel" in page
    assert 'Jobs </span>0<' in page  # every state of the jobs, none of them blank
    assert "No job has failed." in page


def test_the_jobs_page_shows_0_not_a_blank(client):
    page = admin(client).open("/jobs")
    values = re.findall(r'<dd class="nhsuk-summary-list__value"\s*>\s*([^<]*?)\s*</dd>', page)
    assert values == ["0", "0 seconds", "0"]


@pytest.mark.parametrize("username", OTHERS)
def test_no_other_role_reaches_any_administrator_page(app, username):
    person = Person(app.test_client(), username)
    for path in PAGES:
        assert person.client.get(path).status_code == 403, path
    for path in FORMS:
        response = person.submit(path, {**NEW_USER, "role": "admin"}, form_page="/policies")
        assert response.status_code == 403, path
    assert person.client.get("/admin/users/jo.bloggs").status_code == 403


def test_a_user_added_on_the_page_is_audited_and_shown(client, in_db):
    mark, person = audit_mark(in_db), admin(client)
    saved = person.submit("/admin/users/new", NEW_USER, expect=302)
    assert saved.headers["Location"].endswith("/admin/users/jo.bloggs")
    page = person.open("/admin/users/jo.bloggs")
    assert "Jo Bloggs (jo.bloggs) is added" in page
    assert "A service administrator, here" in page
    assert audited_since(in_db, mark, "user:jo.bloggs") == [("demo-admin", "admin")]
    listed = person.open("/admin/users?q=BLOGGS")
    assert "jo.bloggs" in listed and "demo-officer" not in listed


def test_a_blank_form_is_a_422_page_naming_each_field_and_saves_nothing(client, in_db):
    response = admin(client).submit("/admin/users/new", {"username": "", "role": ""}, expect=422)
    assert "There is a problem" in response.text
    for field, message in [("username", "Enter a username."),
                           ("display_name", "Enter the person&#39;s full name."),
                           ("role", "Choose the person&#39;s role from the list.")]:
        assert f'href="#field-{field}"' in response.text and message in response.text
    assert in_db(lambda: find_user("")) is None


def test_a_duplicate_username_is_refused_on_the_page(client):
    response = admin(client).submit("/admin/users/new", {**NEW_USER, "username": "demo-officer"}, expect=422)
    assert "There is a user &#39;demo-officer&#39; already" in response.text


@pytest.mark.parametrize(("posted", "field"), [({"role": "superuser"}, "role"), ({"role": "system"}, "role"),
                                               ({"hub": "LONDON'; drop table app_user"}, "hub"),
                                               ({"role": "cdf_admin", "region": "narnia"}, "region"),
                                               ({"leads_hub": "maybe"}, "leads_hub")])
def test_an_attacker_posting_a_role_or_organisation_that_does_not_exist_gets_a_422(client, in_db, posted,
                                                                                   field):
    response = admin(client).submit("/admin/users/new", {**NEW_USER, **posted}, expect=422)
    assert f'href="#field-{field}"' in response.text
    assert in_db(lambda: find_user("jo.bloggs")) is None


def test_an_attacker_cannot_make_an_administrator_of_the_service_itself(client):
    person = admin(client)
    assert person.submit("/admin/users/ifr-service", {"role": "admin"}, form_page="/admin").status_code == 404
    assert person.client.get("/admin/users/nobody-at-all").status_code == 404


def test_an_administrator_cannot_switch_themselves_off_on_the_page(client, in_db):
    form = {"display_name": "Alex Reid", "email": "demo-admin@example.nhs.uk", "role": "admin",
            "is_active": "no"}
    response = admin(client).submit("/admin/users/demo-admin", form, expect=422)
    assert "You cannot switch yourself off" in response.text and 'href="#field-is_active"' in response.text
    assert in_db(lambda: find_user("demo-admin").is_active)


def test_switching_someone_off_ends_their_sign_in_and_they_cannot_sign_in_again(app, client, in_db):
    mark = audit_mark(in_db)
    auditor = Person(app.test_client(), "demo-auditor")
    assert auditor.client.get("/audit").status_code == 200
    form = {"display_name": "Morgan Price", "email": "demo-auditor@example.nhs.uk", "role": "auditor",
            "is_active": "no"}
    saved = admin(client).submit("/admin/users/demo-auditor", form, expect=302)
    assert "switched off" in admin(client).open(saved.headers["Location"])
    assert auditor.client.get("/audit").status_code == 302  # signed out: off to sign in
    start = auditor.client.get("/sign-in")
    refused = auditor.submit(start.headers["Location"], {"username": "demo-auditor"}, expect=422)
    assert "Choose who you are signing in as." in refused.text
    assert audited_since(in_db, mark, "user:demo-auditor") == [("demo-admin", "admin")]


def test_changing_a_role_and_organisation_on_the_page_takes_effect_at_once(app, client, in_db):
    officer = Person(app.test_client(), "demo-officer")
    form = {"display_name": "Sam Patel", "email": "demo-officer@example.nhs.uk", "role": "cdf_admin",
            "region": "london", "is_active": "yes"}
    admin(client).submit("/admin/users/demo-officer", form, expect=302)
    assert officer.client.get("/queue").status_code == 403
    assert officer.client.get("/cdf/applications").status_code == 200
    user = in_db(lambda: find_user("demo-officer"))
    placed = (user.role, user.hub_id, user.region_id is not None, user.managed_here)
    assert placed == ("cdf_admin", None, True, True)


def test_the_users_list_shows_at_most_its_limit_and_says_so(client, monkeypatch):
    from ifr_service.users import views

    monkeypatch.setattr(views, "MOST_LISTED", 3)
    page = admin(client).open("/admin/users")
    assert "The first 3 users: search by name or choose a role to find others" in page
    assert page.count('class="nhsuk-table__row" role="row">') == 3 + 1  # the heading's row and three
    assert "1 user<" in admin(client).open("/admin/users?q=Sam+Patel")
