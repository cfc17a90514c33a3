"""A service administrator's rules for users (users/service.py): who can be added, what each role
needs, what an administrator cannot do to themselves, and what switching someone off does. Each
test puts the users back as they were (restore_people)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from ifr_service.errors import Forbidden, ValidationFailed
from ifr_service.identity.accounts import account_for
from ifr_service.panels.models import PanelMember
from ifr_service.panels.queries import find_panels
from ifr_service.panels.seats import seats_quorum
from ifr_service.users import service
from ifr_service.users.models import PageSession, User
from ifr_service.users.queries import find_user

pytestmark = pytest.mark.usefixtures("restore_people")

NEW_OFFICER = {"username": "jo.bloggs", "display_name": "Jo Bloggs", "email": "jo.bloggs@nhs.net",
               "role": "case_officer", "hub": "london"}


def add(form: dict, by: str = "demo-admin") -> User:
    return service.add_user(find_user(by), form)


def change(username: str, changes: dict, by: str = "demo-admin") -> User:
    user = find_user(username)
    form = {"display_name": user.display_name, "email": user.email, "role": user.role, "is_active": "yes",
            "hub": "london" if user.hub_id else "", "leads_hub": "yes" if user.leads_hub else "",
            "region": "london" if user.region_id else "", "trust_code": user.organisation_code or "",
            **changes}
    return service.change_user(find_user(by), user, form)


def refusal(function, *args) -> dict:
    with pytest.raises(ValidationFailed) as refused:
        function(*args)
    return refused.value.fields


def test_an_added_user_has_the_role_and_hub_given_and_is_kept_here(in_db):
    def run():
        user = add(NEW_OFFICER)
        return user.role, user.hub_id is not None, user.managed_here, user.is_active

    assert in_db(run) == ("case_officer", True, True, True)


def test_a_user_with_nothing_filled_in_is_refused_naming_every_field_and_nothing_is_saved(in_db):
    errors = in_db(refusal, add, {})
    assert set(errors) == {"username", "display_name", "email", "role"}
    assert errors["username"] == ["Enter a username."]
    assert in_db(lambda: find_user("")) is None


@pytest.mark.parametrize("username", ["jo bloggs", "jo/bloggs", "-jo", "jo", "x" * 101, "ifr-service",
                                      "client:rrv", "jo\u202ebloggs"])
def test_a_username_that_is_not_one_the_identity_provider_could_give_is_refused(in_db, username):
    errors = in_db(refusal, add, {**NEW_OFFICER, "username": username})
    assert list(errors) == ["username"]


def test_a_username_taken_in_any_letter_case_is_refused(in_db):
    errors = in_db(refusal, add, {**NEW_OFFICER, "username": "Demo-Officer"})
    assert errors == {"username": ["There is a user 'demo-officer' already: choose another username."]}


def test_the_same_new_user_saved_twice_at_once_is_one_user(in_db):
    first = in_db(lambda: add(NEW_OFFICER).id)
    second = in_db(lambda: add(NEW_OFFICER).id)
    assert first == second
    other = in_db(refusal, add, {**NEW_OFFICER, "display_name": "Someone Else"})
    assert list(other) == ["username"]


@pytest.mark.parametrize(("role", "field"), [("clinician", "trust_code"), ("case_officer", "hub"),
                                             ("panel_chair", "hub"), ("panel_member", "hub"),
                                             ("cdf_admin", "region")])
def test_each_role_needs_its_own_kind_of_organisation(in_db, role, field):
    form = {**NEW_OFFICER, "role": role, "hub": "", "region": ""}
    assert field in in_db(refusal, add, form)


@pytest.mark.parametrize(("posted", "field"), [({"role": "superuser"}, "role"), ({"role": "system"}, "role"),
                                               ({"hub": "atlantis"}, "hub"),
                                               ({"role": "cdf_admin", "region": "mars"}, "region"),
                                               ({"role": "clinician", "trust_code": "R@V"}, "trust_code"),
                                               ({"role": "clinician", "trust_code": "ZZZ99"}, "trust_code")])
def test_a_role_or_organisation_that_does_not_exist_is_refused(in_db, posted, field):
    assert field in in_db(refusal, add, {**NEW_OFFICER, **posted})


def test_a_clinician_belongs_to_their_trust_only_whatever_else_was_filled_in(in_db):
    def run():
        user = add({**NEW_OFFICER, "role": "clinician", "trust_code": "rrv", "trust_name": "Typed by hand"})
        return user.organisation_code, user.organisation_name, user.hub_id, user.region_id

    assert in_db(run) == ("RRV", "University College London Hospitals NHS Foundation Trust", None, None)


def test_a_trust_approver_belongs_to_a_trust_chosen_from_the_list_like_a_clinician(in_db):
    def run():
        user = add({**NEW_OFFICER, "role": "trust_approver", "trust_code": "rj1"})
        return user.role, user.organisation_code, user.hub_id, user.region_id

    assert in_db(run) == ("trust_approver", "RJ1", None, None)
    errors = in_db(refusal, add, {**NEW_OFFICER, "username": "no-trust", "role": "trust_approver",
                                  "trust_code": ""})
    assert list(errors) == ["trust_code"]


def test_only_a_case_officer_can_lead_a_hub(in_db):
    errors = in_db(refusal, add, {**NEW_OFFICER, "role": "panel_member", "leads_hub": "yes"})
    assert errors == {"leads_hub": ["Only a hub's case officer can lead its IFR team."]}


def test_an_administrator_cannot_switch_themselves_off_or_change_their_own_role(in_db):
    errors = in_db(refusal, change, "demo-admin", {"is_active": "no", "role": "auditor"})
    assert set(errors) == {"is_active", "role"}
    assert in_db(lambda: find_user("demo-admin").is_active)


def test_the_last_active_administrator_cannot_be_switched_off(in_db):
    def run():
        other = add({"username": "second-admin", "display_name": "Second Admin", "email": "a@nhs.net",
                     "role": "admin"})
        change("second-admin", {"is_active": "no"})  # demo-admin remains: allowed
        # The switched-off administrator's request, still in flight, cannot leave no administrator.
        return service.change_user(other, find_user("demo-admin"), {
            "display_name": "Alex Reid", "email": "demo-admin@example.nhs.uk", "role": "admin",
            "is_active": "no"})

    with pytest.raises(ValidationFailed) as refused:
        in_db(run)
    assert refused.value.fields["role"][0].startswith("This is the last active service administrator")


def test_switching_someone_off_signs_them_out_everywhere_and_stands_down_their_seats(in_db, app):
    def run():
        member = find_user("demo-panel-lay-member")
        from ifr_service.db import session

        session().add(PageSession(token_hash="a" * 64, user_id=member.id))
        change("demo-panel-lay-member", {"is_active": "no"})
        # Every sign-in of theirs, this one and any an earlier test left, has ended.
        sessions = session().exec(select(PageSession).where(PageSession.user_id == member.id)).all()
        seats = session().exec(select(PanelMember).where(PanelMember.user_id == member.id)).all()
        return ([s.ended_utc is not None for s in sessions], [s.is_active for s in seats],
                seats_quorum(find_panels()[0]).missing)

    ended, seats, missing = in_db(run)
    assert ended and all(ended) and seats == [False]
    assert missing == ("lay member",)
    claims = {"sub": "demo-panel-lay-member", "roles": ["panel_member"], "org": "london"}
    with pytest.raises(Forbidden, match="switched off"):
        in_db(account_for, claims, app.config["IFR"])


def test_someone_switched_back_on_can_sign_in_again(in_db, app):
    in_db(change, "demo-auditor", {"is_active": "no"})
    in_db(change, "demo-auditor", {"is_active": "yes"})
    claims = {"sub": "demo-auditor", "roles": ["auditor"]}
    assert in_db(lambda: account_for(claims, app.config["IFR"]).is_active)


def test_a_role_set_here_stands_when_the_identity_provider_says_otherwise(in_db, app):
    in_db(change, "demo-cet", {"role": "auditor"})
    claims = {"sub": "demo-cet", "roles": ["cet_analyst"], "name": "Chris Morgan-Lee"}

    def sign_in():
        user = account_for(claims, app.config["IFR"])
        return user.role, user.display_name

    assert in_db(sign_in) == ("auditor", "Chris Morgan-Lee")


def test_a_user_nobody_changed_here_follows_the_identity_provider(in_db, app):
    claims = {"sub": "demo-cet", "roles": ["auditor"]}
    assert in_db(lambda: account_for(claims, app.config["IFR"]).role) == "auditor"


def test_the_service_itself_and_registered_systems_are_not_managed_here(in_db):
    from ifr_service.errors import NotFound

    for username in ("ifr-service", "client:nothing"):
        with pytest.raises(NotFound):
            in_db(service.get_person, username)
