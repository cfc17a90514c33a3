"""The code behind the names a workflow file uses: one registry per workflow.

A workflow file names guards (rules an action must pass), effects (what follows it) and handlers
(actions whose work is more than recording their payload). Each feature registers the code behind
its names into the registry of the workflow that uses them, from its own package:

    from ifr_service.workflows.registry import guard

    @guard("cdf_start_in_time", workflows=("cdf",))
    def check_start_in_time(case, actor, payload): ...

So the case engine imports no feature, and at start-up every name a workflow file uses must be in
*that* workflow's registry (a policy guard named in ifr.yaml is refused, naming the file and the
name), never a 500 when the first case reaches it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# What a guard is given: the subject (a case, a policy item), the person acting, and the action's
# checked payload; it refuses by raising, and what it returns is recorded with the event.
Guard = Callable[[Any, Any, dict], "dict | None"]
# An effect is given the subject and the event the action wrote.
Effect = Callable[[Any, Any], None]
# A handler does the whole action itself: subject, actor, payload, idempotency key.
Handler = Callable[[Any, Any, Any, "str | None"], Any]
# Whether an action is offered to a person at all (a chair who declared an interest is not offered
# the decision): cheaper than its guard, and asked when the allowed actions are listed.
Offer = Callable[[Any, Any], bool]
# Told of every transition of the workflow, in its transaction: the subject as it now is and the
# event just recorded (the national database keeps each case's record in step this way).
Listener = Callable[[Any, Any], None]


@dataclass
class Registry:
    """What one workflow's names stand for."""

    workflow: str
    guards: dict[str, Guard] = field(default_factory=dict)
    effects: dict[str, Effect] = field(default_factory=dict)
    handlers: dict[str, Handler] = field(default_factory=dict)
    # Guards about the case, the person and the day rather than about what they send: checked before
    # the action's form is shown too, so nobody fills in a form they may not send.
    before_the_form: set[str] = field(default_factory=set)
    offered_only_if: dict[str, Offer] = field(default_factory=dict)  # by guard name
    listeners: list[Listener] = field(default_factory=list)


_REGISTRIES: dict[str, Registry] = {}


def registry(workflow: str) -> Registry:
    """The registry of the workflow with this key (workflows/<key>.yaml's `key`)."""
    return _REGISTRIES.setdefault(workflow, Registry(workflow))


def guard(name: str, *, workflows: tuple[str, ...], before_the_form: bool = False,
          offered_only_if: Offer | None = None):
    """Register a guard under `name` in each of these workflows' registries."""
    def register(function: Guard) -> Guard:
        _registering("guards", "guard", name, workflows)(function)
        for key in workflows:
            if before_the_form:
                registry(key).before_the_form.add(name)
            if offered_only_if is not None:
                registry(key).offered_only_if[name] = offered_only_if
        return function
    return register


def effect(name: str, *, workflows: tuple[str, ...]):
    return _registering("effects", "effect", name, workflows)


def handler(name: str, *, workflows: tuple[str, ...]):
    return _registering("handlers", "handler", name, workflows)


def _registering(table: str, kind: str, name: str, workflows: tuple[str, ...]):
    def register(function):
        for key in workflows:
            found = registry(key)
            _add(found, getattr(found, table), name, function, kind)
        return function
    return register


def on_transition(*, workflows: tuple[str, ...]):
    """Register a function told of every transition of these workflows (not named in their files:
    it follows every action)."""
    def register(function: Listener) -> Listener:
        for key in workflows:
            listeners = registry(key).listeners
            if not any((known.__module__, known.__qualname__) == (function.__module__, function.__qualname__)
                       for known in listeners):
                listeners.append(function)
        return function
    return register


def _add(found: Registry, names: dict, name: str, function, kind: str) -> None:
    # The same function again (a module imported twice) is harmless; two different functions under
    # one name would make the workflow file's meaning depend on the order of imports.
    known = names.get(name)
    if known is not None and (known.__module__, known.__qualname__) != (function.__module__,
                                                                      function.__qualname__):
        raise ValueError(f"the {found.workflow} workflow already has a {kind} {name!r} "
                         f"({known.__module__}.{known.__qualname__})")
    names[name] = function
