"""Replaying a case's events gives its state, and names the first event the workflow does not allow."""

from __future__ import annotations

import pytest

from ifr_service.config import PROJECT_ROOT
from ifr_service.features import known_names
from ifr_service.workflows.definition import load_workflows
from ifr_service.workflows.replay import ReplayFailed, replay_events
from tests.builders import RecordedEvent as Event

WORKFLOWS = load_workflows(PROJECT_ROOT / "workflows", known_names)
IFR, CDF, POLICY = WORKFLOWS["ifr"], WORKFLOWS["cdf"], WORKFLOWS["policy"]
SUBMITTED = [Event("draft_created", None, "draft"), Event("draft_updated", "draft", "draft"),
             Event("case_submitted", "draft", "submitted")]
AT_PANEL = [*SUBMITTED, Event("completeness_confirmed", "submitted", "screening"),
            Event("screening_completed", "screening", "ready_for_panel")]


def test_the_events_of_a_case_replay_to_its_state():
    assert replay_events(IFR, AT_PANEL) == "ready_for_panel"


def test_no_events_leave_a_case_in_the_initial_state():
    assert replay_events(IFR, []) == "draft"
    assert replay_events(CDF, [Event("cdf_application_received", None, "received")]) == "received"


def test_one_event_name_for_several_actions_is_told_apart_by_its_target():
    for target in ("approved", "approved_with_conditions", "declined"):
        decision = Event("decision_recorded", "ready_for_panel", target)
        assert replay_events(IFR, [*AT_PANEL, decision]) == target


def test_a_note_that_moves_nothing_leaves_the_state_where_it_was():
    notes = [Event("converted_from_cdf", "draft", "draft"), Event("policy_published", "draft", "draft"),
             Event("note_without_a_state", "draft", None)]
    assert replay_events(IFR, [SUBMITTED[0], *notes, *SUBMITTED[1:]]) == "submitted"


def test_the_same_step_taken_twice_is_named_as_the_event_the_workflow_does_not_allow():
    raced = [*AT_PANEL, Event("screening_completed", "screening", "ready_for_panel")]
    with pytest.raises(ReplayFailed, match=r"Event 6 \('screening_completed'\) starts from 'screening', "
                                           r"but the events before it leave the case in 'ready_for_panel'"):
        replay_events(IFR, raced)


@pytest.mark.parametrize(("event", "problem"), [
    (Event("decision_recorded", "submitted", "approved"), "no action .* recording 'decision_recorded'"),
    (Event("case_submitted", "submitted", "submitted"), "no action .* recording 'case_submitted'"),
    (Event("attachment_removed", "submitted", "submitted"), "no action .* recording 'attachment_removed'"),
    (Event("moved_by_hand", "submitted", "screening"), "no action .* recording 'moved_by_hand'"),
    (Event("draft_created", None, "draft"), "creates the case again"),
])
def test_a_step_the_workflow_does_not_allow_is_named(event, problem):
    with pytest.raises(ReplayFailed, match=f"Event 4 \\({event.name!r}\\) .*{problem}"):
        replay_events(IFR, [*SUBMITTED, event])


def test_a_case_created_in_another_state_than_the_initial_one_is_refused():
    with pytest.raises(ReplayFailed, match="creates the case in 'submitted'"):
        replay_events(IFR, [Event("draft_created", None, "submitted")])


# An item the CET took along the 2013 road to the Programme of Care board.
ON_THE_2013_ROAD = [Event("policy_candidate_filed", None, "candidate"),
                    Event("policy_candidate_accepted", "candidate", "accepted"),
                    Event("policy_assigned_to_crg", "accepted", "assigned_to_crg"),
                    Event("policy_evidence_review_started", "assigned_to_crg", "evidence_review"),
                    Event("policy_drafted", "evidence_review", "draft_policy"),
                    Event("policy_submitted_to_board", "draft_policy", "board_review")]


def test_an_items_steps_into_and_out_of_the_2013_roads_states_replay_as_recorded():
    assert replay_events(POLICY, ON_THE_2013_ROAD) == "board_review"
    onward = Event("policy_proposition_submitted", "board_review", "clinical_panel")
    assert replay_events(POLICY, [*ON_THE_2013_ROAD, onward]) == "clinical_panel"
    published_by_the_cet = Event("policy_published", "board_review", "published")
    assert replay_events(POLICY, [*ON_THE_2013_ROAD, published_by_the_cet]) == "published"


def test_a_step_between_the_current_states_that_no_action_takes_is_still_named():
    skipped = [*ON_THE_2013_ROAD[:2], Event("policy_published", "accepted", "published")]
    named = r"Event 3 \('policy_published'\) goes from 'accepted' to 'published'"
    with pytest.raises(ReplayFailed, match=named):
        replay_events(POLICY, skipped)
