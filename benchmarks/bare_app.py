"""The submissions baseline: a bare Flask endpoint that inserts the posted JSON into one table with
psycopg, and nothing else (no sign-in, no checks, no case). What the service's own submission is
measured against, served by the same gunicorn with as many processes."""

from __future__ import annotations

import os

import psycopg
from flask import Flask, jsonify, request
from psycopg.types.json import Jsonb

app = Flask(__name__)
_connection: psycopg.Connection | None = None
TABLE = "bench_bare_submission"


def connection() -> psycopg.Connection:
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg.connect(os.environ["BENCH_DSN"], autocommit=True)
    return _connection


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
