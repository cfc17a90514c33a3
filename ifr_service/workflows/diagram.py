"""Mermaid diagrams of workflows, for docs/workflows/."""

from __future__ import annotations

from ifr_service.workflows.definition import SAME, Workflow


def mermaid_diagram(workflow: Workflow) -> str:
    """States and the actions between them; actions that keep the state are in the tables."""
    lines = ["stateDiagram-v2", f"    [*] --> {workflow.initial}"]
    lines += [f"    {state.key}: {state.title}" for state in workflow.states]
    for action in workflow.actions:
        for source in action.from_states:
            if action.to != SAME:
                lines.append(f"    {source} --> {action.to}: {action.title}")
    lines += [f"    {state.key} --> [*]" for state in workflow.states if state.final]
    historic = [state.key for state in workflow.states if state.historic]
    if historic:  # drawn dashed: only what was already in them leaves them
        lines += ["    classDef historic stroke-dasharray: 5 5", f"    class {','.join(historic)} historic"]
    return "\n".join(lines) + "\n"
