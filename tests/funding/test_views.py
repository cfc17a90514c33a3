"""The look-up page and the authorisation to print, as a trust's pharmacy would use them."""

from __future__ import annotations

from datetime import date

from tests.builders import CHAIR, DECISION, TRUST_APPROVER, Road
from tests.web.browsing import Person


def test_a_trust_pharmacist_looks_an_authorisation_up_as_typed_and_prints_it(
        client, auth, application, calendar, in_db):
    calendar.set(date(2026, 12, 21))
    road = Road(client, auth, application)
    road.to_panel()
    road.act(CHAIR, "approve", DECISION)
    from ifr_service.cases.queries import get_case
    from ifr_service.funding.queries import find_authorisation_for_case

    reference = in_db(lambda: find_authorisation_for_case(get_case(road.reference).id).reference)
    Person(client, TRUST_APPROVER)
    typed = " " + reference.lower().replace("-", "\u2013") + " "  # as pasted from a PDF
    page = client.get("/authorisations", query_string={"reference": typed})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f"Funding authorisation {reference}" in text and "Example kinase inhibitor" in text
    assert "Until treatment stops" in text and application["patient"]["nhs_number"] not in text

    printed = client.get(f"/authorisations/{reference}.pdf")
    assert printed.status_code == 200 and printed.mimetype == "application/pdf"
    assert printed.data.startswith(b"%PDF")


def test_a_blank_or_wrong_reference_is_said_plainly_on_the_page(client):
    Person(client, "demo-clinician")
    blank = client.get("/authorisations", query_string={"reference": "  "})
    assert blank.status_code == 422
    assert "Enter the funding authorisation reference" in blank.get_data(as_text=True)
    wrong = client.get("/authorisations", query_string={"reference": "IFRA-2026-000001-9"})
    assert wrong.status_code == 422 and "check digit does not match" in wrong.get_data(as_text=True)


def test_a_panel_member_cannot_reach_the_look_up(client):
    Person(client, "demo-panel-member")
    assert client.get("/authorisations").status_code == 403
