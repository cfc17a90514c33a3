"""`ifr-service sact import FILE`: a trust's monthly SACT-shaped extract (docs/sact-format.md) matched
to the funding authorisations and recorded, in one unit of work: all of it or, on any unreadable row,
none of it."""

from __future__ import annotations

from pathlib import Path

import click

from ifr_service import db
from ifr_service.commands import load_app


@click.group(help="Treatment from the Systemic Anti-Cancer Therapy (SACT) dataset.")
def sact() -> None:
    pass


@sact.command(name="import", help="Import a monthly SACT-shaped extract (CSV, docs/sact-format.md): "
                                  "starts, cycles and stops recorded on the approvals it matches, the "
                                  "rest listed for the CDF team. Importing a file again changes nothing.")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_extract(csv_file: Path) -> None:
    from ifr_service.sact.parser import MAX_FILE_BYTES, SactFileRefused
    from ifr_service.sact.service import import_extract as run_import

    if csv_file.stat().st_size > MAX_FILE_BYTES:  # refused before it is read into memory
        raise click.ClickException(f"{csv_file}: nothing imported: the file is larger than "
                                   f"{MAX_FILE_BYTES:,} bytes (5 MB). Split it by month or by trust.")
    app = load_app()
    try:
        with app.app_context(), db.unit_of_work(app.extensions["ifr"].engine):
            record = run_import(csv_file.name, csv_file.read_bytes())
            summary = summarise(record)
    except SactFileRefused as refused:
        raise click.ClickException(f"{csv_file}: nothing imported, {len(refused.problems)} problem"
                                   f"{'s' if len(refused.problems) != 1 else ''}:\n  "
                                   + "\n  ".join(refused.problems)) from None
    click.echo(summary)


def summarise(record) -> str:
    return (f"import {record.id}: {record.rows} rows, {record.matched} matched to approvals; "
            f"{record.cycles_recorded} cycles recorded ({record.starts} starts), "
            f"{record.cycles_already_held} already held, {record.stops} stops; "
            f"{record.unmatched} treated without an approval, {record.refused} refused by the rules, "
            f"{record.not_funded} not CDF drugs")
