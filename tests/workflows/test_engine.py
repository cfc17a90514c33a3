"""The workflow engine decides what may happen to a case, without a database."""

from __future__ import annotations

import pytest
import yaml

from ifr_service.config import PROJECT_ROOT
from ifr_service.errors import TransitionNotAllowed
from ifr_service.features import known_names
from ifr_service.workflows.definition import (
    WorkflowDefinitionError,
    load_workflow_file,
    load_workflows,
)
from ifr_service.workflows.docs import workflow_markdown
from ifr_service.workflows.engine import allowed_actions, next_state

KNOWN = known_names  # what each workflow may name, by its key
WORKFLOW_FILES = sorted((PROJECT_ROOT / "workflows").glob("*.yaml"))
IFR_WORKFLOW = PROJECT_ROOT / "workflows" / "ifr.yaml"
IFR = load_workflows(PROJECT_ROOT / "workflows", KNOWN)["ifr"]


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda path: path.name)
def test_every_workflow_file_loads(path):
    assert load_workflow_file(path, KNOWN).states


def test_a_clinician_submits_a_draft():
    assert next_state(IFR, "draft", "submit", "clinician") == "submitted"


def test_an_action_that_keeps_the_state_keeps_it():
    assert next_state(IFR, "awaiting_information", "attach", "clinician") == "awaiting_information"


def test_a_step_the_state_does_not_allow_is_refused_with_what_is_allowed():
    with pytest.raises(TransitionNotAllowed) as error:
        next_state(IFR, "submitted", "approve", "panel_chair")
    assert error.value.status_code == 409
    assert error.value.extra["allowed_actions"] == []
    with pytest.raises(TransitionNotAllowed) as error:
        next_state(IFR, "submitted", "screen_to_panel", "case_officer")
    assert error.value.extra["allowed_actions"] == [
        "confirm_complete", "request_information", "refer_for_chairs_action", "prepare_evidence_for_panel"]


def test_a_step_the_role_may_not_take_is_forbidden():
    with pytest.raises(TransitionNotAllowed) as error:
        next_state(IFR, "ready_for_panel", "approve", "case_officer")
    assert error.value.status_code == 403


def test_an_unknown_action_is_not_found():
    with pytest.raises(TransitionNotAllowed, match="no action") as error:
        next_state(IFR, "draft", "teleport", "clinician")
    assert error.value.status_code == 404


def test_allowed_actions_list_what_the_role_may_do_now():
    assert [a.key for a in allowed_actions(IFR, "draft", "clinician")] == [
        "edit", "attach", "remove_attachment", "submit", "send_for_trust_approval", "delete_draft"]
    assert [a.key for a in allowed_actions(IFR, "awaiting_trust_approval", "trust_approver")] == [
        "approve_for_trust", "return_to_clinician"]
    assert allowed_actions(IFR, "awaiting_trust_approval", "clinician") == []
    assert [a.key for a in allowed_actions(IFR, "screening", "case_officer")] == [
        "request_information", "screen_not_responsible", "screen_routinely_commissioned", "screen_cohort",
        "screen_to_panel", "refer_for_chairs_action", "prepare_evidence_for_panel"]
    assert allowed_actions(IFR, "closed", "case_officer") == []


def test_every_decision_needs_reasons_on_each_criterion_of_the_test_it_applies():
    against, without = {"field": "policy_position", "in": ["against_policy"]}, {
        "field": "policy_position", "in": ["no_policy", "rare_condition"]}
    for key in ("approve", "approve_with_conditions", "decline"):
        findings = next(f for f in IFR.action(key).payload if f.key == "findings")
        criteria = {c.key: c.only_when for c in findings.fields if c.type == "group"}
        assert criteria == {"significantly_different": against, "significantly_more_benefit": against,
                            "cohort_in_disguise": without, "evidence_of_effectiveness": without,
                            "value_for_money": without}
        assert all(c.required and {f.key for f in c.fields if f.required} == {"finding", "reasons"}
                   for c in findings.fields if c.type == "group")
        stated = {f.key: f for f in findings.fields}
        assert stated["comparator_group"].required and stated["comparator_group"].only_when == against


def bad_workflow(tmp_path, **changes):
    raw = yaml.safe_load(IFR_WORKFLOW.read_text())
    raw.update(changes)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def with_action(**action):
    raw = yaml.safe_load(IFR_WORKFLOW.read_text())
    base = {"key": "go", "title": "Go", "from": ["draft"], "to": "submitted",
            "roles": ["clinician"], "event": "gone"}
    return {"actions": [*raw["actions"], {**base, **action}]}


@pytest.mark.parametrize(("changes", "problem"), [
    ({"initial": "nowhere"}, "initial state 'nowhere' is not a state"),
    (with_action(to="limbo"), "unknown state 'limbo'"),
    (with_action(roles=["wizard"]), "unknown role 'wizard'"),
    (with_action(guards=["moon_is_full"]), "unknown guard 'moon_is_full'"),
    (with_action(effects=["send_owl"]), "unknown effect 'send_owl'"),
    (with_action(handler="do_magic"), "unknown handler 'do_magic'"),
    # Another workflow's code is as unknown as a misspelt name: policy development's guard, or the
    # CDF's treatment effect, in the IFR workflow would be a 500 the first time a case reached it.
    (with_action(guards=["crg_is_known"]), "unknown guard 'crg_is_known'"),
    (with_action(effects=["record_cdf_treatment"]), "unknown effect 'record_cdf_treatment'"),
    (with_action(letter="owl_post"), "letter 'owl_post', which letters/wording.yaml does not have"),
    (with_action(payload=[{"key": "x", "label": "X", "type": "colour"}]), "is not one of"),
    ({"actions": []}, "cannot be reached"),
    ({"states": "draft"}, "is not of type 'array'"),
    ({"clocks": {"c": {"title": "C", "working_days": 5, "runs_in": ["nowhere"]}}},
     "unknown state 'nowhere'"),
    ({"clocks": {"c": {"title": "C", "working_days": 5, "runs_in": ["submitted"],
                       "starts_in": ["draft"]}}}, "starts in 'draft', where it does not run"),
])
def test_a_bad_workflow_is_refused_naming_the_file_and_the_problem(tmp_path, changes, problem):
    with pytest.raises(WorkflowDefinitionError, match=problem) as error:
        load_workflow_file(bad_workflow(tmp_path, **changes), KNOWN)
    assert "bad.yaml" in str(error.value)


def test_a_states_letter_must_be_a_letter_that_exists(tmp_path):
    raw = yaml.safe_load(IFR_WORKFLOW.read_text())
    states = [{**s, "letter": "owl_post"} if s["key"] == "withdrawn" else s for s in raw["states"]]
    with pytest.raises(WorkflowDefinitionError, match="'withdrawn' sends letter 'owl_post'") as error:
        load_workflow_file(bad_workflow(tmp_path, states=states), KNOWN)
    assert "bad.yaml" in str(error.value)


def test_a_states_outcome_is_one_the_national_database_knows(tmp_path):
    raw = yaml.safe_load(IFR_WORKFLOW.read_text())
    states = [{**s, "outcome": "sort_of_approved"} if s["key"] == "approved" else s for s in raw["states"]]
    with pytest.raises(WorkflowDefinitionError, match="'sort_of_approved' is not one of"):
        load_workflow_file(bad_workflow(tmp_path, states=states), KNOWN)


def test_a_state_that_is_not_final_needs_a_way_out(tmp_path):
    raw = yaml.safe_load(IFR_WORKFLOW.read_text())
    states = [{**s, "final": False} if s["key"] == "withdrawn" else s for s in raw["states"]]
    with pytest.raises(WorkflowDefinitionError, match="'withdrawn' is not final but no action"):
        load_workflow_file(bad_workflow(tmp_path, states=states), KNOWN)


def test_a_final_state_has_no_way_out(tmp_path):
    raw = yaml.safe_load(IFR_WORKFLOW.read_text())
    states = [{**s, "final": True} if s["key"] == "declined" else s for s in raw["states"]]
    with pytest.raises(WorkflowDefinitionError, match="'declined' is final but an action leaves"):
        load_workflow_file(bad_workflow(tmp_path, states=states), KNOWN)


def with_a_historic_state(**way_in) -> dict:
    """ifr.yaml keeping an earlier version's state, which only what was already in it leaves."""
    raw = yaml.safe_load(IFR_WORKFLOW.read_text())
    old = {"key": "awaiting_old_triage", "title": "Awaiting triage (old road)", "historic": True}
    way_out = {"key": "triage_old", "title": "Triage", "from": ["awaiting_old_triage"], "to": "screening",
               "roles": ["case_officer"], "event": "triaged"}
    actions = [*raw["actions"], way_out] + ([{**way_out, "key": "back", **way_in}] if way_in else [])
    return {"states": [*raw["states"], old], "actions": actions}


def test_a_historic_state_need_not_be_reached_but_nothing_may_enter_it(tmp_path):
    kept = load_workflow_file(bad_workflow(tmp_path, **with_a_historic_state()), KNOWN)
    assert kept.state("awaiting_old_triage").historic
    into = "'back' leads into historic state 'awaiting_old_triage'"
    with pytest.raises(WorkflowDefinitionError, match=into):
        load_workflow_file(bad_workflow(tmp_path, **with_a_historic_state(
            **{"from": ["screening"], "to": "awaiting_old_triage"})), KNOWN)


@pytest.mark.parametrize("workflow", load_workflows(PROJECT_ROOT / "workflows", KNOWN).values(),
                         ids=lambda workflow: workflow.key)
def test_the_generated_workflow_diagram_in_docs_is_up_to_date(workflow):
    committed = PROJECT_ROOT / "docs" / "workflows" / f"{workflow.key}.md"
    assert committed.exists(), "run `ifr-service docs workflows`"
    assert committed.read_text() == workflow_markdown(workflow), "run `ifr-service docs workflows`"


def test_two_workflows_for_one_route_are_refused(tmp_path):
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(IFR_WORKFLOW.read_text())
    with pytest.raises(WorkflowDefinitionError, match="second workflow for route 'ifr'"):
        load_workflows(tmp_path, KNOWN)


@pytest.mark.parametrize(("action", "problem"), [
    ({"handler": "submit_application", "guards": ["case_is_urgent"]}, "takes no guards"),
    ({"payload": [{"key": "x", "label": "X", "type": "choice"}]}, "a choice field needs options"),
    ({"payload": [{"key": "x", "label": "X", "type": "text"}, {"key": "x", "label": "Y", "type": "text"}]},
     "duplicate field"),
    ({"payload": [{"key": "x", "label": "X", "type": "text",
                   "required_when": {"field": "a.b", "in": ["c"]}}]}, "works in forms only"),
])
def test_an_actions_payload_and_handler_are_checked_at_load(tmp_path, action, problem):
    with pytest.raises(WorkflowDefinitionError, match=problem):
        load_workflow_file(bad_workflow(tmp_path, **with_action(**action)), KNOWN)


@pytest.mark.parametrize(("clock", "problem"), [
    ({"title": "C", "working_days": 2, "starts_on": "letter_requested"}, "both starts_on and stops_on"),
    ({"title": "C", "working_days": 2, "starts_on": "letter_requested", "stops_on": "letter_sent",
      "runs_in": ["submitted"]}, "takes no runs_in"),
    ({"title": "C", "working_days": 2, "starts_on": "owl_sent", "stops_on": "letter_sent"},
     "unknown signal 'owl_sent'"),
    ({"title": "C", "working_days": 2}, "needs runs_in"),
])
def test_a_clock_is_either_a_state_clock_or_a_service_clock(tmp_path, clock, problem):
    with pytest.raises(WorkflowDefinitionError, match=problem):
        load_workflow_file(bad_workflow(tmp_path, clocks={"c": clock}), KNOWN)
