"""The workflow engine: pure functions over frozen definitions, no database.

`next_state(workflow, state, action, role)` is the only rule for moving a case;
the service layer calls it inside the transaction that changes the case.
"""

from __future__ import annotations

from ifr_service.errors import TransitionNotAllowed
from ifr_service.workflows.definition import SAME, Action, Workflow


def next_state(workflow: Workflow, state: str, action_key: str, role: str) -> str:
    """The state a case moves to; 409 naming what is allowed, or 403 for the wrong role.

    Every refusal names the state the case is in now (its key and title): a person whose
    click lost a race with someone else's learns where the case has moved to."""
    action = workflow.action(action_key)
    refusal = {"allowed_actions": [a.key for a in allowed_actions(workflow, state, role)],
               "current_state": _describe_state(workflow, state)}
    if action is None:
        raise TransitionNotAllowed(f"The {workflow.title} workflow has no action {action_key!r}.",
                                   status_code=404, **refusal)
    if state not in action.from_states:
        raise TransitionNotAllowed(
            f"You cannot {action.title[0].lower()}{action.title[1:]} while it is "
            f"{refusal['current_state']['title'].lower()}.", **refusal)
    if role not in action.roles:
        raise TransitionNotAllowed(f"Your role cannot {action.title.lower()}.", status_code=403,
                                   **refusal)
    return state if action.to == SAME else action.to


def _describe_state(workflow: Workflow, state: str) -> dict:
    known = next((s for s in workflow.states if s.key == state), None)
    return {"key": state, "title": known.title if known else state}


def allowed_actions(workflow: Workflow, state: str, role: str) -> list[Action]:
    return [a for a in workflow.actions if state in a.from_states and role in a.roles]
