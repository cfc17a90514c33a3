"""`ifr-service invoices import FILE`: check a trust's invoice schedule from the command line, as the
upload page does, for a region's CDF team (--region) or a hub (--hub); the challenges are written as
CSV for the trust. A file with a bad line is refused whole, naming each line and column, and nothing
is kept (docs/invoice-format.md, docs/operations.md)."""

from __future__ import annotations

from pathlib import Path

import click

from ifr_service import db
from ifr_service.commands import load_app


@click.group(help="Trusts' invoice schedules, checked against the funding authorisations.")
def invoices() -> None:
    pass


@invoices.command(name="import", help="Check a trust's invoice schedule (CSV, docs/invoice-format.md) "
                                      "against a region's CDF approvals or a hub's approvals.")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--region", "region_code", help="Check for this region's CDF team, e.g. london.")
@click.option("--hub", "hub_code", help="Check for this hub's commissioning finance, e.g. london.")
@click.option("--challenges", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the challenged lines [default: CSV_FILE with .challenges.csv].")
def import_schedule(csv_file: Path, region_code: str | None, hub_code: str | None,
                    challenges: Path | None) -> None:
    from ifr_service.errors import IfrError, ValidationFailed
    from ifr_service.invoices.schedule import MAX_BYTES
    from ifr_service.invoices.service import challenges_table, check_schedule, scope_named, summary
    from ifr_service.tables import as_csv

    if (region_code is None) == (hub_code is None):
        raise click.UsageError("give --region (a CDF team's) or --hub, one of them")
    if csv_file.stat().st_size > MAX_BYTES:
        raise click.ClickException(f"{csv_file}: nothing checked: the file is larger than a schedule may be "
                                   f"({MAX_BYTES:,} bytes). Split it into smaller schedules.")
    app = load_app()
    challenges = challenges or csv_file.with_suffix(".challenges.csv")
    try:
        with app.app_context(), db.unit_of_work(app.extensions["ifr"].engine):
            scope = scope_named(region_code, hub_code)
            schedule = check_schedule(scope, csv_file.name, csv_file.read_bytes(), None)
            table = challenges_table(schedule)
            line = f"schedule {schedule.id} from {schedule.provider_code}: {summary(schedule)}"
    except ValidationFailed as error:
        problems = "\n".join(f"  {message}" for messages in error.fields.values() for message in messages)
        raise click.ClickException(f"{csv_file}: nothing checked or kept:\n{problems}") from None
    except IfrError as error:
        raise click.ClickException(f"{csv_file}: nothing checked or kept: {error.message}") from None
    challenges.write_text(as_csv(table), encoding="utf-8")
    click.echo(line + (f"; challenges written to {challenges}" if table.rows else ""))
