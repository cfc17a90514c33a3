"""The workflow engine: pure functions over frozen definitions, no database.

`next_state(workflow, state, action, role)` is the only rule for moving a case;
the service layer calls it inside the transaction that changes the case.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ifr_service.definitions import read_definition
from ifr_service.errors import TransitionNotAllowed

META_SCHEMA = yaml.safe_load((Path(__file__).parent / "meta_schema.yaml").read_text())


class WorkflowDefinitionError(ValueError):
    """A workflow file is not a valid workflow."""


@dataclass(frozen=True)
class State:
    key: str
    title: str
    description: str = ""
    terminal: bool = False


@dataclass(frozen=True)
class Action:
    key: str
    title: str
    from_states: tuple[str, ...]
    to: str
    roles: tuple[str, ...]
    event: str


@dataclass(frozen=True)
class Workflow:
    key: str
    title: str
    route: str
    initial: str
    states: tuple[State, ...]
    actions: tuple[Action, ...]

    def state(self, key: str) -> State:
        return next(state for state in self.states if state.key == key)

    def action(self, key: str) -> Action | None:
        return next((action for action in self.actions if action.key == key), None)


def next_state(workflow: Workflow, state: str, action_key: str, role: str) -> str:
    """The state a case moves to, or TransitionNotAllowed saying why not."""
    action = workflow.action(action_key)
    if action is None:
        raise TransitionNotAllowed(f"The {workflow.title} workflow has no action {action_key!r}.")
    if state not in action.from_states:
        raise TransitionNotAllowed(
            f"You cannot {action.title.lower()} while the case is {workflow.state(state).title.lower()}."
        )
    if role not in action.roles:
        raise TransitionNotAllowed(f"Your role cannot {action.title.lower()}.", status_code=403)
    return action.to


def allowed_actions(workflow: Workflow, state: str, role: str) -> list[str]:
    return [a.key for a in workflow.actions if state in a.from_states and role in a.roles]


def parse_workflow(raw: dict) -> Workflow:
    return Workflow(
        key=raw["key"], title=raw["title"], route=raw["route"], initial=raw["initial"],
        states=tuple(State(key=s["key"], title=s["title"], description=s.get("description", ""),
                           terminal=s.get("terminal", False)) for s in raw["states"]),
        actions=tuple(Action(key=a["key"], title=a["title"], from_states=tuple(a["from"]),
                             to=a["to"], roles=tuple(a["roles"]), event=a["event"])
                      for a in raw["actions"]),
    )


def check_workflow(workflow: Workflow, known_roles: set[str]) -> list[str]:
    state_keys = [state.key for state in workflow.states]
    problems = [f"duplicate state {key!r}" for key in sorted(set(state_keys))
                if state_keys.count(key) > 1]
    action_keys = [action.key for action in workflow.actions]
    problems += [f"duplicate action {key!r}" for key in sorted(set(action_keys))
                 if action_keys.count(key) > 1]
    if workflow.initial not in state_keys:
        problems.append(f"initial state {workflow.initial!r} is not a state")
    for action in workflow.actions:
        for target in (*action.from_states, action.to):
            if target not in state_keys:
                problems.append(f"action {action.key!r} refers to unknown state {target!r}")
        problems += [f"action {action.key!r} names unknown role {role!r}"
                     for role in action.roles if role not in known_roles]
    reachable = _reachable(workflow)
    problems += [f"state {key!r} cannot be reached from {workflow.initial!r}"
                 for key in state_keys if key not in reachable]
    return problems


def _reachable(workflow: Workflow) -> set[str]:
    seen, frontier = {workflow.initial}, [workflow.initial]
    while frontier:
        state = frontier.pop()
        for action in workflow.actions:
            if state in action.from_states and action.to not in seen:
                seen.add(action.to)
                frontier.append(action.to)
    return seen


def load_workflow_file(path: Path, known_roles: set[str]) -> Workflow:
    workflow = parse_workflow(read_definition(path, META_SCHEMA, WorkflowDefinitionError))
    problems = check_workflow(workflow, known_roles)
    if problems:
        raise WorkflowDefinitionError(f"{path}: " + "; ".join(problems))
    return workflow


def load_workflows(workflows_dir: Path, known_roles: set[str]) -> dict[str, Workflow]:
    by_route: dict[str, Workflow] = {}
    for path in sorted(workflows_dir.glob("*.yaml")):
        workflow = load_workflow_file(path, known_roles)
        if workflow.route in by_route:
            raise WorkflowDefinitionError(f"{path}: a second workflow for route {workflow.route!r}")
        by_route[workflow.route] = workflow
    return by_route


def mermaid_diagram(workflow: Workflow) -> str:
    """A Mermaid state diagram of the workflow, for docs/workflows/."""
    lines = ["stateDiagram-v2", f"    [*] --> {workflow.initial}"]
    lines += [f"    {state.key}: {state.title}" for state in workflow.states]
    for action in workflow.actions:
        for source in action.from_states:
            lines.append(f"    {source} --> {action.to}: {action.title} ({', '.join(action.roles)})")
    lines += [f"    {state.key} --> [*]" for state in workflow.states if state.terminal]
    return "\n".join(lines) + "\n"
