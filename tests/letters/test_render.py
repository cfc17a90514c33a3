"""A letter's PDF is made again byte for byte: from its kept body alone, and from the case again; and
its body is plain data that the PDF and the page both read."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader

from ifr_service import db
from ifr_service.letters.body import LetterContent, Section, from_json, to_json
from ifr_service.letters.content import departure
from ifr_service.letters.jobs import make_letter, render_stored
from ifr_service.letters.models import Letter
from ifr_service.letters.render import render_letter
from tests.builders import CHAIR, CLINICIAN, Road, findings

CONTENT = LetterContent(
    recipient="clinician", reference="IFR-2026-000042", dated=date(2026, 12, 7),
    title="Decision on your Individual Funding Request",
    letterhead=("NHS England Specialised Commissioning", "London hub: Individual Funding Requests"),
    contact=(("Email", "ifr.london@nhs-england.example"), ("Telephone", "020 7946 0110")),
    addressee=("Dr Priya Shah", "University College London Hospitals NHS Foundation Trust"),
    salutation="Dear Dr Priya Shah",
    about=(("Patient", "Alex Example"), ("NHS number", "943 476 5919"), ("Outcome", "Declined")),
    sections=(Section(heading="Findings", table=(("Criterion", "Finding", "Reasons"),
                                                  ("Is the patient different?", "No", "Like others."))),
              Section(heading="Summary", paragraphs=("Not exceptional & <not> different.",))),
    next_steps=("Ask for a review by 19 January 2027.",),
    onward=Section(heading="If you are still unhappy", paragraphs=("The ombudsman.",)),
    signatory=("Dr Helen Marsh", "Chair of the IFR panel"),
)


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_the_same_content_renders_to_the_same_bytes_twice():
    first, second = render_letter(CONTENT), render_letter(CONTENT)
    assert first == second
    assert render_letter(CONTENT) != render_letter(from_json({**to_json(CONTENT), "title": "Another"}))


def test_a_body_kept_as_json_gives_back_the_same_content_and_the_same_pdf():
    import json

    kept = json.loads(json.dumps(to_json(CONTENT)))
    assert from_json(kept) == CONTENT
    assert render_letter(from_json(kept)) == render_letter(CONTENT)


def test_the_pdf_writes_the_date_the_nhs_way_and_escapes_what_people_typed():
    text = text_of(render_letter(CONTENT))
    assert "Date: 7 December 2026" in text
    assert "Not exceptional & <not> different." in text
    assert "Yours sincerely, Dr Helen Marsh Chair of the IFR panel" in text


def test_a_departure_reason_is_printed_when_the_panel_recorded_one():
    class Action:
        payload = ()

    sections = departure(Action(), {"departure_reason": "The cost is offset by avoided admissions."})
    assert sections == (Section(heading="Why the decision departs from the findings",
                                paragraphs=("The cost is offset by avoided admissions.",)),)
    assert departure(Action(), {}) == ()
    printed = text_of(render_letter(LetterContent(**{**CONTENT.__dict__, "sections": sections})))
    assert "Why the decision departs from the findings" in printed
    assert "The cost is offset by avoided admissions." in printed


def test_every_stored_letter_renders_again_byte_for_byte_from_its_body_and_from_the_case(
        client, auth, application, run_jobs, in_db):
    road = Road(client, auth, application)
    road.to_panel()
    road.act(CHAIR, "decline", {"findings": findings("no"), "summary": "Not exceptional."})
    run_jobs()
    ids = [letter["id"] for letter in road.case(CLINICIAN)["letters"]]
    assert len(ids) == 2  # the clinician's and the patient's

    def remade() -> list[tuple[bytes, bytes, bytes]]:
        rows = [db.session().get(Letter, letter_id) for letter_id in ids]
        return [(row.content, render_stored(row), make_letter(row.case_id, row.event_id, row.recipient)[1])
                for row in rows]

    for stored, from_body, from_case in in_db(remade):
        assert from_body == stored
        assert from_case == stored
