"""What every command of `ifr-service` starts from: the configuration and the app it describes, with
a problem in either as the command's error. Here, below cli.py, so that the features' command groups
(cet/, storage/, users/), which cli.py adds to `ifr-service`, need not import cli.py back."""

from __future__ import annotations

import click

from ifr_service.config import Config, ConfigError


def load_config() -> Config:
    try:
        return Config.from_environment()
    except ConfigError as error:
        raise click.ClickException(str(error)) from error


def load_app():
    # Imported when a command asks for the app, so that commands which need none (`--help`,
    # `assets install`, `db upgrade`) do not build the whole service first.
    from ifr_service.app import create_app
    from ifr_service.cdf.definition import CdfListError
    from ifr_service.forms.definition import FormDefinitionError
    from ifr_service.workflows.definition import WorkflowDefinitionError

    try:
        return create_app(load_config())
    except (FormDefinitionError, WorkflowDefinitionError, CdfListError) as error:
        raise click.ClickException(f"refusing to start: {error}") from error
