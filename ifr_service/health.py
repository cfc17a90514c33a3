"""GET /healthz: is the database reachable, and the queue?"""

from __future__ import annotations

from flask import Blueprint, current_app

from ifr_service import db
from ifr_service.users.access import PUBLIC, allow

health = Blueprint("health", __name__)


@health.get("/healthz")
@allow(PUBLIC)
def healthz():
    runtime = current_app.extensions["ifr"]
    database = db.ping(runtime.engine)
    queue = runtime.dispatcher.status()
    healthy = database["ok"] and queue["ok"]
    body = {"status": "ok" if healthy else "degraded", "database": database, "queue": queue}
    return body, 200 if healthy else 503
