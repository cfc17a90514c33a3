"""An action's payload can branch: a field with `only_when` is asked only when a field beside it has
one of the given answers. Then it is required if it says so; under any other answer it must be left
out, so an event records the questions of the branch taken and no other. The file is checked when it
is loaded, and the payload when the action is taken, as validated data, without a database."""

from __future__ import annotations

import itertools

import pytest
import yaml

from ifr_service.errors import ValidationFailed
from ifr_service.forms.definition import FormDefinitionError, check_form, parse_form
from ifr_service.workflows.definition import WorkflowDefinitionError, load_workflow_file
from ifr_service.workflows.runner import validate_payload
from tests.workflows.test_engine import IFR, IFR_WORKFLOW, KNOWN, bad_workflow

ROUTE = {"key": "route", "label": "Which route?", "type": "choice", "required": True,
         "options": [{"value": "a", "label": "Route A"}, {"value": "b", "label": "Route B"},
                     {"value": "c", "label": "Route C"}]}
ONLY_A = {"key": "detail", "label": "The detail", "name": "the detail", "type": "text", "required": True,
          "only_when": {"field": "route", "in": ["a"]}}
OPTIONAL_B = {"key": "note", "label": "A note", "type": "text",
              "only_when": {"field": "route", "in": ["b", "c"]}}
NAMES = itertools.count()


def action_with(payload: list[dict]):
    """An action of the IFR workflow with this payload, as the loader makes it."""
    raw = yaml.safe_load(IFR_WORKFLOW.read_text())
    action = {"key": f"branching_{next(NAMES)}", "title": "Branch", "from": ["draft"], "to": "same",
              "roles": ["clinician"], "event": "branched", "payload": payload}
    return raw, action


def loaded(tmp_path, payload: list[dict]):
    raw, action = action_with(payload)
    path = tmp_path / "branching.yaml"
    path.write_text(yaml.safe_dump({**raw, "actions": [*raw["actions"], action]}))
    workflow = load_workflow_file(path, KNOWN)
    return workflow, workflow.action(action["key"])


def errors(workflow, action, payload: dict) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as refused:
        validate_payload(workflow, action, payload)
    return refused.value.fields


def test_a_field_is_required_under_the_answer_it_belongs_to(tmp_path):
    workflow, action = loaded(tmp_path, [ROUTE, ONLY_A])
    assert errors(workflow, action, {"route": "a"}) == {"detail": ["Enter the detail"]}
    assert validate_payload(workflow, action, {"route": "a", "detail": "Given"}) == {
        "route": "a", "detail": "Given"}


def test_a_field_is_refused_under_another_answer_naming_the_answer_it_belongs_to(tmp_path):
    workflow, action = loaded(tmp_path, [ROUTE, ONLY_A])
    assert validate_payload(workflow, action, {"route": "b"}) == {"route": "b"}
    assert errors(workflow, action, {"route": "b", "detail": "Given"}) == {
        "detail": ['Leave out the detail: it is asked only when which route is "Route A"']}


def test_an_optional_branch_field_may_be_left_out_under_its_own_answer(tmp_path):
    workflow, action = loaded(tmp_path, [ROUTE, OPTIONAL_B])
    assert validate_payload(workflow, action, {"route": "c"}) == {"route": "c"}
    assert validate_payload(workflow, action, {"route": "c", "note": "Noted"})["note"] == "Noted"


def test_with_no_answer_to_branch_on_only_that_answer_is_asked_for(tmp_path):
    workflow, action = loaded(tmp_path, [ROUTE, ONLY_A])
    assert errors(workflow, action, {"detail": "Given"}) == {"route": ["Select which route"]}
    assert set(errors(workflow, action, {"route": "z", "detail": "Given"})) == {"route"}


def test_a_branch_inside_a_group_names_its_path(tmp_path):
    group = {"key": "answers", "label": "Answers", "type": "group", "required": True,
             "fields": [ROUTE, ONLY_A, OPTIONAL_B]}
    workflow, action = loaded(tmp_path, [group])
    assert errors(workflow, action, {"answers": {"route": "a", "note": "Noted"}}) == {
        "answers.detail": ["Enter the detail"],
        "answers.note": ['Leave out a note for answers: it is asked only when which route for answers is '
                         '"Route B" or "Route C"']}


def test_a_yes_or_no_question_can_be_branched_on(tmp_path):
    asked = {"key": "asked", "label": "Asked?", "type": "boolean", "required": True}
    why = {"key": "why", "label": "Why", "type": "text", "required": True,
           "only_when": {"field": "asked", "in": [True]}}
    workflow, action = loaded(tmp_path, [asked, why])
    assert errors(workflow, action, {"asked": True}) == {"why": ["Enter why"]}
    assert errors(workflow, action, {"asked": False, "why": "Because"}) == {
        "why": ['Leave out why: it is asked only when asked is "Yes"']}


@pytest.mark.parametrize(("payload", "problem"), [
    ([ONLY_A], "only_when refers to 'route', which is not another field beside it"),
    ([ROUTE, {**ONLY_A, "only_when": {"field": "route", "in": ["d"]}}], "lists values 'route' cannot take"),
    ([{**ROUTE, "type": "text", "options": None}, ONLY_A], "needs a choice or yes/no field"),
    ([ROUTE, {**ONLY_A, "only_when": {"field": "detail", "in": ["a"]}}], "which is not another field"),
    ([ROUTE, {**OPTIONAL_B, "key": "route_b", "type": "choice", "options": ROUTE["options"]},
      {**ONLY_A, "only_when": {"field": "route_b", "in": ["a"]}}], "asked unconditionally"),
])
def test_a_branch_that_makes_no_sense_is_refused_when_the_file_is_loaded(tmp_path, payload, problem):
    payload = [{key: value for key, value in field.items() if value is not None} for field in payload]
    raw, action = action_with(payload)
    with pytest.raises((WorkflowDefinitionError, FormDefinitionError), match=problem) as error:
        load_workflow_file(bad_workflow(tmp_path, actions=[*raw["actions"], action]), KNOWN)
    assert "bad.yaml" in str(error.value)


def test_a_forms_question_branches_with_required_when_instead():
    form = parse_form({"key": "f", "version": 1, "route": "ifr", "title": "F",
                       "sections": [{"key": "patient", "title": "Patient", "fields": [ROUTE, ONLY_A]}]})
    assert check_form(form) == ["patient.detail: only_when works in action payloads only"]


def test_the_decision_asks_each_branch_of_the_exceptionality_test_its_own_questions():
    approve = IFR.action("approve")
    base = {"summary": "Funded for twelve months."}
    against = {"policy_position": "against_policy", "policy_reference": "170091P",
               "comparator_group": "Adults with the condition after one line of treatment."}
    refused = errors(IFR, approve, {**base, "findings": against})
    assert set(refused) == {"findings.significantly_different", "findings.significantly_more_benefit"}
    refused = errors(IFR, approve, {**base, "findings": {**against, "policy_position": "rare_condition"}})
    assert set(refused) == {"findings.policy_reference", "findings.comparator_group",
                            "findings.cohort_in_disguise", "findings.evidence_of_effectiveness",
                            "findings.value_for_money"}
