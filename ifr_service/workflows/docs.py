"""Generate docs/workflows/<route>.md from the workflow files, so the diagrams never drift."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ifr_service.config import Config
from ifr_service.workflows.definition import SAME, KnownNames, Workflow, load_workflows
from ifr_service.workflows.diagram import mermaid_diagram


def workflow_markdown(workflow: Workflow) -> str:
    states = "\n".join(f"| `{s.key}` | {s.title}{' (final)' if s.final else ''}"
                       f"{' (historic)' if s.historic else ''} | {s.description}"
                       f"{_due(s.target_working_days)} | {s.outcome or '(unchanged)'} | "
                       f"{_letter(s.letter)} | {_panel(s.panel)} |" for s in workflow.states)
    actions = "\n".join(
        f"| `{a.key}` | {a.title} | {', '.join(a.from_states)} | "
        f"{'(stays)' if a.to == SAME else a.to} | {', '.join(a.roles)} | "
        f"{', '.join(f.key + ('*' if f.required else '') for f in a.payload) or '-'} | "
        f"{', '.join(a.guards) or '-'} | {', '.join(a.effects) or '-'} | {_letter(a.letter)} | `{a.event}` |"
        for a in workflow.actions
    )
    clocks = "\n".join(
        f"| `{c.key}` | {c.title} | {c.owner} | {c.target_text} | {_applies(c.urgencies)} | " + (
            f"signal `{c.starts_on}` | every state | signal `{c.stops_on}` |" if c.is_service_clock else
            f"{', '.join(c.starts_in)} | {', '.join(c.runs_in)} | "
            f"{', '.join(c.stops_in) or '-'} (and any final state) |")
        for c in workflow.clocks
    )
    clock_section = (
        "## Clocks\n\n"
        "A hub's clock is a target it is measured on; a clinician's clock is the clinician's time. "
        "Working days are England's (weekends and bank holidays excluded); days are calendar days; "
        "hours run round the clock. A clock for some urgencies only never starts on other cases.\n\n"
        "| clock | title | whose | target | applies to | starts in | runs in | stops in |\n"
        f"| --- | --- | --- | --- | --- | --- | --- | --- |\n{clocks}\n"
    ) if workflow.clocks else ""
    urgencies = "\n".join(f"| `{u.key}` | {u.title} | {'yes' if u.urgent else 'no'} | {u.description} |"
                           for u in workflow.urgencies)
    urgency_section = (
        "## Urgencies\n\n| urgency | title | urgent consideration | meaning |\n| --- | --- | --- | --- |\n"
        f"{urgencies}\n"
    ) if workflow.urgencies else ""
    return (
        f"# {workflow.title} workflow\n\n"
        f"Generated from `workflows/{workflow.key}.yaml` by `ifr-service docs workflows`; "
        "do not edit by hand.\n\n"
        f"```mermaid\n{mermaid_diagram(workflow)}```\n\n"
        "## States\n\nWhat each state means: the outcome a case entering it has in the national IFR "
        "database (unchanged: the outcome it had), the letter it is sent, and the kind of panel whose "
        "agenda it feeds (its cases wait for that panel's next meeting)."
        + (" A historic state is one of an earlier version of the workflow: what is already in it "
           "still shows and moves on by its actions, but no action leads into it (drawn dashed)."
           if any(s.historic for s in workflow.states) else "")
        + "\n\n| state | title | meaning | national outcome | letter | panel |\n"
        f"| --- | --- | --- | --- | --- | --- |\n{states}\n\n"
        "## Actions\n\nPayload fields marked * are required.\n\n"
        "An action's own letter is sent instead of the letter of the state it enters.\n\n"
        "| action | title | from | to | who | payload | guards | effects | letter | event recorded |\n"
        f"| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n{actions}\n"
        + ("\n" + urgency_section if urgency_section else "")
        + ("\n" + clock_section if clock_section else "")
    )


def _applies(urgencies: tuple[str, ...]) -> str:
    return ", ".join(urgencies) if urgencies else "every case"


def _panel(kind: str | None) -> str:
    return f"`{kind}`" if kind else "-"


def _letter(name: str | None) -> str:
    return f"`{name}`" if name else "-"


def _due(days: int | None) -> str:
    return f" Due within {days} working days." if days else ""


def write_workflow_docs(config: Config, known: Callable[[str], KnownNames]) -> list[Path]:
    out = config.project_root / "docs" / "workflows"
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for workflow in load_workflows(config.workflows_dir, known).values():
        path = out / f"{workflow.key}.md"
        path.write_text(workflow_markdown(workflow), encoding="utf-8")
        written.append(path)
    return written
