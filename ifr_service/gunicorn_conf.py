"""gunicorn's settings: production reads them (Procfile: `gunicorn -c python:ifr_service.gunicorn_conf`)
and so does `ifr-service serve`.

The access log names each request by method and path only: no query string and no Referer (whose
address may hold one), since a query may carry what logs must not: a patient's details typed into a
filter, the code of a sign-in coming back from the identity provider.
"""

accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s "%(a)s"'

# Threaded workers: one request holds one thread, never the whole process (the embedded default runs
# one process; a sync worker waited on an idle connection for 35 s). Our gthread worker
# (gunicorn_worker.py) gives a request a thread only once its headers have arrived whole, within
# HEAD_SECONDS; its body then has READ_SECONDS; and gunicorn's own 400, 414 and 431 are JSON in the
# API's shape. Eight threads a process suits requests that mostly wait on the database; SQLAlchemy's
# pool (db.make_engine) holds enough connections for them.
worker_class = "ifr_service.gunicorn_worker.BoundedThreadWorker"
threads = 8
# A connection that sends nothing is closed after this many seconds: a new one before its first
# request, a kept-alive one between requests (behind a proxy that keeps connections to us, set the
# proxy's idle time-out lower than this).
keepalive = 5
# The master restarts a worker whose main loop has not checked in for this long (a threaded worker
# checks in while its threads serve, so this is not a limit on a request).
timeout = 30
# What gunicorn reads before the app sees a request, answered 414 or 431 in the API's error shape
# beyond these (also in the OpenAPI document's description, api/openapi.py).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

SETTINGS = ("accesslog", "access_log_format", "worker_class", "threads", "keepalive", "timeout",
            "limit_request_line", "limit_request_fields", "limit_request_field_size")


def settings() -> dict:
    """The settings above by name, for `ifr-service serve`, which starts gunicorn in-process."""
    return {name: globals()[name] for name in SETTINGS}
