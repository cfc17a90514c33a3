"""Evidence from the clinician's draft to the panel pack, in Chromium: the clinician uploads two files
with descriptions (after forgetting to choose one), removes one, sees the other on check your answers
and submits; the IFR team asks for information; the clinician reads the question, who asked and the
reply-by date and answers with a file; the IFR team puts a file in the panel pack as a redacted copy;
a panel member finds only that copy in the pack. Every page is checked with axe-core at every impact
level and, at phone width, for sideways scrolling."""

from __future__ import annotations

import re
from pathlib import Path

from tests.browser.people import all_violations, assert_no_sideways_scroll, pass_the_policy_check, sign_in
from tests.builders import CLINICIAN, OFFICER, PAYLOADS, TRUST_APPROVER, Road, pdf_with

LETTER = pdf_with("Clinic letter for Ms Jane Example, NHS number 943 476 5919")
REDACTED = pdf_with("Clinic letter for [removed], NHS number [removed]")
WRONG = pdf_with("Another patient's scan")
ANSWER = pdf_with("MRI report, 30 November 2026")
PHONE = {"width": 375, "height": 800}


def pdf(name: str, content: bytes) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": content}


def check_page(page, checked: list[str]) -> None:
    """axe-core over the page at every impact level, and no sideways scroll at 375 px."""
    assert all_violations(page) == []
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    assert_no_sideways_scroll(page)
    page.set_viewport_size(size)
    checked.append(page.url)


def follow(page, control) -> None:
    """Click a link or button that loads a page, and wait for that page."""
    with page.expect_navigation():
        control.click()


def sign_out(page) -> None:
    follow(page, page.get_by_role("button", name="Sign out", exact=True))


def upload(page, name: str, content: bytes, description: str) -> None:
    page.locator('input[type="file"][name="file"]').set_input_files(pdf(name, content))
    page.get_by_label("Description of the file").fill(description)
    follow(page, page.get_by_role("button", name="Upload file"))


def start_application(page, client, auth, application) -> str:
    """The clinician starts a draft in the browser; its answers are filled in through the API, as
    the form's own journey (test_journey.py) fills them by keyboard."""
    sign_in(page, "Dr Priya Shah")
    page.goto("/cases/new")
    follow(page, page.get_by_role("button", name="Start now"))
    pass_the_policy_check(page)
    draft = re.search(r"DRAFT-[A-Z0-9]+", page.url).group(0)
    answered = client.post(f"/api/v1/cases/{draft}/actions/edit", json=application, headers=auth(CLINICIAN))
    assert answered.status_code == 200, answered.json
    page.reload()
    return draft


def test_evidence_goes_from_the_draft_to_the_panel_pack_only_as_the_ifr_team_chose_it(
        page, client, auth, application):
    checked: list[str] = []
    start_application(page, client, auth, application)
    follow(page, page.get_by_role("link", name="Upload supporting evidence"))
    check_page(page, checked)

    page.get_by_label("Description of the file").fill("Clinic letter, 20 November 2026")
    follow(page, page.get_by_role("button", name="Upload file"))  # a mistake: no file chosen
    summary = page.locator(".nhsuk-error-summary").inner_text()
    assert "Select a file to upload." in summary
    assert page.locator("#field-file-error, .nhsuk-error-message").first.inner_text().endswith(
        "Select a file to upload.")
    assert page.get_by_label("Description of the file").input_value() == "Clinic letter, 20 November 2026"
    check_page(page, checked)

    upload(page, "clinic-letter.pdf", LETTER, "Clinic letter, 20 November 2026")
    upload(page, "wrong-scan.pdf", WRONG, "MRI brain")
    assert "wrong-scan.pdf is uploaded." in page.inner_text(".nhsuk-notification-banner")
    check_page(page, checked)  # the table of files, at phone width too
    follow(page, page.get_by_role("button", name="Remove wrong-scan.pdf"))
    assert "wrong-scan.pdf is removed." in page.inner_text(".nhsuk-notification-banner")
    follow(page, page.get_by_role("button", name="Save and return to the application"))
    listed = page.inner_text("main")
    assert "1 file uploaded" in listed and "clinic-letter.pdf" in listed and "wrong-scan.pdf" not in listed
    check_page(page, checked)
    page.go_back()  # the back button: the upload page again, as it is now
    assert page.get_by_role("heading", name="Upload supporting evidence").is_visible()
    assert "wrong-scan.pdf" not in page.inner_text("main")
    page.go_forward()

    follow(page, page.get_by_role("button", name="Check your answers"))
    answers = page.inner_text("main")
    assert "clinic-letter.pdf" in answers and "Clinic letter, 20 November 2026" in answers
    assert "wrong-scan.pdf" not in answers
    check_page(page, checked)
    follow(page, page.get_by_role("button", name="Send to your trust for sign-off"))
    draft = re.search(r"DRAFT-[A-Z0-9]+", page.inner_text("main")).group(0)
    reference = client.post(f"/api/v1/cases/{draft}/actions/approve_for_trust",  # the trust's sign-off
                            headers=auth(TRUST_APPROVER)).json["reference"]
    road = Road.of(client, auth, reference)
    road.act(OFFICER, "request_information", PAYLOADS["request_information"])
    question = PAYLOADS["request_information"]["questions"]

    page.goto(f"/cases/{reference}")
    status = page.inner_text("main")
    assert re.search(r"We are waiting for your answer to a question from the IFR team\. "
                     r"Reply by \d{1,2} [A-Z][a-z]+ \d{4}\.", status), status
    check_page(page, checked)
    follow(page, page.get_by_role("button", name="Send the information asked for"))
    asked = page.inner_text("main")
    assert question in asked and "A case officer of the IFR team" in asked
    assert re.search(r"Reply by\s+\d{1,2} [A-Z][a-z]+ \d{4}", asked), asked
    check_page(page, checked)
    page.get_by_label("The information asked for").fill("The MRI report of 30 November is attached.")
    page.locator('input[type="file"][name="file"]').set_input_files(pdf("mri-30-november.pdf", ANSWER))
    page.get_by_label("Description of the file (needed with a file)").fill("MRI report, 30 November 2026")
    follow(page, page.get_by_role("button", name="Send your answer"))
    answered = page.inner_text("main")
    assert "Your answer is sent." in answered and "mri-30-november.pdf" in answered
    assert page.get_by_role("button", name="Attach supporting evidence").is_visible()
    assert "the panel asked" not in answered
    check_page(page, checked)
    sign_out(page)

    sign_in(page, "Sam Patel")
    page.goto(f"/cases/{reference}")
    check_page(page, checked)
    follow(page, page.get_by_role("link", name="Choose for the panel (clinic-letter.pdf)"))
    check_page(page, checked)
    page.get_by_label("Yes, include it in the panel pack").check()
    page.locator('input[name="holds_identifiers"][value="yes"]').check()
    redacted = pdf("clinic-letter-redacted.pdf", REDACTED)
    page.locator('input[type="file"][name="redacted_copy"]').set_input_files(redacted)
    page.get_by_label("Description for the panel").fill("Clinic letter, 20 November 2026")
    follow(page, page.get_by_role("button", name="Save"))
    marked = page.inner_text("main")
    assert "clinic-letter.pdf is in the panel pack." in marked and "clinic-letter-redacted.pdf" in marked
    sign_out(page)

    road.act(OFFICER, "confirm_complete")
    road.screen("screen_to_panel", PAYLOADS["screen_to_panel"])
    meeting = road.hold_meeting()
    sign_in(page, "Dr Ravi Kumar")  # a member of the London panel
    page.goto(f"/panel/meetings/{meeting['id']}/cases/{reference}")
    pack = page.inner_text("main")
    assert "Clinic letter, 20 November 2026" in pack and "redacted copy" in pack
    assert "mri-30-november.pdf" not in pack and "clinic-letter.pdf" not in pack
    assert "MRI report, 30 November 2026" not in pack  # not chosen for the panel
    check_page(page, checked)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Evidence 1")).click()
    assert Path(download.value.path()).read_bytes() == REDACTED
    assert len(checked) >= 10, checked
