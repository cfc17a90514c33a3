"""Commissioning finance: a role of a hub, placed in it by the identity provider's claims or by an
administrator, that sees the invoice checks and no case."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ifr_service.errors import Forbidden
from ifr_service.identity.accounts import account_for
from ifr_service.reference.queries import get_hub
from ifr_service.users.queries import find_user
from tests.web.browsing import Person


def test_a_finance_person_signing_in_is_placed_in_the_hub_their_claims_name(app, in_db):
    claims = {"sub": "nhs-finance-1", "roles": ["commissioning_finance"], "org": "north-west"}
    config = app.config["IFR"]

    def place():
        user = account_for(claims, config)
        return user.role, user.hub_id, user.region_id

    placed = in_db(place)
    assert placed == ("commissioning_finance", in_db(lambda: get_hub("north-west").id), None)


def test_a_finance_person_without_a_hub_signs_nobody_in(app, in_db):
    claims = {"sub": "nhs-finance-2", "roles": ["commissioning_finance"], "org": "RRV"}
    with pytest.raises(Forbidden):
        in_db(account_for, claims, replace(app.config["IFR"]))


def test_an_administrator_adds_a_finance_person_to_a_hub_and_not_without_one(client, in_db):
    admin = Person(client, "demo-admin")
    person = {"username": "sam.finance", "display_name": "Sam Finance", "email": "sam.finance@nhs.net",
              "role": "commissioning_finance"}
    refused = admin.submit("/admin/users/new", person, expect=422)
    assert "Choose the hub the person works for from the list." in refused.text
    admin.submit("/admin/users/new", {**person, "hub": "london"}, expect=302)
    user = in_db(find_user, "sam.finance")
    assert (user.role, user.hub_id) == ("commissioning_finance", in_db(lambda: get_hub("london").id))


def test_the_finance_role_lands_on_the_invoice_checks_and_reaches_no_case(client):
    finance = Person(client)
    landed = finance.sign_in("demo-finance")
    assert landed.headers["Location"].endswith("/invoices")
    page = finance.open("/invoices")
    assert "Ella Brooks (Commissioning finance)" in page
    for path in ("/queue", "/cases", "/cdf/applications", "/panel/meetings", "/cdf/approvals"):
        assert finance.client.get(path).status_code == 403, path
