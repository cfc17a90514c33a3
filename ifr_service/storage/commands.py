"""`ifr-service verify-storage`: check every stored file against its recorded SHA-256 and size."""

from __future__ import annotations

import json
import sys

import click

from ifr_service.commands import load_app


@click.command(name="verify-storage", help="Check every stored file (attachments, letters) against the "
               "SHA-256 and size recorded with it; exit 1 naming each file missing or altered.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def verify_storage_command(as_json: bool) -> None:
    from ifr_service.storage.verify import verify_storage

    app = load_app()
    with app.app_context():
        report = verify_storage(app.extensions["ifr"].engine)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        for problem in report.problems:
            click.echo(problem.describe())
        counts = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in report.counts.items())
        click.echo(f"{report.files_checked} files checked ({report.bytes_checked} bytes): "
                   f"{len(report.problems)} problems")
        click.echo(f"records: {counts}")
        click.echo(f"files digest: {report.files_digest}")
    if not report.ok:
        sys.exit(1)
