"""The parts one running service is made of, built once by create_app()."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import Engine

from ifr_service.clock import today_in_england
from ifr_service.db import utc_now

# Types only: app.build_runtime() builds each part, and modules those parts import ask runtime() for
# the others (the outbox, which the job dispatcher calls, for the engine; the cohort rules, which the
# configuration holds, for today), so importing the parts here made circles.
if TYPE_CHECKING:
    from ifr_service.cdf.definition import CdfList
    from ifr_service.config import Config
    from ifr_service.forms.definition import FormRegistry
    from ifr_service.jobs.dispatch import Dispatcher
    from ifr_service.notifications.relay import EmailRelay
    from ifr_service.workflows.definition import Workflow


@dataclass
class Runtime:
    config: Config
    engine: Engine
    forms: FormRegistry
    workflows: dict[str, Workflow]
    dispatcher: Dispatcher
    mail: EmailRelay
    cdf: CdfList
    today: Callable[[], date] = today_in_england
    now: Callable[[], datetime] = utc_now  # the moment clocks in hours count from (UTC)
    pid: int = field(default_factory=os.getpid)

    def after_fork(self) -> None:
        """A forked process (a gunicorn worker forked after the app was loaded, say) must not share the
        parent's database connections. rq no longer forks a work-horse per job (cli.worker)."""
        if self.pid != os.getpid():
            self.engine.dispose(close=False)
            self.pid = os.getpid()


def runtime() -> Runtime:
    current: Runtime = current_app.extensions["ifr"]
    current.after_fork()
    return current
