"""The workflow engine decides what may happen to a case, without a database."""

from __future__ import annotations

import pytest
import yaml

from ifr_service.config import PROJECT_ROOT
from ifr_service.errors import TransitionNotAllowed
from ifr_service.users.models import Role
from ifr_service.workflows.docs import workflow_markdown
from ifr_service.workflows.engine import (
    WorkflowDefinitionError,
    allowed_actions,
    load_workflow_file,
    load_workflows,
    next_state,
)

ROLES = {role.value for role in Role}
WORKFLOW_FILES = sorted((PROJECT_ROOT / "workflows").glob("*.yaml"))
IFR = load_workflows(PROJECT_ROOT / "workflows", ROLES)["ifr"]


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda path: path.name)
def test_every_workflow_file_loads(path):
    assert load_workflow_file(path, ROLES).states


def test_a_clinician_submits_a_draft():
    assert next_state(IFR, "draft", "submit", "clinician") == "submitted"


def test_a_submitted_case_cannot_be_submitted_again():
    with pytest.raises(TransitionNotAllowed) as error:
        next_state(IFR, "submitted", "submit", "clinician")
    assert error.value.status_code == 409


def test_a_hub_officer_cannot_submit_a_clinicians_application():
    with pytest.raises(TransitionNotAllowed) as error:
        next_state(IFR, "draft", "submit", "case_officer")
    assert error.value.status_code == 403


def test_an_unknown_action_is_refused():
    with pytest.raises(TransitionNotAllowed, match="no action"):
        next_state(IFR, "draft", "approve", "clinician")


def test_allowed_actions_list_what_the_role_may_do_now():
    assert allowed_actions(IFR, "draft", "clinician") == ["edit", "attach", "submit"]
    assert allowed_actions(IFR, "draft", "case_officer") == []
    assert allowed_actions(IFR, "submitted", "clinician") == []


def bad_workflow(tmp_path, **changes):
    raw = yaml.safe_load(WORKFLOW_FILES[0].read_text())
    raw.update(changes)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


@pytest.mark.parametrize(("changes", "problem"), [
    ({"initial": "nowhere"}, "initial state 'nowhere' is not a state"),
    ({"actions": [{"key": "go", "title": "Go", "from": ["draft"], "to": "limbo",
                   "roles": ["clinician"], "event": "gone"}]}, "unknown state 'limbo'"),
    ({"actions": [{"key": "go", "title": "Go", "from": ["draft"], "to": "submitted",
                   "roles": ["wizard"], "event": "gone"}]}, "unknown role 'wizard'"),
    ({"actions": []}, "cannot be reached"),
    ({"states": "draft"}, "is not of type 'array'"),
])
def test_a_bad_workflow_is_refused_naming_the_file_and_the_problem(tmp_path, changes, problem):
    with pytest.raises(WorkflowDefinitionError, match=problem) as error:
        load_workflow_file(bad_workflow(tmp_path, **changes), ROLES)
    assert "bad.yaml" in str(error.value)


@pytest.mark.parametrize("workflow", load_workflows(PROJECT_ROOT / "workflows", ROLES).values(),
                         ids=lambda workflow: workflow.key)
def test_the_generated_workflow_diagram_in_docs_is_up_to_date(workflow):
    committed = PROJECT_ROOT / "docs" / "workflows" / f"{workflow.key}.md"
    assert committed.exists(), "run `ifr-service docs workflows`"
    assert committed.read_text() == workflow_markdown(workflow), "run `ifr-service docs workflows`"


def test_two_workflows_for_one_route_are_refused(tmp_path):
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(WORKFLOW_FILES[0].read_text())
    with pytest.raises(WorkflowDefinitionError, match="second workflow for route 'ifr'"):
        load_workflows(tmp_path, ROLES)
