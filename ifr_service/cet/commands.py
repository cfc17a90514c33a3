"""The CET's commands: importing history into the national database, the synthetic history for
testing and benchmarks, and the analyses (cohorts, equity) as JSON for scripts."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click

from ifr_service import db
from ifr_service.commands import load_app


def _app():
    return load_app()


@click.group(name="import", help="Import data from other systems.")
def import_group() -> None:
    pass


@import_group.command(name="cases", help="Import historical cases from a CSV file (docs/import-format.md).")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--rejects", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the rejected rows [default: CSV_FILE with .rejects.csv].")
def import_cases(csv_file: Path, rejects: Path | None) -> None:
    from ifr_service.cet.importer import ImportInterrupted, ImportRefused
    from ifr_service.cet.importer import import_cases as run_import

    rejects = rejects or csv_file.with_suffix(".rejects.csv")
    # surrogateescape: a line that is not UTF-8 is rejected as a row, not the end of the import
    with _app().app_context(), \
            csv_file.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as source, \
            rejects.open("w", encoding="utf-8", newline="") as rejected, \
            click.progressbar(length=csv_file.stat().st_size, label="Importing", file=sys.stderr,
                              show_eta=True) as bar:
        try:
            report = run_import(source, rejected, progress=bar.update)
        except ImportRefused as error:
            raise click.ClickException(f"{csv_file}: {error}") from error
        except ImportInterrupted as error:
            click.echo(_import_summary(error.report, rejects))
            raise click.ClickException(f"{csv_file}: the import {error}. The rows counted as loaded are "
                                       "in the database; run the same command again to carry on "
                                       "(rows already loaded are not loaded twice).") from None
    click.echo(_import_summary(report, rejects))


def _import_summary(report, rejects: Path) -> str:
    return (f"{report.rows} rows: {report.loaded} loaded, {report.already_present} already present, "
            f"{report.rejected} rejected" + (f" (see {rejects})" if report.rejected else ""))


@click.group(help="The Clinical Effectiveness Team's national analyses.")
def cet() -> None:
    pass


@cet.command(help="Record in the national database the submitted cases it does not hold yet (cases "
                  "from before migration 0009), each from its history. Safe to run again.")
def backfill() -> None:
    from ifr_service.cet.national import backfill as record_missing

    with _app().app_context(), db.unit_of_work(_engine()):
        count = record_missing()
    click.echo(f"{count} cases recorded")


@cet.command(help="Write a synthetic national history as import CSV, with planted cohorts and an "
                  "outlier hub (docs/cet.md says what is planted).")
@click.option("--cases", "count", default=100_000, show_default=True, type=click.IntRange(1_000))
@click.option("--seed", default=2026, show_default=True, type=int)
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="The history's last day [default: today].")
@click.option("--years", default=5, show_default=True, type=click.IntRange(1, 11),
              help="How many years the history covers (it starts no earlier than April 2015).")
@click.option("--repeated-share", default=0.0, show_default=True, type=click.FloatRange(0, 1),
              help="The share of background cases asking for a skewed catalogue of interventions "
                   "(a few often, a long tail rarely), as national activity does; 0 keeps every "
                   "background request unique.")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def generate(count: int, seed: int, as_of, years: int, repeated_share: float, out: Path) -> None:
    from ifr_service.cet.synthetic import write_history

    with _app().app_context(), db.unit_of_work(_engine()):
        planted = write_history(out, count, seed, as_of.date() if as_of else date.today(), years,
                                repeated_share)
    click.echo(f"wrote {count} cases to {out}; planted {len(planted.cohorts)} cohorts and outlier hub "
               f"{planted.outlier_hub}")


@cet.command(help="Cohort candidates as of a day, by the configured cohort rule (by default 5 or more "
                  "requests for one intervention in one ICD-10 category within 364 days, from 2 or "
                  "more hubs).")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the candidates as a JSON array.")
def cohorts(as_of, as_json: bool) -> None:
    from ifr_service.cet.cohorts import find_candidates

    with _app().app_context(), db.unit_of_work(_engine()):
        candidates = [candidate.as_dict() for candidate in find_candidates(as_of.date())]
    _print(candidates, as_json, lambda c: f"{c['intervention_key']} / {c['icd10_category']}: "
                                          f"{c['count']} cases from {c['hub_count']} hubs")


@cet.command(name="file-cohorts", help="Find cohort candidates as of a day and file each new one in the "
                                       "policy-development queue (the nightly job does this too).")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="[default: today]")
def file_cohorts(as_of) -> None:
    from ifr_service.policy.jobs import file_cohort_candidates

    with _app().app_context():
        filed = file_cohort_candidates(as_of.date() if as_of else None)
    click.echo(f"{len(filed['new'])} new candidates filed, {len(filed['updated'])} updated")


@cet.command(help="Cases, approval rates and median working days to decision, by any dimensions.")
@click.option("--by", default="year", show_default=True,
              help="Comma-separated: month, quarter, year, region, hub, programme_of_care, crg, "
                   "intervention, icd10_chapter, icd10_category, route, urgency, outcome.")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--filter", "filters", multiple=True, metavar="DIMENSION=VALUE",
              help="Keep only cases with this value (repeatable), e.g. --filter region=london.")
@click.option("--format", "output", type=click.Choice(["json", "csv", "xlsx"]), default="json",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the table to this file (needed for xlsx).")
def trends(by: str, start, end, filters: tuple[str, ...], output: str, out: Path | None) -> None:
    from ifr_service import tables
    from ifr_service.cet import breakdown

    dimensions = [name.strip() for name in by.split(",") if name.strip()]
    if not 1 <= len(dimensions) <= 4:
        raise click.BadParameter("give 1 to 4 dimensions", param_hint="--by")
    if start > end:
        raise click.BadParameter("--from must be no later than --to", param_hint="--from")
    chosen = dict(_filter(text) for text in filters)
    unknown = sorted({*dimensions, *chosen} - set(breakdown.DIMENSIONS))
    if unknown:
        raise click.BadParameter(f"not dimensions: {', '.join(unknown)}", param_hint="--by/--filter")
    if output == "xlsx" and out is None:
        raise click.BadParameter("an xlsx table needs --out FILE", param_hint="--out")
    with _app().app_context(), db.unit_of_work(_engine()):
        table = breakdown.breakdown(dimensions, start.date(), end.date(), chosen)
    if output == "xlsx":
        out.write_bytes(tables.as_xlsx(table.as_table()))
    elif output == "csv":
        _write(out, tables.as_csv(table.as_table()))
    else:
        _write(out, json.dumps({"by": list(table.by), "rows": table.rows}, indent=2, default=str) + "\n")


def _filter(text: str) -> tuple[str, str]:
    name, separator, value = text.partition("=")
    if not separator:
        raise click.BadParameter(f"{text!r} is not DIMENSION=VALUE", param_hint="--filter")
    return name.strip(), value.strip()


def _write(out: Path | None, text: str) -> None:
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")


@cet.command(help="Approval rates by hub against the national rate, with 99.8% funnel limits.")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--crg", help="Only cases of this Clinical Reference Group code.")
@click.option("--json", "as_json", is_flag=True, help="Print the analysis as JSON.")
def equity(start, end, crg: str | None, as_json: bool) -> None:
    from ifr_service.cet.equity import hub_equity

    if start > end:
        raise click.BadParameter("--from must be no later than --to", param_hint="--from")
    with _app().app_context(), db.unit_of_work(_engine()):
        analysis = hub_equity(start.date(), end.date(), crg)
    if as_json:
        _print(analysis, True, None)
        return
    click.echo(f"national: {analysis['national']['rate']} of {analysis['national']['n']} decided")
    for hub in analysis["hubs"]:
        click.echo(f"{hub['hub']}: {hub['rate']} of {hub['n']}, 99.8% limits {hub['limits_998']}"
                   + (f" - {hub['flag'].upper()}" if hub["flag"] else ""))


def _engine():
    from ifr_service.runtime import runtime

    return runtime().engine


def _print(data, as_json: bool, line) -> None:
    if as_json or line is None:
        click.echo(json.dumps(data, indent=2, default=str))
        return
    for item in data:
        click.echo(line(item))
