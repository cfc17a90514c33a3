"""Generate docs/workflows/<route>.md from the workflow files, so the diagrams never drift."""

from __future__ import annotations

from pathlib import Path

from ifr_service.config import Config
from ifr_service.users.models import Role
from ifr_service.workflows.engine import Workflow, load_workflows, mermaid_diagram


def workflow_markdown(workflow: Workflow) -> str:
    rows = "\n".join(
        f"| `{a.key}` | {a.title} | {', '.join(a.from_states)} | {a.to} "
        f"| {', '.join(a.roles)} | `{a.event}` |"
        for a in workflow.actions
    )
    states = "\n".join(f"| `{s.key}` | {s.title} | {s.description} |" for s in workflow.states)
    return (
        f"# {workflow.title} workflow\n\n"
        f"Generated from `workflows/{workflow.key}.yaml` by `ifr-service docs workflows`; "
        "do not edit by hand.\n\n"
        f"```mermaid\n{mermaid_diagram(workflow)}```\n\n"
        f"## States\n\n| state | title | meaning |\n| --- | --- | --- |\n{states}\n\n"
        "## Actions\n\n| action | title | from | to | who | event recorded |\n"
        f"| --- | --- | --- | --- | --- | --- |\n{rows}\n"
    )


def write_workflow_docs(config: Config) -> list[Path]:
    out = config.project_root / "docs" / "workflows"
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for workflow in load_workflows(config.workflows_dir, {role.value for role in Role}).values():
        path = out / f"{workflow.key}.md"
        path.write_text(workflow_markdown(workflow), encoding="utf-8")
        written.append(path)
    return written
