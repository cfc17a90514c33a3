"""Random actions by random roles, on each workflow in workflows/: the engine never leaves the
workflow, refuses exactly what the definition refuses, and the events it leaves replay to the
state. Pure: no database."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from ifr_service.config import PROJECT_ROOT
from ifr_service.errors import TransitionNotAllowed
from ifr_service.features import known_names
from ifr_service.workflows.definition import SAME, Workflow, load_workflows
from ifr_service.workflows.engine import allowed_actions, next_state
from ifr_service.workflows.replay import replay_events
from tests.builders import RecordedEvent as Event

KNOWN = known_names  # what each workflow may name, by its key
WORKFLOWS = load_workflows(PROJECT_ROOT / "workflows", KNOWN)
ROLES = sorted(KNOWN("ifr").roles)
SETTINGS = settings(max_examples=200, stateful_step_count=50, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


def shortest_paths(workflow: Workflow) -> dict[str, list[str]]:
    """Each state the actions reach from the initial state, with the fewest actions that reach it
    (worked out here from the actions, not taken from the loader)."""
    paths, frontier = {workflow.initial: []}, [workflow.initial]
    while frontier:
        state = frontier.pop(0)
        for action in workflow.actions:
            target = state if action.to == SAME else action.to
            if state in action.from_states and target not in paths:
                paths[target] = [*paths[state], action.key]
                frontier.append(target)
    return paths


def expected_refusal(workflow: Workflow, state: str, action_key: str, role: str) -> int | None:
    """The status the definition says the engine must refuse with, or None if it must allow."""
    action = workflow.action(action_key)
    if action is None:
        return 404
    if state not in action.from_states:
        return 409
    return None if role in action.roles else 403


# Every workflow's action keys, and one no workflow has: each machine also asks for the others'.
ACTION_KEYS = sorted({action.key for workflow in WORKFLOWS.values() for action in workflow.actions}
                     | {"teleport"})


class CaseOnAWorkflow(RuleBasedStateMachine):
    """A case (or policy item) on `workflow`; a subclass per workflow names it."""

    workflow: Workflow
    paths: dict[str, list[str]]

    @initialize(data=st.data())
    def create_the_case_and_take_it_to_a_state(self, data):
        """Every state is a starting point: the random steps begin from each."""
        start = data.draw(st.sampled_from(sorted(self.paths)), label="start")
        self.state = self.workflow.initial
        self.events = [Event("created", None, self.workflow.initial)]
        for action_key in self.paths[start]:
            self.take(action_key, self.workflow.action(action_key).roles[0])
        assert self.state == start

    @rule(action_key=st.sampled_from(ACTION_KEYS), role=st.sampled_from(ROLES))
    def take_any_action(self, action_key, role):
        self.take(action_key, role)

    @precondition(lambda self: self.moves())
    @rule(data=st.data())
    def take_an_allowed_action(self, data):
        self.take(*data.draw(st.sampled_from(self.moves())))

    @precondition(lambda self: self.moves(leaving=True))
    @rule(data=st.data())
    def move_the_case_on(self, data):
        self.take(*data.draw(st.sampled_from(self.moves(leaving=True))))

    @rule()
    def add_a_note(self):
        self.events.append(Event("note_added", self.state, self.state))

    def moves(self, leaving: bool = False) -> list[tuple[str, str]]:
        """What each role may do now (only what changes the state, if `leaving`)."""
        return [(action.key, role) for role in ROLES
                for action in allowed_actions(self.workflow, self.state, role)
                if not leaving or action.to not in (SAME, self.state)]

    def take(self, action_key: str, role: str) -> None:
        before = self.state
        refusal = expected_refusal(self.workflow, before, action_key, role)
        try:
            target = next_state(self.workflow, before, action_key, role)
        except TransitionNotAllowed as error:
            assert error.status_code == refusal
            assert error.extra["current_state"] == {"key": before,
                                                    "title": self.workflow.state(before).title}
            assert error.extra["allowed_actions"] == [
                a.key for a in allowed_actions(self.workflow, before, role)]
            assert self.state == before
            return
        assert refusal is None
        action = self.workflow.action(action_key)
        assert target == (before if action.to == SAME else action.to)
        self.state = target
        self.events.append(Event(action.event, before, target))

    @invariant()
    def the_state_is_a_reachable_state_of_the_workflow(self):
        assert self.state in {state.key for state in self.workflow.states}
        assert self.state in self.paths

    @invariant()
    def nothing_leaves_a_final_state(self):
        if self.workflow.state(self.state).final:
            assert all(self.workflow.action(key).to == SAME for key, _ in self.moves())

    @invariant()
    def the_events_replay_to_the_state(self):
        assert replay_events(self.workflow, self.events) == self.state


def machine_for(workflow: Workflow) -> type[CaseOnAWorkflow]:
    return type(f"CaseOnThe{workflow.key.title()}Workflow", (CaseOnAWorkflow,),
                {"workflow": workflow, "paths": shortest_paths(workflow)})


@pytest.mark.parametrize("workflow", WORKFLOWS.values(), ids=lambda workflow: workflow.key)
def test_random_actions_by_random_roles_stay_within_the_workflow_and_replay_to_the_state(workflow):
    run_state_machine_as_test(machine_for(workflow), settings=SETTINGS)


@pytest.mark.parametrize("workflow", WORKFLOWS.values(), ids=lambda workflow: workflow.key)
def test_every_state_of_the_workflow_is_reached_by_some_sequence_of_actions(workflow):
    """Every state but a historic one, which nothing enters (an earlier version's, kept for what is in it)."""
    assert set(shortest_paths(workflow)) == {state.key for state in workflow.states if not state.historic}
