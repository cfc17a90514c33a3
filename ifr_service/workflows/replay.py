"""Replaying a case's events: the state its history leads to, checked against the workflow.

A case's events (`case_event`, or a policy item's `policy_event`) are its history. Folded
from the workflow's initial state, each must be a step the workflow allows from where the
history has reached so far, and the state they lead to must be the case's stored state.
Pure: it reads the events it is given and no database.

Three kinds of event are recorded:
- the **creation** of the case (`draft_created`, `cdf_application_received`,
  `policy_candidate_filed`): no `from_state`, and the workflow's initial state as `to_state`;
  only ever first;
- a **transition**: the event of an action whose `from` includes the state reached, and whose
  `to` (or `same`) is the event's `to_state` (`decision_recorded` is the event of `approve`,
  `approve_with_conditions` and `decline`: the target tells them apart);
- a **note** that moves nothing (`converted_from_cdf`, `policy_published`,
  `policy_evidence_updated`): a name no action records, in the state reached, or no
  `to_state` at all;
- a step **of an earlier version** of the workflow: one that leaves or enters a historic state
  (the policy road's 2013 states). The file no longer holds the actions that took it, so it is taken
  as recorded; steps between the current states are checked as ever.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from ifr_service.workflows.definition import SAME, Workflow


class RecordedEvent(Protocol):
    name: str
    from_state: str | None
    to_state: str | None


class ReplayFailed(ValueError):
    """A case's events are not a history the workflow allows; the message names the event."""


def replay_events(workflow: Workflow, events: Iterable[RecordedEvent]) -> str:
    """The state the events lead to from the workflow's initial state, each one checked."""
    state = workflow.initial
    action_events = {action.event for action in workflow.actions}
    historic = {known.key for known in workflow.states if known.historic}
    for position, event in enumerate(events, start=1):
        where = _describe(event, position)
        if event.from_state is None:
            _check_creation(workflow, event, position, where)
            continue
        if event.from_state != state:
            raise ReplayFailed(f"{where} starts from {event.from_state!r}, but the events before it "
                               f"leave the case in {state!r}.")
        if event.to_state is None or (event.name not in action_events and event.to_state == state):
            continue  # a note: it moves nothing
        if state in historic or event.to_state in historic:
            state = event.to_state  # the earlier version's step, as it was recorded
            continue
        if not _is_allowed_step(workflow, state, event):
            raise ReplayFailed(f"{where} goes from {state!r} to {event.to_state!r}, which no action "
                               f"of the {workflow.title} workflow recording {event.name!r} does.")
        state = event.to_state
    return state


def _check_creation(workflow: Workflow, event: RecordedEvent, position: int, where: str) -> None:
    if position != 1:
        raise ReplayFailed(f"{where} creates the case again: only the first event may.")
    if event.to_state != workflow.initial:
        raise ReplayFailed(f"{where} creates the case in {event.to_state!r}, but the "
                           f"{workflow.title} workflow starts in {workflow.initial!r}.")


def _is_allowed_step(workflow: Workflow, state: str, event: RecordedEvent) -> bool:
    return any(action.event == event.name and state in action.from_states
               and event.to_state == (state if action.to == SAME else action.to)
               for action in workflow.actions)


def _describe(event: RecordedEvent, position: int) -> str:
    number = getattr(event, "sequence", None) or position
    return f"Event {number} ({event.name!r})"
