"""Bounded work per request: the body's size, its nesting and its lists are checked before anything
walks them, and every such request is a 413 or a 422 in the API's error shape that changes nothing."""

from __future__ import annotations

import io
import json

import pytest
from marshmallow import fields

from ifr_service.config import JSON_MAX_BYTES, JSON_MAX_DEPTH, JSON_MAX_ITEMS
from tests.builders import pdf_with
from tests.conftest import count_rows

CLINICIAN = "demo-clinician"


def post_raw(client, auth, url: str, body: bytes, user: str = CLINICIAN):
    return client.post(url, data=body, content_type="application/json", headers=auth(user))


def error_fields(response) -> list:
    return [error["field"] for error in response.json["errors"]]


def assert_error_shape(response, status: int) -> None:
    assert response.status_code == status
    assert response.is_json and response.json["status"] == status
    assert response.json["errors"] and all(set(error) == {"field", "message"} and error["message"]
                                           for error in response.json["errors"])


def test_a_body_over_the_json_limit_is_a_413_in_the_error_shape_and_saves_nothing(app, client, auth):
    """The finding's request: three megabytes holding a list of a million items."""
    million = b'{"clinical_case": {"treatments_tried": [' + b",".join([b"0"] * 1_000_000) + b"]}}"
    assert len(million) > JSON_MAX_BYTES
    before = count_rows(app)
    response = post_raw(client, auth, "/api/v1/cases", million)
    assert_error_shape(response, 413)
    assert f"{JSON_MAX_BYTES:,} bytes" in response.json["errors"][0]["message"]
    assert count_rows(app) == before


def test_a_body_over_the_json_limit_is_refused_on_every_address_that_reads_one(client, auth):
    big = b'{"note": "' + b"x" * JSON_MAX_BYTES + b'"}'
    for user, url in ((CLINICIAN, "/api/v1/cases"), ("demo-admin", "/api/v1/panels"),
                      ("demo-officer", "/api/v1/cases/IFR-2026-000001/actions/screen")):
        assert post_raw(client, auth, url, big, user).status_code == 413, url


def test_an_attachment_keeps_its_own_larger_limit(client, auth, application):
    reference = client.post("/api/v1/cases", json={"patient": application["patient"]},
                            headers=auth(CLINICIAN)).json["reference"]
    larger_than_json = pdf_with("x" * (JSON_MAX_BYTES + 1024))
    response = client.post(f"/api/v1/cases/{reference}/attachments",
                           data={"file": (io.BytesIO(larger_than_json), "scan.pdf")}, headers=auth(CLINICIAN))
    response.request.environ["wsgi.input"].close()  # the test client spools a large body to a file
    assert response.status_code == 201, response.json


@pytest.mark.parametrize("depth", [JSON_MAX_DEPTH + 1, 1_100, 200_000])
def test_json_nested_deeper_than_the_limit_is_a_422_never_a_500(app, client, auth, depth):
    body = b"[" * depth + b"]" * depth
    before = count_rows(app)
    response = post_raw(client, auth, "/api/v1/cases", body)
    assert_error_shape(response, 422)
    assert "levels deep" in response.json["errors"][0]["message"]
    assert count_rows(app) == before


def test_json_nested_to_the_limit_is_read(client, auth):
    nested = {"x": "y"}  # the body is the first level, so this is the limit's
    for _ in range(JSON_MAX_DEPTH - 2):
        nested = [nested]
    response = client.post("/api/v1/cases", json={"patient": nested}, headers=auth(CLINICIAN))
    assert response.status_code == 422
    assert error_fields(response) == ["patient"]  # read, and refused by the form: not a group
    assert all("levels deep" not in error["message"] for error in response.json["errors"])


def test_a_list_longer_than_any_the_api_takes_is_a_422_naming_it(client, auth):
    body = {"patient": {"given_name": "A"}, "evidence": {"references": ["x"] * (JSON_MAX_ITEMS + 1)}}
    response = client.post("/api/v1/cases", json=body, headers=auth(CLINICIAN))
    assert_error_shape(response, 422)
    assert error_fields(response) == ["evidence.references"]


class CountedDeserialising:
    """How many values marshmallow deserialised: the work a request cost, counted, not timed."""

    def __init__(self, monkeypatch):
        self.calls = 0
        original = fields.Field.deserialize

        def counting(field, *args, **kwargs):
            self.calls += 1
            return original(field, *args, **kwargs)

        monkeypatch.setattr(fields.Field, "deserialize", counting)

    def of(self, send) -> int:
        self.calls = 0
        send()
        return self.calls


@pytest.mark.parametrize(("path", "most", "item", "name"), [
    ("clinical_case.treatments_tried", 30, {"treatment": "x", "when": "2025", "outcome": "none"},
     "treatments already tried"),
    ("evidence.references", 50, "A reference", "references to published evidence"),
])
def test_a_forms_list_is_refused_on_its_length_before_any_item_is_read(
        client, auth, application, monkeypatch, path, most, item, name):
    section, key = path.split(".")
    counted = CountedDeserialising(monkeypatch)

    def send(count: int):
        body = json.loads(json.dumps(application))
        body[section][key] = [item] * count
        response = client.post("/api/v1/cases", json=body, headers=auth(CLINICIAN))
        if count > most:
            assert_error_shape(response, 422)
            assert error_fields(response) == [path]
            assert response.json["errors"][0]["message"] == f"Enter no more than {most} {name}"

    just_over = counted.of(lambda: send(most + 1))
    far_over = counted.of(lambda: send(JSON_MAX_ITEMS))
    within = counted.of(lambda: send(most))
    assert far_over == just_over  # refusing a long list costs the same however long it is
    assert within >= just_over + most  # where reading the items costs one step an item at least


@pytest.mark.parametrize(("user", "url", "body", "field"), [
    ("demo-officer", "/api/v1/panels/1/meetings",
     {"meeting_date": "2026-01-05", "attendee_ids": list(range(101))}, "attendee_ids"),
    ("demo-admin", "/api/v1/panels", {"name": "Panel", "hub_code": "london",
                                      "quorum": {"minimum_members": 3, "requires": [["chair"]] * 11}},
     "quorum.requires"),
])
def test_the_apis_own_lists_are_bounded_too(client, auth, user, url, body, field):
    response = client.post(url, json=body, headers=auth(user))
    assert_error_shape(response, 422)
    assert field in error_fields(response)


def test_a_method_an_address_does_not_take_is_a_405_naming_those_it_does_in_allow(client, auth):
    response = client.delete("/api/v1/cases", headers=auth(CLINICIAN))
    assert_error_shape(response, 405)
    assert "POST" in response.headers["Allow"].split(", ")
    page = client.delete("/cases", headers={"Accept": "text/html"})
    assert page.status_code == 405 and "GET" in page.headers["Allow"]
