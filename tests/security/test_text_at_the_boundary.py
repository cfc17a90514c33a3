"""Text that cannot hurt, at every door: a JSON body, a query string, a page's form and a multipart
upload refuse NUL, broken characters, control characters and direction overrides with a 422 naming
the field, on both databases, and change nothing; one patient has one NHS number whatever digits
were typed; search periods stay within the data's years; errors quote only a short piece."""

from __future__ import annotations

import io

import pytest

from tests.builders import CLINICIAN, PDF, apply_to_cdf
from tests.conftest import count_rows
from tests.web.browsing import Person

BAD_TEXT = ["\ud800x", "\x00", "\x1b[2J", "Ann\u202eelbaT", "\x9b31m"]
FULLWIDTH_0026 = "\uff19\uff19\uff19 \uff10\uff10\uff10 \uff10\uff10\uff12\uff16"  # 999 000 0026


def fields_of(response) -> set[str]:
    return {error["field"] for error in response.json["errors"]}


@pytest.mark.parametrize("text", BAD_TEXT)
def test_a_name_that_could_hurt_is_a_422_naming_it_and_nothing_is_saved(app, client, auth, application, text):
    before = count_rows(app)
    application["patient"]["given_name"] = text
    response = client.post("/api/v1/cases", json=application, headers=auth(CLINICIAN))
    assert response.status_code == 422, response.json
    assert fields_of(response) == {"patient.given_name"}
    assert count_rows(app) == before


def test_a_lone_surrogate_sent_in_a_draft_cannot_break_the_trusts_case_list(client, auth, application):
    application["patient"]["family_name"] = "\ud800x"
    assert client.post("/api/v1/cases", json=application, headers=auth(CLINICIAN)).status_code == 422
    reference = client.post("/api/v1/cases", json={"patient": {"given_name": "Ann"}},
                            headers=auth(CLINICIAN)).json["reference"]
    assert client.get(f"/api/v1/cases/{reference}", headers=auth(CLINICIAN)).status_code == 200
    assert reference in Person(client, CLINICIAN).open("/cases")


def test_a_name_in_a_json_key_that_could_hurt_is_refused(client, auth):
    response = client.post("/api/v1/cases", json={"patient": {"given\x00name": "Ann"}},
                           headers=auth(CLINICIAN))
    assert response.status_code == 422
    assert fields_of(response) == {"patient"}


@pytest.mark.parametrize("name", ["letter\u202efdp.exe", "letter\x00.pdf", "letter\x1b[31m.pdf",
                                  "letter\n.pdf"])
def test_an_attachment_whose_filename_could_hurt_is_a_422_naming_the_file(app, client, auth, name):
    reference = client.post("/api/v1/cases", json={"patient": {"given_name": "Ann"}},
                            headers=auth(CLINICIAN)).json["reference"]
    before = count_rows(app)
    response = client.post(f"/api/v1/cases/{reference}/attachments",
                           data={"file": (io.BytesIO(PDF), name)}, headers=auth(CLINICIAN))
    assert response.status_code == 422, response.json
    assert fields_of(response) == {"file"}
    assert count_rows(app) == before


def test_an_attachments_description_may_have_lines_but_no_control_characters(client, auth):
    reference = client.post("/api/v1/cases", json={"patient": {"given_name": "Ann"}},
                            headers=auth(CLINICIAN)).json["reference"]
    refused = client.post(f"/api/v1/cases/{reference}/attachments",
                          data={"file": (io.BytesIO(PDF), "letter.pdf"), "description": "Scan\x1b[2J"},
                          headers=auth(CLINICIAN))
    assert refused.status_code == 422
    assert fields_of(refused) == {"description"}
    accepted = client.post(f"/api/v1/cases/{reference}/attachments",
                           data={"file": (io.BytesIO(PDF), "letter.pdf"), "description": "Page 1\nPage 2"},
                           headers=auth(CLINICIAN))
    assert accepted.status_code == 201, accepted.json


def test_a_page_form_with_a_control_character_is_a_422_naming_the_field(app, client):
    clinician = Person(client, CLINICIAN)
    draft = clinician.submit("/cases/new", expect=302).headers["Location"].split("/")[2]
    before = count_rows(app)
    response = clinician.submit(f"/cases/{draft}/application/patient",
                                {"patient.given_name": "Ann\x1b]0;owned\x07"}, expect=422)
    assert 'href="#field-patient-given_name"' in response.text
    assert count_rows(app) == before


def test_a_query_string_with_a_control_character_is_refused(client, auth):
    response = client.get("/api/v1/audit", query_string={"user": "demo-officer\x1b[2J"},
                          headers=auth("demo-auditor"))
    assert response.status_code == 422
    assert fields_of(response) == {"user"}


def test_one_patient_in_fullwidth_digits_gets_no_second_cdf_approval(app, client, auth, cdf_application):
    apply_to_cdf(client, auth, cdf_application)
    before = count_rows(app)
    again = {**cdf_application, "patient": {**cdf_application["patient"], "nhs_number": FULLWIDTH_0026}}
    response = client.post("/api/v1/cases", json=again, headers=auth(CLINICIAN))
    assert response.status_code == 422
    assert fields_of(response) == {"patient.nhs_number"}
    assert "digits 0 to 9" in response.json["errors"][0]["message"]
    assert count_rows(app) == before


@pytest.mark.parametrize(("address", "who"), [
    ("/api/v1/audit?user=demo-officer&from={start}&to={end}", "demo-auditor"),
    ("/api/v1/cet/trends?from={start}&to={end}", "demo-cet"),
    ("/api/v1/cet/reports/trends?from={start}&to={end}", "demo-cet"),
])
@pytest.mark.parametrize(("start", "end", "field"), [
    ("2024-01-01", "9999-12-31", "to"), ("0001-01-01", "2024-12-31", "from"),
])
def test_a_search_period_outside_the_datas_years_is_a_422_not_a_500(client, auth, address, who, start, end,
                                                                      field):
    response = client.get(address.format(start=start, end=end), headers=auth(who))
    assert response.status_code == 422, response.json
    assert fields_of(response) == {field}


def test_an_error_echoes_at_most_a_short_piece_of_a_long_input(client, auth, application):
    application["patient"]["commissioner"] = "Q" * 100_000
    response = client.post("/api/v1/cases", json=application, headers=auth(CLINICIAN))
    assert response.status_code == 422
    assert max(len(error["message"]) for error in response.json["errors"]) < 200
    assert len(response.data) < 2_000

