"""Workflow definitions: read from workflows/*.yaml, checked, and frozen.

A workflow names its states, the actions between them (who may take each, what
payload each needs, which guards must pass, which effects follow), the urgencies a
case may have, and the clocks (in working days, calendar days or hours) that run
while a case is in given states. The loader refuses
a file that does not make sense, naming the file and the fault.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from ifr_service.definitions import read_definition
from ifr_service.forms.definition import META_SCHEMA as FORM_META_SCHEMA
from ifr_service.forms.definition import FieldDefinition, check_fields, parse_field

META_SCHEMA = yaml.safe_load((Path(__file__).parent / "meta_schema.yaml").read_text())
# Action payloads are described with the same field definitions as forms.
META_SCHEMA["$defs"] = {**FORM_META_SCHEMA["$defs"], **META_SCHEMA.get("$defs", {})}


SAME = "same"  # an action with `to: same` leaves the case in the state it is in


class WorkflowDefinitionError(ValueError):
    """A workflow file is not a valid workflow."""


@dataclass(frozen=True)
class State:
    key: str
    title: str
    description: str = ""
    final: bool = False
    target_working_days: int | None = None
    # Decided: the request has its answer (approved, declined, upheld), though the case may still move
    # on; a hub's queue shows decided and final cases apart from its open work.
    decided: bool = False
    # What the state means for the national database (cet/national.py): a case entering it has this
    # outcome; a state with none (a request for review, say) leaves the outcome the case had.
    outcome: str | None = None
    letter: str | None = None  # the letter a case entering it is sent (letters/wording.yaml's letters)
    # The kind of panel a case in it waits for (ifr_panel, screening_group...): the agenda of that kind
    # of panel's next meeting offers it. None: it waits for no panel.
    panel: str | None = None
    # A state of an earlier version of the workflow, kept so that what is already in it still shows and
    # moves on: no action leads into it (workflows/policy.yaml keeps the 2013 road's states so).
    historic: bool = False


@dataclass(frozen=True)
class Action:
    key: str
    title: str
    from_states: tuple[str, ...]
    to: str
    roles: tuple[str, ...]
    event: str
    payload: tuple[FieldDefinition, ...] = ()
    guards: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    handler: str | None = None
    letter: str | None = None  # its own letter, instead of the letter of the state it leads to


def letter_of(workflow: Workflow, action: Action, to_state: str) -> str | None:
    """The letter a transition sends: the action's own, or else that of the state it enters (an
    action that leaves the case where it is sends only its own)."""
    if action.letter is not None or action.to == SAME:
        return action.letter
    return workflow.state(to_state).letter


UNITS = ("working_days", "calendar_days", "hours")  # a clock's target is in exactly one of these
UNIT_WORDS = {"working_days": ("working day", "working days"), "calendar_days": ("day", "days"),
              "hours": ("hour", "hours")}


@dataclass(frozen=True)
class Urgency:
    """How urgent a request is, as the clinician says and the workflow's clocks read it."""

    key: str
    title: str
    description: str = ""
    urgent: bool = False  # may go to urgent consideration (chair's action or an extraordinary panel)


@dataclass(frozen=True)
class Clock:
    """A target in working days, calendar days or hours (`unit`, `target`).

    A state clock starts when a case enters one of `starts_in` (by default `runs_in`),
    counts while the case is in `runs_in`, pauses elsewhere, and stops on entering one of
    `stops_in` or a final state. A service clock instead starts and stops on signals the
    code sends (`starts_on`, `stops_on`: a letter asked for, a letter saved) and runs
    whatever the case's state. Started again later, a clock is a new cycle. A clock with
    `urgencies` applies only to cases of those urgencies: the others never start it.
    """

    key: str
    title: str
    target: int
    runs_in: tuple[str, ...]
    unit: str = "working_days"
    starts_in: tuple[str, ...] = ()
    stops_in: tuple[str, ...] = ()
    due_soon: int = 2  # in the clock's unit
    owner: str = "hub"  # "hub": a target the hub is measured on; "clinician": the clinician's time
    starts_on: str | None = None
    stops_on: str | None = None
    urgencies: tuple[str, ...] = ()  # empty: every case

    @property
    def is_service_clock(self) -> bool:
        return self.starts_on is not None

    @property
    def working_days(self) -> int | None:
        """The target, for a clock counted in working days (None for one in other units)."""
        return self.target if self.unit == "working_days" else None

    @property
    def target_text(self) -> str:
        """'30 working days', '24 hours', '7 days'."""
        return amount_text(self.target, self.unit)

    def applies_to(self, urgency: str) -> bool:
        return not self.urgencies or urgency in self.urgencies


def amount_text(amount: float, unit: str) -> str:
    one, many = UNIT_WORDS[unit]
    whole = int(amount)
    return f"{whole} {one if whole == 1 else many}"


@dataclass(frozen=True)
class Workflow:
    key: str
    title: str
    route: str
    initial: str
    states: tuple[State, ...]
    actions: tuple[Action, ...]
    clocks: tuple[Clock, ...] = ()
    urgencies: tuple[Urgency, ...] = ()

    def urgency(self, key: str) -> Urgency | None:
        return next((urgency for urgency in self.urgencies if urgency.key == key), None)

    def state(self, key: str) -> State:
        return next(state for state in self.states if state.key == key)

    def clock(self, key: str) -> Clock:
        return next(clock for clock in self.clocks if clock.key == key)

    def action(self, key: str) -> Action | None:
        return next((action for action in self.actions if action.key == key), None)


@dataclass(frozen=True)
class KnownNames:
    """What a workflow file may refer to: roles, and the guards, effects and handlers in code."""

    roles: frozenset[str]
    guards: frozenset[str] = frozenset()
    effects: frozenset[str] = frozenset()
    handlers: frozenset[str] = frozenset()
    signals: frozenset[str] = frozenset()
    letters: frozenset[str] = frozenset()
    panel_kinds: frozenset[str] = frozenset()


def parse_workflow(raw: dict) -> Workflow:
    return Workflow(
        key=raw["key"], title=raw["title"], route=raw["route"], initial=raw["initial"],
        states=tuple(State(key=s["key"], title=s["title"], description=s.get("description", ""),
                           final=s.get("final", False), target_working_days=s.get("target_working_days"),
                           decided=s.get("decided", False), outcome=s.get("outcome"),
                           letter=s.get("letter"), panel=s.get("panel"),
                           historic=s.get("historic", False))
                     for s in raw["states"]),
        actions=tuple(_parse_action(a) for a in raw["actions"]),
        clocks=tuple(_parse_clock(key, c) for key, c in raw.get("clocks", {}).items()),
        urgencies=tuple(Urgency(key=u["key"], title=u["title"], description=u.get("description", ""),
                                urgent=u.get("urgent", False)) for u in raw.get("urgencies", ())),
    )


def _parse_clock(key: str, raw: dict) -> Clock:
    runs_in = tuple(raw.get("runs_in", ()))
    unit = next(unit for unit in UNITS if unit in raw)  # the meta-schema asks for exactly one
    return Clock(key=key, title=raw["title"], unit=unit, target=raw[unit], runs_in=runs_in,
                 starts_in=tuple(raw.get("starts_in", runs_in)), stops_in=tuple(raw.get("stops_in", ())),
                 due_soon=raw.get("due_soon", 2), owner=raw.get("owner", "hub"),
                 starts_on=raw.get("starts_on"), stops_on=raw.get("stops_on"),
                 urgencies=tuple((raw.get("applies_when") or {}).get("urgency", ())))


def _parse_action(raw: dict) -> Action:
    return Action(
        key=raw["key"], title=raw["title"], from_states=tuple(raw["from"]), to=raw["to"],
        roles=tuple(raw["roles"]), event=raw["event"],
        payload=tuple(parse_field(field) for field in raw.get("payload", ())),
        guards=tuple(raw.get("guards", ())), effects=tuple(raw.get("effects", ())),
        handler=raw.get("handler"), letter=raw.get("letter"),
    )


def check_workflow(workflow: Workflow, known: KnownNames) -> list[str]:
    states = [state.key for state in workflow.states]
    problems = _duplicates("state", states) + _duplicates("action", [a.key for a in workflow.actions])
    problems += _duplicates("urgency", [urgency.key for urgency in workflow.urgencies])
    if workflow.initial not in states:
        problems.append(f"initial state {workflow.initial!r} is not a state")
    for action in workflow.actions:
        problems += _check_action(action, set(states), known)
    for clock in workflow.clocks:
        problems += [f"clock {clock.key!r} names unknown state {key!r}"
                     for key in {*clock.runs_in, *clock.starts_in, *clock.stops_in} if key not in states]
        problems += [f"clock {clock.key!r} starts in {key!r}, where it does not run"
                     for key in clock.starts_in if key not in clock.runs_in]
        problems += _check_clock_kind(clock, known)
        problems += [f"clock {clock.key!r} applies when the urgency is {key!r}, which is not an urgency "
                     "of this workflow" for key in clock.urgencies if workflow.urgency(key) is None]
    problems += [f"state {state.key!r} sends letter {state.letter!r}, which letters/wording.yaml does "
                 "not have" for state in workflow.states
                 if state.letter is not None and state.letter not in known.letters]
    problems += [f"state {state.key!r} waits for panel {state.panel!r}, which is not a kind of panel "
                 f"({', '.join(sorted(known.panel_kinds))})" for state in workflow.states
                 if state.panel is not None and state.panel not in known.panel_kinds]
    reachable = _reachable(workflow)
    historic = {state.key for state in workflow.states if state.historic}
    problems += [f"state {key!r} cannot be reached from {workflow.initial!r}"
                 for key in states if key not in reachable and key not in historic]
    problems += [f"action {action.key!r} leads into historic state {action.to!r}: nothing new enters it"
                 for action in workflow.actions if action.to in historic]
    if workflow.initial in historic:
        problems.append(f"initial state {workflow.initial!r} is historic")
    leaving = {source for action in workflow.actions if action.to != SAME
               for source in action.from_states}
    for state in workflow.states:
        if not state.final and state.key not in leaving:
            problems.append(f"state {state.key!r} is not final but no action leaves it")
        if state.final and state.key in leaving:
            problems.append(f"state {state.key!r} is final but an action leaves it")
    return problems


def _check_clock_kind(clock: Clock, known: KnownNames) -> list[str]:
    where = f"clock {clock.key!r}"
    if clock.is_service_clock != (clock.stops_on is not None):
        return [f"{where} needs both starts_on and stops_on, or neither"]
    if clock.is_service_clock and clock.runs_in:
        return [f"{where} starts on a signal, so it runs in every state: it takes no runs_in"]
    if not clock.is_service_clock and not clock.runs_in:
        return [f"{where} needs runs_in (or starts_on and stops_on)"]
    return [f"{where} names unknown signal {name!r}" for name in (clock.starts_on, clock.stops_on)
            if name is not None and name not in known.signals]


def _check_action(action: Action, states: set[str], known: KnownNames) -> list[str]:
    where = f"action {action.key!r}"
    targets = (*action.from_states, *(() if action.to == SAME else (action.to,)))
    problems = [f"{where} refers to unknown state {target!r}" for target in targets
                if target not in states]
    problems += [f"{where} names unknown role {role!r}" for role in action.roles
                 if role not in known.roles]
    problems += [f"{where} names unknown guard {name!r}" for name in action.guards
                 if name not in known.guards]
    problems += [f"{where} names unknown effect {name!r}" for name in action.effects
                 if name not in known.effects]
    if action.letter is not None and action.letter not in known.letters:
        problems.append(f"{where} sends letter {action.letter!r}, which letters/wording.yaml does not have")
    if action.handler and action.handler not in known.handlers:
        problems.append(f"{where} names unknown handler {action.handler!r}")
    if action.handler and (action.guards or action.effects or action.payload):
        problems.append(f"{where} has a handler, which does its own checks: it takes no guards, "
                        "effects or payload in the workflow file")
    problems += check_fields(action.payload, where)
    return problems


def _reachable(workflow: Workflow) -> set[str]:
    seen, frontier = {workflow.initial}, [workflow.initial]
    while frontier:
        state = frontier.pop()
        for action in workflow.actions:
            if state in action.from_states and action.to not in seen and action.to != SAME:
                seen.add(action.to)
                frontier.append(action.to)
    return seen


def _duplicates(what: str, keys: list[str]) -> list[str]:
    return [f"duplicate {what} {key!r}" for key in sorted({k for k in keys if keys.count(k) > 1})]


def load_workflow_file(path: Path, known: Callable[[str], KnownNames]) -> Workflow:
    """A workflow file, checked against what *its own* registry holds (known(its key)): a guard
    that exists only for another workflow is as unknown as a misspelt one."""
    workflow = parse_workflow(read_definition(path, META_SCHEMA, WorkflowDefinitionError))
    problems = check_workflow(workflow, known(workflow.key))
    if problems:
        raise WorkflowDefinitionError(f"{path}: " + "; ".join(problems))
    return workflow


def load_workflows(workflows_dir: Path, known: Callable[[str], KnownNames]) -> dict[str, Workflow]:
    by_route: dict[str, Workflow] = {}
    for path in sorted(workflows_dir.glob("*.yaml")):
        workflow = load_workflow_file(path, known)
        if workflow.route in by_route:
            raise WorkflowDefinitionError(f"{path}: a second workflow for route {workflow.route!r}")
        by_route[workflow.route] = workflow
    return by_route
