"""Confidential prices: entered by the national administrators, read by the CDF teams, used by the
spend from their date, and never shown to a trust."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlmodel import func, select

from ifr_service import db
from ifr_service.audit.models import ADMIN as ADMIN_ACTION
from ifr_service.audit.models import AuditEvent
from ifr_service.cases.models import Case
from ifr_service.cdf.models import CdfApplication, ConfidentialPrice
from tests.builders import CDF_ADMIN, CLINICIAN, TRUST_APPROVER
from tests.cdf.test_spend import ATEZOLIZUMAB, spend, treated, year_so_far  # noqa: F401 (fixtures)
from tests.web.browsing import Person

ADMIN = "demo-admin"
PRICES = "/api/v1/cdf/confidential-prices"


def enter(client, auth, price: str, valid_from: str, entry: str = ATEZOLIZUMAB, who: str = ADMIN):
    return client.post(PRICES, headers=auth(who), json={"entry": entry, "price_gbp": price,
                                                        "valid_from": valid_from})


def saved_prices(app) -> int:
    with app.app_context(), db.unit_of_work(app.extensions["ifr"].engine):
        return db.session().exec(select(func.count()).select_from(ConfidentialPrice)).one()


def test_the_spend_prices_each_cycle_at_the_confidential_price_valid_on_its_day(
        app, client, auth, year_so_far):  # noqa: F811
    first = enter(client, auth, "3000.00", "2026-12-01")
    assert first.status_code == 201, first.json
    shown = ("entry", "cost_unit", "price_gbp", "valid_from", "entered_by")
    assert {key: first.json[key] for key in shown} == {
        "entry": ATEZOLIZUMAB, "cost_unit": "cycle", "price_gbp": "3000.00", "valid_from": "2026-12-01",
        "entered_by": ADMIN}
    assert enter(client, auth, "2,500", "2027-01-01").status_code == 201

    report = spend(client, auth)
    # C's cycles expected on 14 December at £3,000, and on 4 and 25 January, 15 February, 8 and
    # 29 March at £2,500: £15,500 in place of 6 x £3,807.69 = £22,846.14. What was given, before
    # December, stays at the list price.
    assert report["national"] == {"approvals": 4, "committed_gbp": "29045.46", "forecast_gbp": "102257.21",
                                  "priced_at": "list_and_confidential"}

    listed = client.get(PRICES, headers=auth(CDF_ADMIN))
    assert listed.status_code == 200
    atezolizumab = next(entry for entry in listed.json if entry["entry"] == ATEZOLIZUMAB)
    assert atezolizumab["list_price_gbp"] == "3807.69"
    assert [(price["valid_from"], price["price_gbp"]) for price in atezolizumab["prices"]] == [
        ("2026-12-01", "3000.00"), ("2027-01-01", "2500.00")]
    with app.app_context(), db.unit_of_work(app.extensions["ifr"].engine):
        rows = list(db.session().exec(select(AuditEvent).where(AuditEvent.action == ADMIN_ACTION,
                                                                AuditEvent.username == ADMIN)))
    assert {row.subject for row in rows} == {f"cdf-price:{ATEZOLIZUMAB}:2026-12-01",
                                             f"cdf-price:{ATEZOLIZUMAB}:2027-01-01"}
    assert not any("3000" in f"{row.subject}{row.path}" for row in rows)  # the log names no price


def test_a_correction_entered_later_for_the_same_date_takes_over_and_both_are_kept(
        app, client, auth, year_so_far):  # noqa: F811
    assert enter(client, auth, "3000.00", "2026-12-01").status_code == 201
    assert enter(client, auth, "2000.00", "2026-12-01").status_code == 201
    # C's 6 cycles expected in the year at £2,000: £12,000 in place of £22,846.14.
    assert spend(client, auth)["national"]["forecast_gbp"] == "98757.21"
    assert saved_prices(app) == 2


def test_the_regions_teams_read_the_prices_and_only_the_national_administrators_enter_them(client, auth):
    assert client.get(PRICES, headers=auth(CDF_ADMIN)).status_code == 200
    assert client.get(PRICES, headers=auth(ADMIN)).status_code == 200
    refused = enter(client, auth, "3000.00", "2026-12-01", who=CDF_ADMIN)
    assert refused.status_code == 403
    for trust_or_other in (CLINICIAN, TRUST_APPROVER, "demo-cet", "demo-officer"):
        assert client.get(PRICES, headers=auth(trust_or_other)).status_code == 403, trust_or_other
        assert enter(client, auth, "3000.00", "2026-12-01", who=trust_or_other).status_code == 403


FULLWIDTH = {ord(digit): ord(digit) + 0xFEE0 for digit in "0123456789"}  # "0" to "\uff10"


@pytest.mark.parametrize(("field", "body"), [
    ("price_gbp", {"price_gbp": "3000".translate(FULLWIDTH)}),
    ("price_gbp", {"price_gbp": "-10.00"}),
    ("price_gbp", {"price_gbp": "0"}),
    ("price_gbp", {"price_gbp": "99999999"}),  # absurd: more than £500,000 a cycle
    ("price_gbp", {"price_gbp": "3807.70"}),  # a penny over the list price
    ("price_gbp", {"price_gbp": "12.345"}),
    ("price_gbp", {"price_gbp": 1234.5}),  # a JSON number: its pence are not exact
    ("price_gbp", {"price_gbp": "1e3"}),
    ("valid_from", {"valid_from": "01/12/2026"}),
    ("valid_from", {"valid_from": "2026-12-01".translate(FULLWIDTH)}),
    ("valid_from", {"valid_from": "2026-02-30"}),
    ("valid_from", {"valid_from": "2015-04-01"}),  # before the managed-access fund
    ("valid_from", {"valid_from": "2030-01-01"}),  # more than a year ahead
    ("entry", {"entry": "aspirin-headache"}),
    ("discount", {"discount": "10%"}),
])
def test_a_bad_price_date_or_entry_is_named_and_nothing_is_saved(app, client, auth, field, body):
    response = client.post(PRICES, headers=auth(ADMIN), json={
        "entry": ATEZOLIZUMAB, "price_gbp": "3000.00", "valid_from": "2026-12-01", **body})
    assert response.status_code == 422, response.json
    assert [error["field"] for error in response.json["errors"]] == [field]
    assert saved_prices(app) == 0


def test_the_page_lists_the_prices_and_names_every_bad_field_at_once(app, client):
    admin = Person(client, ADMIN)
    page = admin.open("/cdf/confidential-prices")
    assert "Confidential prices of the Cancer Drugs Fund list" in page
    assert "Enter a confidential price" in page
    bad = admin.submit("/cdf/confidential-prices", {
        "entry": ATEZOLIZUMAB, "price_gbp": "12".translate(FULLWIDTH), "valid_from[day]": "31",
        "valid_from[month]": "2", "valid_from[year]": "2026"}, expect=422)
    assert 'href="#field-price_gbp"' in bad.text and 'href="#field-valid_from"' in bad.text
    assert saved_prices(app) == 0
    saved = admin.submit("/cdf/confidential-prices", {
        "entry": ATEZOLIZUMAB, "price_gbp": "£3,000.00", "valid_from[day]": "1", "valid_from[month]": "12",
        "valid_from[year]": "2026"}, expect=302)
    assert saved.headers["Location"].endswith("/cdf/confidential-prices")
    assert "£3,000" in admin.open("/cdf/confidential-prices")
    team = Person(client.application.test_client(), CDF_ADMIN)
    shown = team.open("/cdf/confidential-prices")
    assert "£3,000" in shown and "Enter a confidential price" not in shown  # read only
    assert team.client.post("/cdf/confidential-prices", data={}).status_code in (400, 403)
    for role in (CLINICIAN, TRUST_APPROVER):
        Person(client.application.test_client(), role).open("/cdf/confidential-prices", expect=403)


SECRET = ("1234.57", "1,234.57", "123457")  # an unlikely figure: found anywhere, it leaked


def test_nothing_a_trust_can_reach_shows_a_confidential_price(app, client, auth, year_so_far):  # noqa: F811
    assert enter(client, auth, SECRET[0], "2026-04-01").status_code == 201
    with app.app_context(), db.unit_of_work(app.extensions["ifr"].engine):
        number = db.session().exec(select(CdfApplication.approval_number).where(
            CdfApplication.entry_key == ATEZOLIZUMAB, CdfApplication.stopped_on.is_(None),
            CdfApplication.approval_number.is_not(None))).one()
        references = list(db.session().exec(select(Case.reference).join(
            CdfApplication, CdfApplication.case_id == Case.id)))
    assert len(references) == 6  # the story's six applications, all of the clinician's trust
    answers = [client.get(f"/api/v1/cases/{reference}", headers=auth(CLINICIAN)) for reference in references]
    answers.append(client.get(f"/api/v1/cdf/approvals/{number}", headers=auth(CLINICIAN)))
    clinician = Person(client, CLINICIAN)
    pages = [clinician.open(f"/cdf/approvals?number={number}")]
    pages += [clinician.open(f"/cdf/applications/{reference}") for reference in references]
    for username in (CLINICIAN, TRUST_APPROVER):  # the trust's finance and pharmacy look-up
        answers.append(client.get(f"/api/v1/authorisations/{number}", headers=auth(username)))
        person = Person(client.application.test_client(), username)
        pages.append(person.open(f"/authorisations?reference={number}"))
        printed = person.client.get(f"/authorisations/{number}.pdf")
        assert printed.status_code == 200 and printed.mimetype == "application/pdf"
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(printed.data)).pages)
        assert number in text  # the text is read: a figure in it would be found
        pages.append(text)
    for response in answers:
        assert response.status_code == 200, response.json
        assert not any(figure in response.text for figure in SECRET), response.text
    for page in pages:
        assert not any(figure in page for figure in SECRET)
    # Every file and answer about spend and prices is refused to a trust's people, downloads included.
    for username in (CLINICIAN, TRUST_APPROVER):
        assert client.get("/api/v1/cdf/spend", headers=auth(username)).status_code == 403
        assert client.get(PRICES, headers=auth(username)).status_code == 403
        person = Person(client.application.test_client(), username)
        for path in ("/cdf/spend?table=entries&download=csv", "/cdf/spend?table=months&download=xlsx",
                     "/cdf/regions/london/spend?table=entries&download=csv", "/cdf/confidential-prices"):
            person.open(path, expect=403)
    assert spend(client, auth)["national"]["priced_at"] == "list_and_confidential"  # it was in use
