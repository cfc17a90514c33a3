"""The `ifr-service` command: serve, run the worker, migrate, and load data."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import click

from ifr_service import db, gunicorn_conf
from ifr_service.commands import load_app, load_config
from ifr_service.config import Config


@click.group(help="ifr-service: Individual Funding Requests and the Cancer Drugs Fund.")
def main() -> None:
    pass


@main.command(help="Serve the web application with gunicorn.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1))
@click.option("--threads", default=gunicorn_conf.threads, show_default=True, type=click.IntRange(1),
              help="Threads a process: each connection holds one.")
def serve(host: str, port: int, workers: int, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

    config = load_config()
    if config.service_url is None:  # the development identity provider's callback is where this listens
        config = replace(config, service_url=f"http://{host}:{port}")
    if config.is_embedded_database:
        workers = 1  # SQLite allows one writer; one process keeps it simple, its threads share it

    class Server(BaseApplication):
        def load_config(self):
            for name, value in {**gunicorn_conf.settings(), "bind": f"{host}:{port}", "workers": workers,
                                "threads": threads}.items():
                self.cfg.set(name, value)

        def load(self):
            from ifr_service.app import create_app

            return create_app(config)

    database = "SQLite" if config.is_embedded_database else "PostgreSQL"
    jobs = "rq" if config.redis_url else "in-process"
    click.echo(f"ifr-service on http://{host}:{port} ({database}, {jobs} jobs, "
               f"{workers} process{'es' if workers > 1 else ''} of {threads} threads)")
    Server().run()


@main.command(help="Run an rq worker on every ifr-service queue (or only those given).")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.option("--queue", "queues", multiple=True, help="Serve only this queue (repeatable), e.g. a worker "
              "of its own for ifr-letters.")
@click.option("--max-jobs", type=click.IntRange(1), default=10_000, show_default=True,
              help="Stop after this many jobs, for the process manager to start a fresh one.")
def worker(burst: bool, queues: tuple[str, ...], max_jobs: int) -> None:
    from redis import Redis
    from rq import SimpleWorker

    from ifr_service.jobs.dispatch import load_job_code
    from ifr_service.jobs.queues import ALL_QUEUES
    from ifr_service.jobs.workers import DrainingWorker

    unknown = sorted(set(queues) - set(ALL_QUEUES))
    if unknown:
        raise click.BadParameter(f"not ifr-service queues: {', '.join(unknown)}", param_hint="--queue")
    load_job_code()
    app = load_app()
    config = app.config["IFR"]
    if not config.redis_url:
        raise click.ClickException("REDIS_URL is not set: without it jobs run in-process, no worker needed")
    # Jobs run in this process, not in a work-horse forked for each: a horse started cold, connecting
    # to PostgreSQL and warming reportlab afresh every time, and letters came at 2.6 a second instead
    # of 14 (docs/scaling.md). Our jobs are short, our own and idempotent; rq's job timeout still
    # holds, and --max-jobs has the process manager start a fresh worker now and then.
    with app.app_context():
        kind = DrainingWorker if burst else SimpleWorker
        kind([q for q in ALL_QUEUES if not queues or q in queues],
             connection=Redis.from_url(config.redis_url)).work(burst=burst, max_jobs=max_jobs)


@main.group(name="db", help="Database migrations.")
def database() -> None:
    pass


@database.command(help="Migrate the database to the newest revision (or REVISION).")
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    from ifr_service import migrate

    migrate.upgrade(load_config(), revision)
    click.echo(f"database at {revision}")


@database.command(help="Migrate the database down to REVISION (for example base).")
@click.argument("revision")
def downgrade(revision: str) -> None:
    from ifr_service import migrate

    migrate.downgrade(load_config(), revision)
    click.echo(f"database at {revision}")


@main.group(help="Reference data from the seed documents.")
def reference() -> None:
    pass


@reference.command(name="load", help="Load regions, hubs, commissioners, Programmes of Care and CRGs.")
@click.option("--data-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A folder of reference data files (default: the ones shipped from the seeds).")
def load_reference(data_dir: Path | None) -> None:
    from ifr_service.reference.data_files import DATA_DIR, ReferenceDataError
    from ifr_service.reference.loader import load_reference_data

    app = load_app()
    try:
        with app.app_context(), db.unit_of_work(app.extensions["ifr"].engine):
            report = load_reference_data(data_dir or DATA_DIR)
    except ReferenceDataError as error:
        raise click.ClickException(f"nothing loaded: {error}") from error
    click.echo("reference data loaded; new rows: " + json.dumps(report.counts))


@main.group(help="Demo users and cases, for development only.")
def demo() -> None:
    pass


@demo.command(name="load", help="Load the demo users and a few demo cases.")
def load_demo() -> None:
    from ifr_service.demo import load_demo_data, load_demo_history

    app = load_app()
    _refuse_in_production(app.config["IFR"])
    with app.app_context(), db.unit_of_work(app.extensions["ifr"].engine):
        counts = load_demo_data()
    with app.app_context():
        history = load_demo_history()
    click.echo(f"demo data loaded: {counts['users']} new users, {counts['cases']} new cases, "
               f"{history} historical cases in the national database")


@main.command(help="Print an API bearer token for a demo user (development only).")
@click.option("--user", "username", required=True, help="For example demo-clinician.")
def token(username: str) -> None:
    from ifr_service.users.queries import find_user
    from ifr_service.users.tokens import issue_token

    config = load_config()
    _refuse_in_production(config)
    app = load_app()
    with app.app_context(), db.unit_of_work(app.extensions["ifr"].engine):
        user = find_user(username)
    if user is None:
        raise click.ClickException(f"no user {username!r}: run `ifr-service demo load` first")
    if user.role == "system":
        raise click.ClickException("the service itself never signs in")
    click.echo(issue_token(user.username, config))


@main.group(help="The outbox of background jobs: the relay, and the failed list.")
def outbox() -> None:
    pass


@outbox.command(name="relay", help="Hand on every job that is due and every job the queue lost, every "
                "few seconds (or once).")
@click.option("--every-seconds", default=5.0, show_default=True, type=click.FloatRange(min=0.1))
@click.option("--once", is_flag=True, help="One pass, then stop (after a Redis outage, say).")
def relay_outbox(every_seconds: float, once: bool) -> None:
    from ifr_service.jobs.relay import relay_outbox as relay
    from ifr_service.jobs.relay import run_relay

    app = load_app()
    if not once:
        click.echo(f"outbox relay: a pass every {every_seconds:g} s")
        run_relay(app, every_seconds)
    with app.app_context():
        report = relay()
    click.echo(f"{report.handed_on} jobs handed on, {report.recovered} lost jobs recovered")


@outbox.command(name="failed", help="List the jobs that failed for good, newest first, with their errors.")
@click.option("--json", "as_json", is_flag=True)
def list_failed_jobs(as_json: bool) -> None:
    from ifr_service.jobs.presenters import present_message
    from ifr_service.jobs.queries import find_failed_messages

    app = load_app()
    with app.app_context(), db.unit_of_work(app.extensions["ifr"].engine):
        failed = [present_message(message) for message in find_failed_messages()]
    if as_json:
        click.echo(json.dumps(failed, indent=2))
        return
    for message in failed:
        click.echo(f"{message['id']}  {message['job']}  {message['attempts']} attempts  failed "
                   f"{message['failed_utc']}  {message['last_error']}")
    click.echo(f"{len(failed)} failed jobs")


@outbox.command(name="retry", help="Retry a job from the failed list, with a fresh set of attempts.")
@click.argument("message_id", type=int)
def retry_failed_job(message_id: int) -> None:
    from ifr_service.errors import IfrError
    from ifr_service.jobs.outbox import retry_failed_message

    app = load_app()
    try:
        with app.app_context(), db.unit_of_work(app.extensions["ifr"].engine):
            message = retry_failed_message(message_id)
    except IfrError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"job {message.id} ({message.job}) handed on again")


@main.group(help="The working-day clocks of cases.")
def clocks() -> None:
    pass


@clocks.command(name="sweep", help="Send due reminders and escalations; close unanswered requests; "
                                   "expire and lapse CDF approvals past their dates; remind clinicians "
                                   "of approved IFRs' review dates; clear the CET's "
                                   "export files past their retention.")
def sweep() -> None:
    from ifr_service.cases.reminders import sweep_clocks
    from ifr_service.cdf.sweep import sweep_cdf_approvals
    from ifr_service.cet.exports import expire_cet_exports
    from ifr_service.outcomes.reminders import sweep_review_dates

    with load_app().app_context():
        report = sweep_clocks()
        ended = sweep_cdf_approvals()
        reviews = sweep_review_dates()
        exports = expire_cet_exports()
    click.echo(f"{report.reminders} reminders, {report.escalations} escalations, "
               f"{len(report.closed_unanswered)} closed unanswered; CDF approvals: "
               f"{len(ended['expired'])} expired, {len(ended['lapsed'])} lapsed; "
               f"IFR review reminders: {reviews}; "
               f"CET exports: {exports} expired")


@main.command(help="Run the clock sweep on a schedule (rq's cron with Redis, a loop without).")
@click.option("--every-minutes", default=15, show_default=True, type=int)
def scheduler(every_minutes: int) -> None:
    from ifr_service.jobs.schedule import run_scheduler

    run_scheduler(load_app(), every_minutes * 60)


@main.group(help="The front-end packages the pages use.")
def assets() -> None:
    pass


@assets.command(name="install", help="Fetch the packages package-lock.json pins and publish the "
                "NHS.UK frontend's CSS and JavaScript into the static folder.")
def install_assets() -> None:
    from ifr_service.web.assets import AssetError
    from ifr_service.web.assets import install_assets as install

    try:
        fetched = install(load_config().project_root)
    except AssetError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"fetched {', '.join(fetched)}" if fetched else "front-end packages up to date")


@main.group(help="Generated documentation.")
def docs() -> None:
    pass


@docs.command(name="workflows", help="Write docs/workflows/<route>.md diagrams from workflows/.")
def write_workflow_docs() -> None:
    from ifr_service.features import known_names
    from ifr_service.workflows.definition import WorkflowDefinitionError
    from ifr_service.workflows.docs import write_workflow_docs as write

    try:
        written = write(load_config(), known_names)
    except WorkflowDefinitionError as error:
        raise click.ClickException(str(error)) from error
    for path in written:
        click.echo(f"wrote {path}")


def _refuse_in_production(config: Config) -> None:
    if config.is_production:
        click.echo("refused: this command is for development only", err=True)
        sys.exit(2)


def _register_feature_commands() -> None:
    from ifr_service.cet.commands import cet, import_group
    from ifr_service.invoices.commands import invoices
    from ifr_service.policy.commands import policies
    from ifr_service.sact.commands import sact
    from ifr_service.storage.commands import verify_storage_command
    from ifr_service.users.commands import clients

    main.add_command(import_group)
    main.add_command(cet)
    main.add_command(invoices)
    main.add_command(policies)
    main.add_command(sact)
    main.add_command(clients)
    main.add_command(verify_storage_command)


_register_feature_commands()
