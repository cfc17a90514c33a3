"""The submissions baseline: a bare Flask endpoint that inserts the posted JSON into one table with
psycopg, and nothing else (no sign-in, no checks, no case). What the service's own submission is
measured against, served by the same gunicorn with as many processes."""

from __future__ import annotations

import os
import threading

import psycopg
from flask import Flask, jsonify, request
from psycopg.types.json import Jsonb

app = Flask(__name__)
TABLE = "bench_bare_submission"
# One connection a thread: the service's gunicorn settings (which this endpoint is served with, for a
# fair comparison) run 8 threads a process, and a psycopg connection is not to be shared by threads.
_local = threading.local()


def connection() -> psycopg.Connection:
    current = getattr(_local, "connection", None)
    if current is None or current.closed:
        current = _local.connection = psycopg.connect(os.environ["BENCH_DSN"], autocommit=True)
    return current


@app.get("/healthz")
def health():
    return jsonify(ok=True)


@app.post("/submissions")
def submit():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(error="send a JSON object"), 400
    database = connection()
    with database.transaction():
        (new_id,) = database.execute(f"INSERT INTO {TABLE} (body) VALUES (%s) RETURNING id",
                                     [Jsonb(body)]).fetchone()
    return jsonify(id=new_id), 201
