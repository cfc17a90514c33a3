"""Each letter is also a page: the same words as its PDF, for the same people as its PDF, audited
as a read; and nothing a panel role sees carries the patient's identifiers."""

from __future__ import annotations

import html
import re

import pytest

from ifr_service import db
from ifr_service.letters.body import from_json
from ifr_service.letters.models import Letter
from tests.builders import CHAIR, CLINICIAN, OFFICER, REVIEW_CHAIR, Road, findings
from tests.letters.test_letters import pdf_text
from tests.web.browsing import Person

PANEL_MEMBER, CET = "demo-panel-member", "demo-cet"
OTHER_TRUSTS_CLINICIAN = "demo-clinician-2"
IDENTIFIERS = ("943 476 5919", "9434765919", "Featherstonehaugh", "12 April 1968", "1968-04-12",
               "1 Example Street")


@pytest.fixture
def decided(client, auth, application, run_jobs) -> Road:
    application["patient"]["nhs_number"] = "9434765919"
    application["patient"]["family_name"] = "Featherstonehaugh"
    road = Road(client, auth, application)
    road.to_panel()
    road.act(CHAIR, "decline", {"findings": findings("no", "Like others at this stage."),
                                "summary": "Not clinically exceptional."})
    run_jobs()
    return road


def page_text(markup: str) -> str:
    body = markup.split("<main", 1)[1]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def letter_addresses(road: Road) -> list[tuple[str, str]]:
    return [(f"/cases/{road.reference}/letters/{letter['id']}/page",
             f"/cases/{road.reference}/letters/{letter['id']}") for letter in road.case(CLINICIAN)["letters"]]


def test_the_case_page_links_each_letter_as_a_page_and_as_a_pdf(client, decided):
    shown = Person(client, CLINICIAN).open(f"/cases/{decided.reference}")
    for page, pdf in letter_addresses(decided):
        assert f'href="{page}"' in shown and f'href="{pdf}"' in shown
    assert "To the patient: Your doctor&#39;s request for funding: our decision" in shown


def test_a_letters_page_says_everything_its_pdf_says(client, decided, in_db):
    person = Person(client, CLINICIAN)
    letters = decided.case(CLINICIAN)["letters"]
    for letter in letters:
        page = page_text(person.open(f"/cases/{decided.reference}/letters/{letter['id']}/page"))
        stored = in_db(lambda letter_id=letter["id"]: db.session().get(Letter, letter_id))
        pdf = pdf_text(stored.content)
        for words in strings_of(from_json(stored.body)):
            assert words in page, f"the page lacks {words!r}"
            assert words in pdf, f"the PDF lacks {words!r}"
    clinicians = page_text(person.open(f"/cases/{decided.reference}/letters/{letters[0]['id']}/page"))
    assert "NHS number 943 476 5919" in clinicians and "Date of birth 12 April 1968" in clinicians
    assert "Patient Alex Featherstonehaugh" in clinicians


def strings_of(content) -> list[str]:
    """Every piece of text the letter holds, whitespace made single."""
    found = []

    def walk(value):
        if isinstance(value, str):
            if value.strip():
                found.append(" ".join(value.split()))
        elif isinstance(value, tuple | list):
            for item in value:
                walk(item)
        elif hasattr(value, "__dataclass_fields__"):
            for name in value.__dataclass_fields__:
                if name != "recipient":  # who it is to, said in words by the address
                    walk(getattr(value, name))

    walk(content)
    return [*found, content.dated_text]


@pytest.mark.parametrize("who, status", [
    (CLINICIAN, 200), (OFFICER, 200), (OTHER_TRUSTS_CLINICIAN, 404), (CHAIR, 404), (PANEL_MEMBER, 404),
    (REVIEW_CHAIR, 404), (CET, 403)])
def test_a_letters_page_is_open_to_exactly_those_who_may_download_its_pdf(client, decided, who, status):
    person = Person(client, who)
    for page, pdf in letter_addresses(decided):
        assert client.get(page).status_code == status
        assert client.get(pdf).status_code == status
    assert person  # signed in as `who` throughout


def test_nothing_a_panel_role_sees_carries_the_patients_identifiers(client, decided):
    meeting = decided.meeting["id"]
    for who in (CHAIR, PANEL_MEMBER):
        person = Person(client, who)
        shown = [person.open(f"/panel/meetings/{meeting}/cases/{decided.reference}"),
                 person.open(f"/panel/meetings/{meeting}/minutes")]
        if who == CHAIR:
            shown.append(person.open(f"/cases/{decided.reference}"))
        for markup in shown:
            text = page_text(markup)
            assert not [words for words in IDENTIFIERS if words in text]
            assert "/letters/" not in markup


def test_reading_a_letters_page_is_recorded_as_a_read_of_the_case(client, decided, in_db):
    from sqlmodel import select

    from ifr_service.audit.models import AuditEvent

    page, _ = letter_addresses(decided)[0]
    Person(client, CLINICIAN).open(page)
    Person(client, OTHER_TRUSTS_CLINICIAN).open(page, expect=404)

    rows = in_db(lambda: [(row.username, row.action, row.case_reference) for row in db.session().exec(
        select(AuditEvent).where(AuditEvent.what == "pages.letters.show_letter"))])
    assert (CLINICIAN, "read", decided.reference) in rows
    assert (OTHER_TRUSTS_CLINICIAN, "denied", decided.reference) in rows
