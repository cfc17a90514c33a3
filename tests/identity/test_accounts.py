"""An identity provider's claims become a user of this service: the provider says who, which role
and which organisation; the service refuses what it cannot place."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ifr_service.errors import Forbidden
from ifr_service.identity.accounts import account_for
from ifr_service.reference.queries import get_hub
from ifr_service.users.queries import find_user


def sign_in_as(app, in_db, claims: dict, **settings):
    config = replace(app.config["IFR"], **settings)
    return in_db(lambda: _placed(account_for(claims, config)))


def _placed(user):
    return {"username": user.username, "role": user.role, "organisation": user.organisation_code,
            "hub": user.hub_id, "region": user.region_id, "name": user.display_name}


def test_a_new_clinician_is_created_in_their_trust(app, in_db):
    claims = {"sub": "nhs-12345", "name": "Dr New", "roles": ["clinician"], "org": "RRV"}
    user = sign_in_as(app, in_db, claims)
    assert user == {"username": "nhs-12345", "role": "clinician", "organisation": "RRV", "hub": None,
                    "region": None, "name": "Dr New"}


def test_the_providers_role_names_are_mapped_and_hub_staff_are_placed_in_their_hub(app, in_db):
    user = sign_in_as(app, in_db, {"sub": "nhs-777", "roles": ["R0001", "R8003"], "org": "north-west"},
                      oidc_role_map=(("R8003", "case_officer"),))
    assert user["role"] == "case_officer"
    assert user["hub"] == in_db(lambda: get_hub("north-west").id)


def test_the_provider_is_the_authority_on_role_and_organisation_at_each_sign_in(app, in_db):
    sign_in_as(app, in_db, {"sub": "nhs-moves", "roles": "clinician", "org": "RRV"})
    moved = sign_in_as(app, in_db, {"sub": "nhs-moves", "roles": "clinician", "org": "RJ1"})
    assert moved["organisation"] == "RJ1"


@pytest.mark.parametrize(("claims", "problem"), [
    ({"roles": ["clinician"], "org": "RRV"}, "did not say who you are"),
    ({"sub": "nhs-1", "roles": ["receptionist"], "org": "RRV"}, "does not give access"),
    ({"sub": "nhs-1", "roles": ["system"]}, "does not give access"),
    ({"sub": "nhs-1", "roles": ["clinician"]}, "which organisation"),
    ({"sub": "nhs-1", "roles": ["case_officer"], "org": "no-such-hub"}, "which organisation"),
    ({"sub": "client:ifr-abc", "roles": ["clinician"], "org": "RRV"}, "did not say who you are"),
    ({"sub": "ifr-service", "roles": ["clinician"], "org": "RRV"}, "did not say who you are"),
])
def test_claims_the_service_cannot_place_sign_nobody_in(app, in_db, claims, problem):
    with pytest.raises(Forbidden, match=problem):
        sign_in_as(app, in_db, claims)
    assert in_db(lambda: find_user("nhs-1")) is None


def test_an_account_switched_off_here_stays_off_whatever_the_provider_says(app, in_db):
    sign_in_as(app, in_db, {"sub": "nhs-leaver", "roles": ["clinician"], "org": "RRV"})

    def switch_off():
        find_user("nhs-leaver").is_active = False

    in_db(switch_off)
    with pytest.raises(Forbidden, match="switched off"):
        sign_in_as(app, in_db, {"sub": "nhs-leaver", "roles": ["clinician"], "org": "RRV"})
