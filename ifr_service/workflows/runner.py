"""The one runner every workflow's actions go through: cases of each route, policy items, and
whatever comes next.

Taking an action is always the same four steps: the engine says where the action leads (or refuses),
the payload is checked against the action's fields, the action's guards run (each may refuse, and
what each finds is recorded with the event), then the subject's own code moves it and writes its
event, and the action's effects follow. The first three change nothing, so a page can show what will
be recorded before it is (`decide`), and the subject's code does the fourth (`follow`). The code
behind each name comes from the workflow's registry (workflows/registry.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError

from ifr_service.errors import ValidationFailed, flatten_marshmallow_errors
from ifr_service.forms.schema import schema_for_fields
from ifr_service.workflows.definition import Action, Workflow
from ifr_service.workflows.engine import allowed_actions, next_state
from ifr_service.workflows.registry import registry


@dataclass(frozen=True)
class Decision:
    """An action checked and allowed: where it leads, and the payload to record with its event."""

    action: Action
    from_state: str
    to_state: str
    payload: dict


def decide(workflow: Workflow, subject: Any, state: str, action_key: str, actor: Any,
           payload: Any) -> Decision:
    """Everything an action checks, changing nothing: the state it leads to (computed once), the
    checked payload, and what the guards found (which meeting decides, say)."""
    target = next_state(workflow, state, action_key, actor.role)
    action = workflow.action(action_key)
    cleaned = validate_payload(workflow, action, payload)
    guards = registry(workflow.key).guards
    for name in action.guards:
        cleaned.update(guards[name](subject, actor, cleaned) or {})
    return Decision(action, state, target, cleaned)


def follow(workflow: Workflow, decision: Decision, subject: Any, event: Any) -> None:
    """The action's effects, after its event is written, in the same transaction."""
    effects = registry(workflow.key).effects
    for name in decision.action.effects:
        effects[name](subject, event)


def check_before_the_form(workflow: Workflow, subject: Any, state: str, action_key: str,
                          actor: Any) -> None:
    """Refuse (404, 403 or 409) before an action's form is shown: the state and role, and the
    guards about the case, the person and the day."""
    next_state(workflow, state, action_key, actor.role)
    found = registry(workflow.key)
    for name in workflow.action(action_key).guards:
        if name in found.before_the_form:
            found.guards[name](subject, actor, {})


def offered(workflow: Workflow, subject: Any, state: str, actor: Any) -> list[Action]:
    """The actions this person may take now, less those a guard says are not theirs to be offered
    (a decision to a chair who declared an interest in the case)."""
    found = registry(workflow.key)
    allowed = allowed_actions(workflow, state, actor.role)
    checks = {name: check for name, check in found.offered_only_if.items()
              if any(name in action.guards for action in allowed)}
    refused = {name for name, check in checks.items() if not check(subject, actor)}  # once each
    return [action for action in allowed if not refused.intersection(action.guards)]


def handler_of(workflow: Workflow, action: Action | None):
    """The code that does a handled action's whole work, or None for an ordinary action."""
    if action is None or not action.handler:
        return None
    return registry(workflow.key).handlers[action.handler]


def validate_payload(workflow: Workflow, action: Action, payload: Any) -> dict:
    """The payload as the action's fields describe it: a 422 naming each field and its fault."""
    if payload is None:
        payload = {}
    if not isinstance(payload, dict):
        raise ValidationFailed({"_request": "Send the action's payload as a JSON object."})
    schema = schema_for_fields(f"{workflow.route}-{action.key}-payload", action.payload)()
    try:
        return schema.dump(schema.load(payload))
    except ValidationError as error:
        raise ValidationFailed(flatten_marshmallow_errors(error.messages)) from error
