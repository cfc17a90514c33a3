"""Random actions by random people on IFR cases, through the API, on each backend: no answer is a
server error, the case is always in a state of the workflow, a refusal changes nothing, and the
case's stored events replay to its stored state.

Each example submits a case of its own (the `client` fixture clears cases only after the test),
takes it to a starting state along the road, then lets people take actions at random: any action
with its valid payload, by anyone, and the actions the workflow allows each person now.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from typing import NamedTuple

from flask.testing import FlaskClient
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

from ifr_service.cases.queries import find_events, get_case
from ifr_service.errors import TransitionNotAllowed
from ifr_service.workflows.definition import SAME, Workflow
from ifr_service.workflows.engine import allowed_actions, next_state
from ifr_service.workflows.replay import replay_events
from tests.builders import (
    CHAIR,
    CLINICIAN,
    OFFICER,
    PAYLOADS,
    REVIEW_CHAIR,
    SCREENING_CHAIR,
    RecordedEvent,
    Road,
)

A_WORKING_DAY = date(2026, 12, 21)
# Who may come to the case, with their role: its clinician, one of another trust, the hub's IFR
# team, its panel's chair and a chair who sat on none of it, its screening group's chair, a panel
# member, an officer of another hub, and people who may not act on cases at all.
PEOPLE = {CLINICIAN: "clinician", "demo-clinician-2": "clinician", OFFICER: "case_officer",
          "demo-hub-lead": "case_officer", CHAIR: "panel_chair", REVIEW_CHAIR: "panel_chair",
          SCREENING_CHAIR: "panel_chair",
          "demo-panel-member": "panel_member", "officer-north-west": "case_officer",
          "demo-cdf-admin": "cdf_admin", "demo-cet": "cet_analyst", "demo-admin": "admin"}
SUBMITTED = []
SCREENING = [(OFFICER, "confirm_complete")]
READY_FOR_PANEL = [*SCREENING, (OFFICER, "hold a screening meeting"), (OFFICER, "screen_to_panel"),
                   (OFFICER, "hold a meeting")]
STARTS = {"submitted": SUBMITTED, "screening": SCREENING, "ready_for_panel": READY_FOR_PANEL,
          "declined": [*READY_FOR_PANEL, (CHAIR, "decline")]}
ACTIONS = [*PAYLOADS, "edit", "attach", "submit", "close_unanswered", "teleport"]
SETTINGS = settings(max_examples=30, stateful_step_count=20, deadline=None, derandomize=True,
                    database=None, suppress_health_check=list(HealthCheck))


class Stored(NamedTuple):
    state: str
    events: list[RecordedEvent]


class IfrCaseThroughTheApi(RuleBasedStateMachine):
    """One IFR case, submitted afresh for each example; the test gives it the fixtures."""

    client: FlaskClient
    auth: Callable[[str], dict]
    application: dict
    in_db: Callable
    workflow: Workflow

    @initialize(start=st.sampled_from(sorted(STARTS)), urgency=st.sampled_from(["routine", "emergency"]))
    def submit_a_case_and_take_it_to(self, start, urgency):
        self.road = Road(self.client, self.auth, copy.deepcopy(self.application), urgency)
        for who, action in STARTS[start]:
            if action == "hold a meeting":
                self.road.hold_meeting()
            elif action == "hold a screening meeting":
                self.road.hold_meeting(kind="screening_group")
            else:
                self.road.act(who, action, PAYLOADS[action])
        self.state = self.stored().state

    @rule(who=st.sampled_from(sorted(PEOPLE)), action=st.sampled_from(ACTIONS))
    def anyone_takes_any_action(self, who, action):
        self.attempt(who, action)

    @precondition(lambda self: self.moves())
    @rule(data=st.data())
    def someone_takes_an_action_the_workflow_allows_them(self, data):
        self.attempt(*data.draw(st.sampled_from(self.moves())))

    @precondition(lambda self: self.moves(leaving=True))
    @rule(data=st.data())
    def someone_moves_the_case_on(self, data):
        self.attempt(*data.draw(st.sampled_from(self.moves(leaving=True))))

    @rule()
    def the_panel_meets(self):
        self.road.hold_meeting()

    @rule()
    def the_screening_group_meets(self):
        self.road.hold_meeting(kind="screening_group")

    @rule()
    def the_review_panel_meets(self):
        self.road.hold_review_meeting()

    def moves(self, leaving: bool = False) -> list[tuple[str, str]]:
        """Who may take which action now, by the workflow (only what changes the state, if
        `leaving`); guards may still refuse."""
        return [(who, action.key) for who, role in sorted(PEOPLE.items())
                for action in allowed_actions(self.workflow, self.state, role)
                if not leaving or action.to not in (SAME, self.state)]

    def stored(self) -> Stored:
        def read():
            case = get_case(self.road.reference)
            return Stored(case.state, [RecordedEvent(e.name, e.from_state, e.to_state)
                                       for e in find_events(case)])
        return self.in_db(read)

    def attempt(self, who: str, action: str) -> None:
        before = self.stored()
        response = self.client.post(f"/api/v1/cases/{self.road.reference}/actions/{action}",
                                    json=PAYLOADS.get(action, {}), headers=self.auth(who))
        after = self.stored()
        self.state = after.state
        assert 200 <= response.status_code < 500, (who, action, response.status_code, response.json)
        if response.status_code >= 300:
            assert after == before, (who, action, response.json)
            if "current_state" in response.json:
                assert response.json["current_state"]["key"] == before.state
            return
        assert response.json["state"] == after.state == self.allowed_target(before.state, action, who)
        assert after.events[:-1] == before.events  # one event, added after the others
        assert after.events[-1].to_state == after.state

    def allowed_target(self, state: str, action: str, who: str) -> str:
        try:
            return next_state(self.workflow, state, action, PEOPLE[who])
        except TransitionNotAllowed as refusal:
            raise AssertionError(f"{who} took {action} in {state}: {refusal.message}") from refusal

    @invariant()
    def the_case_is_in_a_state_of_the_workflow(self):
        case = self.client.get(f"/api/v1/cases/{self.road.reference}", headers=self.auth(OFFICER))
        assert case.status_code == 200
        assert case.json["state"] in {state.key for state in self.workflow.states}

    @invariant()
    def the_cases_events_replay_to_its_state(self):
        state, events = self.stored()
        assert replay_events(self.workflow, events) == state


def test_random_actions_by_random_people_never_break_the_workflow(app, client, auth, application, in_db,
                                                                  calendar):
    calendar.set(A_WORKING_DAY)
    machine = type("IfrCaseThroughTheApi", (IfrCaseThroughTheApi,), {
        "client": client, "auth": staticmethod(auth), "application": application,
        "in_db": staticmethod(in_db), "workflow": app.extensions["ifr"].workflows["ifr"]})
    run_state_machine_as_test(machine, settings=SETTINGS)
