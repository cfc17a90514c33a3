"""Pages are built from forms/ and workflows/: a new question or action needs no new template."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest

from ifr_service.app import create_app
from ifr_service.config import PROJECT_ROOT
from tests.builders import OFFICER, Road
from tests.web.browsing import Person

NEW_QUESTION = """      - key: interpreter_needed
        label: Does the patient need an interpreter?
        type: boolean
        help: So that the hub can arrange one for any meeting.
"""
NEW_ACTION = """  - key: add_file_note
    title: Add a note to the file
    from: [screening]
    to: same
    roles: [case_officer]
    event: file_note_added
    payload:
      - {key: note, label: The note, type: long_text, required: true, min_length: 10}
"""


@pytest.fixture
def changed_app(app, tmp_path):
    """The same database, served from a copy of forms/ and workflows/ that a test then changes."""
    for folder in ("forms", "workflows"):
        shutil.copytree(PROJECT_ROOT / folder, tmp_path / folder)
    (tmp_path / "migrations").symlink_to(PROJECT_ROOT / "migrations")

    built = []

    def build():
        built.append(create_app(replace(app.config["IFR"], project_root=tmp_path)))
        return built[-1]

    yield tmp_path, build
    for changed in built:
        changed.extensions["ifr"].engine.dispose()


def test_a_question_added_to_the_form_is_asked_on_its_sections_page(changed_app, client):
    root, build = changed_app
    form = root / "forms" / "ifr" / "ifr-application-v3.yaml"
    text = form.read_text()
    anchor = "      - key: postal_address\n"
    form.write_text(text.replace(anchor, NEW_QUESTION + anchor, 1))
    clinician = Person(build().test_client(), "demo-clinician")
    task_list = clinician.submit("/cases/new", expect=302).headers["Location"]
    page = clinician.open(f"{task_list}/patient")
    assert "Does the patient need an interpreter?" in page
    assert page.count('name="patient.interpreter_needed"') == 2  # Yes and No


def test_an_action_added_to_the_workflow_is_offered_with_its_own_form(changed_app, client, auth, application):
    root, build = changed_app
    workflow = root / "workflows" / "ifr.yaml"
    text = workflow.read_text()
    anchor = "  - key: request_information\n"
    workflow.write_text(text.replace(anchor, NEW_ACTION + anchor, 1))
    road = Road(client, auth, application)
    road.act(OFFICER, "confirm_complete")
    officer = Person(build().test_client(), OFFICER)
    assert "Add a note to the file" in officer.open(f"/cases/{road.reference}")
    action = f"/cases/{road.reference}/actions/add_file_note"
    assert 'href="#field-note"' in officer.submit(action, {"note": "too short"}, expect=422).text
    officer.submit(action, {"note": "Spoke to the consultant about the scan dates."}, expect=302)
    assert "Spoke to the consultant about the scan dates." in officer.open(f"/cases/{road.reference}")
