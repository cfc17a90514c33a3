"""The policy library's commands: `ifr-service policies import FILE` (policy/importer.py)."""

from __future__ import annotations

from pathlib import Path

import click

from ifr_service import db
from ifr_service.commands import load_app


@click.group(help="The policy library: national commissioning policies and NICE technology appraisals.")
def policies() -> None:
    pass


@policies.command(name="import", help="Add or update the library's policies from a YAML file "
                                      "(docs/reference-data.md#the-policy-library). The whole file is "
                                      "checked first: one bad entry and nothing is loaded.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_policies(file: Path) -> None:
    from ifr_service.policy.importer import MAX_BYTES, ImportRefused
    from ifr_service.policy.importer import import_policies as run_import
    from ifr_service.runtime import runtime

    with file.open("rb") as source:
        raw = source.read(MAX_BYTES + 1)  # one byte over the limit is enough to refuse it
    app = load_app()
    try:
        with app.app_context(), db.unit_of_work(runtime().engine):
            report = run_import(raw)
    except ImportRefused as error:
        lines = "\n".join(f"  {problem}" for problem in error.problems)
        raise click.ClickException(
            f"{file}: nothing loaded; {len(error.problems)} problem(s):\n{lines}") from None
    click.echo(f"{file}: {len(report.added)} added, {len(report.updated)} updated, "
               f"{report.unchanged} unchanged")
