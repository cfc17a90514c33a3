"""`ifr-service clients`: how operators register, list and revoke the systems that call the API
with OAuth 2.0 client credentials (ifr_service/users/clients.py). They work in production too."""

from __future__ import annotations

import click

from ifr_service import db
from ifr_service.commands import load_app
from ifr_service.errors import IfrError


def _in_unit(function, *args, **kwargs):
    """Run `function` in one unit of work of the service; its error as the command's."""
    app = load_app()
    try:
        with app.app_context(), db.unit_of_work(app.extensions["ifr"].engine):
            return function(*args, **kwargs)
    except IfrError as error:
        details = "; ".join(f"{e['field']}: {e['message']}" if e["field"] else e["message"]
                            for e in error.errors())
        raise click.ClickException(details) from error


@click.group(help="Systems that call the API for themselves (OAuth 2.0 client credentials).")
def clients() -> None:
    pass


@clients.command(name="add", help="Register a trust's system: it acts as a clinician of the trust, so it "
                 "sees and submits only the trust's cases. Prints the client_id and the secret, once.")
@click.option("--name", required=True, help='What the system is, for example "UCLH EPR".')
@click.option("--organisation", "organisation_code", required=True, help="The trust's ODS code, e.g. RRV.")
@click.option("--organisation-name", required=True, help="The trust's name.")
@click.option("--email", default="", help="Who looks after the system (optional).")
def add_client(name: str, organisation_code: str, organisation_name: str, email: str) -> None:
    from ifr_service.users.clients import register_client

    def register():
        registration = register_client(name, organisation_code, organisation_name, email)
        return registration.client.client_id, registration.secret

    client_id, secret = _in_unit(register)
    click.echo(f"client_id: {client_id}")
    click.echo(f"client_secret: {secret}")
    click.echo("The secret is shown now and never again: only its hash is kept. Hand both to the "
               "system's owners by a secure route.", err=True)


@clients.command(name="list", help="Every registered system, newest first.")
def list_clients() -> None:
    from ifr_service.users.queries import find_api_clients

    def rows():
        return [(client.client_id, client.name, user.organisation_code, user.organisation_name,
                 client.created_utc, client.revoked_utc) for client, user in find_api_clients()]

    found = _in_unit(rows)
    for client_id, name, code, organisation, created, revoked in found:
        status = f"revoked {revoked:%Y-%m-%d %H:%M}" if revoked else "active"
        click.echo(f"{client_id}\t{name}\t{code} {organisation}\tcreated {created:%Y-%m-%d %H:%M}\t{status}")
    if not found:
        click.echo("no API clients registered", err=True)


@clients.command(name="revoke", help="Stop a system: it gets no new tokens and the ones it holds stop "
                 "working at once.")
@click.argument("client_id")
def revoke_client(client_id: str) -> None:
    from ifr_service.users.clients import revoke_client as revoke

    def run():
        revoke(client_id)

    _in_unit(run)
    click.echo(f"revoked {client_id}")
