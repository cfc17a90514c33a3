"""gunicorn's settings: production reads them (Procfile: `gunicorn -c python:ifr_service.gunicorn_conf`)
and so does `ifr-service serve`.

The access log names each request by method and path only: no query string and no Referer (whose
address may hold one), since a query may carry what logs must not: a patient's details typed into a
filter, the code of a sign-in coming back from the identity provider.
"""

accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s "%(a)s"'

# Threaded workers: one connection holds one thread, never the whole process, so one idle or slow
# client cannot freeze the service (the embedded default runs one process; a sync worker waited on an
# idle connection for 35 s). gunicorn's gthread worker also hands a connection that has sent nothing
# for 5 s back to its poller, freeing the thread. Eight threads a process suits requests that mostly
# wait on the database; SQLAlchemy's pool (db.make_engine) holds enough connections for them.
worker_class = "gthread"
threads = 8
