"""GET /healthz: is the database reachable, and the queue?"""

from __future__ import annotations

from flask import Blueprint, current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ifr_service import db
from ifr_service.users.access import PUBLIC, allow

health = Blueprint("health", __name__)


@health.get("/healthz")
@allow(PUBLIC)
def healthz():
    runtime = current_app.extensions["ifr"]
    database = {"ok": True, "kind": runtime.engine.dialect.name}
    try:
        db.session().exec(text("SELECT 1"))
    except SQLAlchemyError as error:
        database = {"ok": False, "kind": runtime.engine.dialect.name, "error": type(error).__name__}
    queue = runtime.dispatcher.status()
    healthy = database["ok"] and queue["ok"]
    return {"status": "ok" if healthy else "degraded", "database": database, "queue": queue}, (
        200 if healthy else 503)
