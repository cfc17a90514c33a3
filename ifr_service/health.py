"""GET /healthz: can this process serve requests, and does the queue answer?

The database is what the service cannot work without: while it is down the answer is 503, for a load
balancer to route around the process. Without Redis the service still takes submissions and decisions
(their jobs wait in the outbox), so a queue that does not answer is reported as "degraded", with 200.
"""

from __future__ import annotations

from flask import Blueprint, current_app

from ifr_service import db
from ifr_service.errors import ServiceUnavailable
from ifr_service.users.access import PUBLIC, allow

health = Blueprint("health", __name__)


@health.get("/healthz")
@allow(PUBLIC)
def healthz():
    runtime = current_app.extensions["ifr"]
    database = db.ping(runtime.engine)
    queue = runtime.dispatcher.status()
    if not database["ok"]:
        body = {"status": "down", "database": database, "queue": queue}
        return body, 503, {"Retry-After": str(ServiceUnavailable.retry_after_seconds)}
    return {"status": "ok" if queue["ok"] else "degraded", "database": database, "queue": queue}
