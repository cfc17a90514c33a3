"""Evidence reaches the panel only as the IFR team chose it: marked files, each a redacted copy where
the original shows who the patient or the clinician is. An original with identifiers, or a file the
team did not mark, is never given to a panel role, whatever id is asked for."""

from __future__ import annotations

import io

import pytest

from tests.builders import CLINICIAN, OFFICER, Road, pdf_with
from tests.conftest import count_rows
from tests.web.browsing import Person

MULTIPART = {"content_type": "multipart/form-data"}
MEMBERS = ("demo-panel-member", "demo-panel-lay-member", "demo-panel-pharmacist", "demo-panel-chair")
LETTER = pdf_with("Clinic letter: Ms Jane Example, NHS number 943 476 5919")
REDACTED = pdf_with("Clinic letter: [name removed], NHS number [removed]")
SCAN = pdf_with("MRI brain: no new lesions")
UNMARKED = pdf_with("Referral letter, not for the panel")


def attach(client, auth, reference: str, content: bytes, name: str, description: str) -> int:
    response = client.post(f"/api/v1/cases/{reference}/attachments", headers=auth(CLINICIAN),
                           data={"file": (io.BytesIO(content), name), "description": description},
                           content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    return response.json["id"]


def mark(client, auth, reference: str, attachment_id: int, expect: int = 200, **fields):
    data = {key: value for key, value in fields.items() if key != "redacted_copy"}
    if "redacted_copy" in fields:
        data["redacted_copy"] = (io.BytesIO(fields["redacted_copy"]), "redacted.pdf")
    response = client.put(f"/api/v1/cases/{reference}/attachments/{attachment_id}/panel",
                          headers=auth(OFFICER), data=data, content_type="multipart/form-data")
    assert response.status_code == expect, response.json
    return response


@pytest.fixture
def road(client, auth, application) -> Road:
    road = Road(client, auth, application)
    road.files = {
        "letter": attach(client, auth, road.reference, LETTER, "jane-example-letter.pdf", "Clinic letter"),
        "scan": attach(client, auth, road.reference, SCAN, "mri.pdf", "MRI brain, 1 December 2026"),
        "unmarked": attach(client, auth, road.reference, UNMARKED, "referral.pdf", "Referral"),
    }
    mark(client, auth, road.reference, road.files["letter"], include="true", holds_identifiers="true",
         panel_description="Clinic letter, 20 November 2026", redacted_copy=REDACTED)
    mark(client, auth, road.reference, road.files["scan"], include="true", holds_identifiers="false",
         panel_description="MRI brain, 1 December 2026")
    road.to_panel()
    return road


def pack_files(client, auth, road: Road, who: str) -> list[dict]:
    pack = client.get(f"/api/v1/meetings/{road.meeting['id']}/pack", headers=auth(who))
    assert pack.status_code == 200, pack.json
    return next(case for case in pack.json["cases"] if case["reference"] == road.reference)["evidence"]


def fetch(client, auth, road: Road, who: str, attachment_id: int):
    meeting = road.meeting["id"]
    return client.get(f"/api/v1/meetings/{meeting}/cases/{road.reference}/evidence/{attachment_id}",
                      headers=auth(who))


def test_the_pack_holds_the_marked_files_and_the_redacted_copy_in_place_of_the_original(
        client, auth, road):
    files = pack_files(client, auth, road, "demo-panel-lay-member")
    assert [(f["description"], f["redacted"], f["filename"]) for f in files] == [
        ("Clinic letter, 20 November 2026", True, "evidence-1.pdf"),
        ("MRI brain, 1 December 2026", False, "evidence-2.pdf")]
    assert fetch(client, auth, road, "demo-panel-lay-member", files[0]["id"]).data == REDACTED
    assert fetch(client, auth, road, "demo-panel-lay-member", files[1]["id"]).data == SCAN
    assert road.files["letter"] not in [f["id"] for f in files]


@pytest.mark.parametrize("who", MEMBERS)
def test_a_panel_role_cannot_fetch_an_unmarked_file_or_an_original_with_identifiers_by_its_id(
        app, client, auth, road, who):
    member = Person(app.test_client(), who)
    for attachment_id in (road.files["unmarked"], road.files["letter"], 999_999):
        assert fetch(client, auth, road, who, attachment_id).status_code == 404
        pack = f"/panel/meetings/{road.meeting['id']}/cases/{road.reference}"
        member.open(f"{pack}/evidence/{attachment_id}", expect=404)
        assert client.get(f"/api/v1/cases/{road.reference}/attachments/{attachment_id}",
                          headers=auth(who)).status_code == 404
        member.open(f"/cases/{road.reference}/attachments/{attachment_id}", expect=404)


def test_the_pack_page_links_only_the_panels_copies_under_neutral_names(app, road):
    page = Person(app.test_client(), "demo-panel-member").open(
        f"/panel/meetings/{road.meeting['id']}/cases/{road.reference}")
    assert "Clinic letter, 20 November 2026" in page and "MRI brain, 1 December 2026" in page
    assert "jane-example-letter.pdf" not in page and "referral.pdf" not in page
    for hidden in ("unmarked", "letter"):
        assert f"/evidence/{road.files[hidden]}" not in page
    assert 'class="nhsuk-table-responsive" role="table"' in page


def test_a_member_without_a_seat_fetches_no_file_of_the_pack(client, auth, road):
    copy = pack_files(client, auth, road, "demo-panel-member")[1]["id"]
    panel = road.panel()
    url = f"/api/v1/panels/{panel['id']}/members/{road.member_id('demo-panel-lay-member')}"
    assert client.patch(url, headers=auth("demo-admin"), json={"is_active": False}).status_code == 200
    try:
        assert fetch(client, auth, road, "demo-panel-lay-member", copy).status_code == 403
    finally:
        assert client.patch(url, headers=auth("demo-admin"), json={"is_active": True}).status_code == 200


class TestMarking:
    @pytest.fixture
    def road(self, client, auth, application) -> Road:
        road = Road(client, auth, application)
        road.letter = attach(client, auth, road.reference, LETTER, "letter.pdf", "Clinic letter")
        return road

    def test_a_file_with_identifiers_needs_a_redacted_copy(self, app, client, auth, road):
        before = count_rows(app)
        refused = mark(client, auth, road.reference, road.letter, expect=422, include="true",
                       holds_identifiers="true", panel_description="Clinic letter")
        assert [e["field"] for e in refused.json["errors"]] == ["redacted_copy"]
        assert count_rows(app) == before

    def test_a_redacted_copy_that_is_the_original_itself_is_refused(self, client, auth, road):
        refused = mark(client, auth, road.reference, road.letter, expect=422, include="true",
                       holds_identifiers="true", panel_description="Clinic letter", redacted_copy=LETTER)
        assert "same file as the original" in refused.json["errors"][0]["message"]

    def test_the_description_for_the_panel_is_required_and_checked(self, client, auth, road):
        for description, words in (("", "Enter a description"), ("Letter\x07", "The description holds")):
            refused = mark(client, auth, road.reference, road.letter, expect=422, include="true",
                           holds_identifiers="false", panel_description=description)
            assert [e["field"] for e in refused.json["errors"]] == ["panel_description"]
            assert refused.json["errors"][0]["message"].startswith(words)

    def test_only_the_ifr_team_marks_files_for_the_panel(self, client, auth, road):
        for who in (CLINICIAN, "demo-panel-chair", "demo-panel-member"):
            response = client.put(f"/api/v1/cases/{road.reference}/attachments/{road.letter}/panel",
                                  headers=auth(who), data={"include": "false"}, **MULTIPART)
            assert response.status_code in (403, 404), (who, response.status_code)

    def test_marking_is_recorded_on_the_case_and_shown_to_the_team(self, app, client, auth, road):
        officer = Person(app.test_client(), OFFICER)
        page = f"/cases/{road.reference}/attachments/{road.letter}/panel"
        assert "Include in the panel pack?" in officer.open(page)
        refused = officer.submit(page, {"include": "yes", "holds_identifiers": "yes",
                                        "panel_description": "Clinic letter"}, expect=422, **MULTIPART)
        assert "Upload a copy of the file with the patient" in refused.text
        officer.submit(page, {"include": "yes", "holds_identifiers": "yes",
                              "panel_description": "Clinic letter",
                              "redacted_copy": (io.BytesIO(REDACTED), "letter-redacted.pdf")},
                       expect=302, **MULTIPART)
        case_page = officer.open(f"/cases/{road.reference}")
        assert "Redacted copy:" in case_page and "letter-redacted.pdf" in case_page
        assert "Choose the evidence for the panel pack" in case_page  # the timeline names the step
        marked = client.get(f"/api/v1/cases/{road.reference}", headers=auth(OFFICER)).json["attachments"]
        assert [(f["filename"], f["for_panel"], f["redacted_of_id"]) for f in marked] == [
            ("letter.pdf", True, None), ("letter-redacted.pdf", False, road.letter)]


def test_a_chair_reading_the_case_outside_a_meeting_gets_only_the_packs_files(app, client, auth, road):
    chair = Person(app.test_client(), "demo-panel-chair")
    page = chair.open(f"/cases/{road.reference}")
    assert "Clinic letter, 20 November 2026" in page and "jane-example-letter.pdf" not in page
    copies = [f["id"] for f in pack_files(client, auth, road, "demo-panel-chair")]
    assert chair.client.get(f"/cases/{road.reference}/panel-evidence/{copies[0]}").data == REDACTED
    for attachment_id in (road.files["unmarked"], road.files["letter"]):
        chair.open(f"/cases/{road.reference}/panel-evidence/{attachment_id}", expect=404)
    Person(app.test_client(), "demo-panel-member").open(
        f"/cases/{road.reference}/panel-evidence/{copies[0]}", expect=403)  # no case page at all
