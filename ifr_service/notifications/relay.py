"""Email relays: the boundary between the service and the outside world's mail.

`SmtpRelay` talks to a real SMTP server (NHSmail's relay in production).
`LogRelay` is for development: it writes the message to the log instead.
Both take the same message, so the code that sends never knows which it has.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from typing import Protocol

log = logging.getLogger(__name__)


class EmailRelay(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class SmtpRelay:
    def __init__(self, host: str, port: int = 25, timeout_seconds: float = 30):
        self.host, self.port, self.timeout_seconds = host, port, timeout_seconds

    def send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout_seconds) as smtp:
            smtp.send_message(message)


class LogRelay:
    def send(self, message: EmailMessage) -> None:
        log.info("email to %s: %s", message["To"], message["Subject"])
