"""The workflow engine: pure functions over frozen definitions, no database.

`next_state(workflow, state, action, role)` is the only rule for moving a case;
the service layer calls it inside the transaction that changes the case.
"""

from __future__ import annotations

from ifr_service.errors import TransitionNotAllowed
from ifr_service.workflows.definition import SAME, Action, Workflow


def next_state(workflow: Workflow, state: str, action_key: str, role: str) -> str:
    """The state a case moves to; 409 naming what is allowed, or 403 for the wrong role."""
    action = workflow.action(action_key)
    allowed = [a.key for a in workflow.actions if state in a.from_states and role in a.roles]
    if action is None:
        raise TransitionNotAllowed(f"The {workflow.title} workflow has no action {action_key!r}.",
                                   status_code=404, allowed_actions=allowed)
    if state not in action.from_states:
        raise TransitionNotAllowed(
            f"You cannot {action.title[0].lower()}{action.title[1:]} while it is "
            f"{workflow.state(state).title.lower()}.", allowed_actions=allowed)
    if role not in action.roles:
        raise TransitionNotAllowed(f"Your role cannot {action.title.lower()}.", status_code=403,
                                   allowed_actions=allowed)
    return state if action.to == SAME else action.to


def allowed_actions(workflow: Workflow, state: str, role: str) -> list[Action]:
    return [a for a in workflow.actions if state in a.from_states and role in a.roles]
