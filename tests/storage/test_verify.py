"""verify-storage: every stored file (attachments, letters) checked against its recorded SHA-256 and
size, on each backend; a file altered or gone is named by its case reference, kind, id and filename."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from ifr_service.cli import main
from ifr_service.storage.queries import StoredFile
from ifr_service.storage.verify import ALTERED, MISSING, group_by_bytes, verify_storage
from tests.builders import CHAIR, CLINICIAN, PDF, PNG, Road, findings
from tests.log_scan import find_identifiers, written_nhs_numbers


@dataclass(frozen=True)
class Store:
    reference: str
    attachment_id: int
    other_attachment_id: int
    letter_id: int


def attach(client, auth, reference: str, content: bytes, name: str) -> int:
    response = client.post(f"/api/v1/cases/{reference}/attachments",
                           data={"file": (io.BytesIO(content), name)}, headers=auth(CLINICIAN))
    assert response.status_code == 201, response.json
    return response.json["id"]


@pytest.fixture
def store(client, auth, application, run_jobs) -> Store:
    """A declined case with its decision letter and two attachments the clinician sent after it (the
    patient asked for no copies, so the clinician's letter is the only one)."""
    application["consent"]["copy_letters_to_patient"] = False
    road = Road(client, auth, application)
    road.to_panel()
    road.act(CHAIR, "decline", {"findings": findings("no"), "summary": "Not exceptional."})
    run_jobs()
    letter_id = road.case(CLINICIAN)["letters"][-1]["id"]
    return Store(road.reference, attach(client, auth, road.reference, PDF, "clinic letter.pdf"),
                 attach(client, auth, road.reference, PNG, "scan.png"), letter_id)


def alter(app, sql: str, **values) -> None:
    with app.extensions["ifr"].engine.begin() as connection:
        connection.execute(text(sql), values)


def verify(app, **batching):
    return verify_storage(app.extensions["ifr"].engine, **batching)


def run_command(app, *args: str):
    """`ifr-service verify-storage` on the test's app (load_app would make another of the same)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("ifr_service.storage.commands.load_app", lambda: app)
        return CliRunner().invoke(main, ["verify-storage", *args])


def test_a_clean_store_verifies(app, store):
    report = verify(app)
    assert report.ok
    assert report.files_checked == 3
    assert report.bytes_checked > len(PDF) + len(PNG)
    assert report.counts["attachments"] == 2
    assert report.counts["letters"] == 1
    assert report.counts["cases"] == 1

    result = run_command(app)
    assert result.exit_code == 0, result.output
    assert "3 files checked" in result.output
    assert "0 problems" in result.output


def test_an_attachment_whose_bytes_were_altered_in_the_database_is_reported_as_altered(app, store):
    alter(app, "UPDATE attachment_content SET content = :content WHERE attachment_id = :id",
          content=PDF.replace(b"%PDF-1.3", b"%PDF-1.7"), id=store.attachment_id)
    [problem] = verify(app).problems
    assert problem.problem == ALTERED
    assert (problem.file.kind, problem.file.id, problem.file.name, problem.file.case_reference) == (
        "attachment", store.attachment_id, "clinic letter.pdf", store.reference)
    assert problem.stored_size == len(PDF)  # same size, other bytes: found by the hash


def test_an_attachment_whose_content_row_was_deleted_is_reported_missing(app, store):
    alter(app, "DELETE FROM attachment_content WHERE attachment_id = :id", id=store.other_attachment_id)
    report = verify(app)
    assert [(p.problem, p.file.id, p.file.name) for p in report.problems] == [
        (MISSING, store.other_attachment_id, "scan.png")]
    assert report.files_checked == 3


def test_an_altered_letter_is_reported(app, store):
    alter(app, "UPDATE letter SET content = :content WHERE id = :id", content=b"%PDF-1.4 forged",
          id=store.letter_id)
    [problem] = verify(app).problems
    assert (problem.problem, problem.file.kind, problem.file.id) == (ALTERED, "letter", store.letter_id)
    assert problem.file.case_reference == store.reference
    assert problem.stored_size == len(b"%PDF-1.4 forged")


def test_the_command_exits_1_naming_the_case_reference_and_the_file(app, store):
    alter(app, "DELETE FROM attachment_content WHERE attachment_id = :id", id=store.attachment_id)
    alter(app, "UPDATE letter SET content = :content WHERE id = :id", content=b"", id=store.letter_id)

    result = run_command(app)
    assert result.exit_code == 1
    missing = f'attachment {store.attachment_id} of {store.reference} "clinic letter.pdf": missing'
    assert missing in result.output
    assert f"letter {store.letter_id} of {store.reference}" in result.output
    assert "3 files checked" in result.output and "2 problems" in result.output

    as_json = run_command(app, "--json")
    assert as_json.exit_code == 1
    report = json.loads(as_json.output)
    assert report["ok"] is False
    assert {(p["kind"], p["id"], p["case_reference"], p["problem"]) for p in report["problems"]} == {
        ("attachment", store.attachment_id, store.reference, "missing"),
        ("letter", store.letter_id, store.reference, "altered")}


def test_the_output_never_contains_an_nhs_number_or_patient_name(app, store, application):
    alter(app, "UPDATE attachment_content SET content = :content WHERE attachment_id = :id",
          content=b"altered", id=store.attachment_id)
    alter(app, "UPDATE letter SET content = :content WHERE id = :id", content=b"altered", id=store.letter_id)
    output = run_command(app).output + run_command(app, "--json").output

    assert find_identifiers(output.splitlines(), written_nhs_numbers()) == []
    patient = application["patient"]
    for detail in (patient["given_name"], patient["family_name"], patient["date_of_birth"],
                   patient["postal_address"]):
        assert detail not in output


def test_reading_in_small_batches_gives_the_same_report(app, store):
    alter(app, "DELETE FROM attachment_content WHERE attachment_id = :id", id=store.attachment_id)
    whole = verify(app)
    piecemeal = verify(app, records_per_batch=1, bytes_per_range=1)
    assert piecemeal.as_dict() == whole.as_dict()


def test_bytes_are_loaded_in_ranges_no_larger_than_the_budget():
    files = [StoredFile("attachment", number, "IFR-2026-000001", "a.pdf", size, "0" * 64)
             for number, size in enumerate([4, 4, 4, 9, 1, 1], start=1)]
    groups = [[file.id for file in group] for group in group_by_bytes(files, budget=8)]
    assert groups == [[1, 2], [3], [4], [5, 6]]
