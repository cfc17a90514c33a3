"""gunicorn's settings: production reads them (Procfile: `gunicorn -c python:ifr_service.gunicorn_conf`)
and so does `ifr-service serve`.

The access log names each request by method and path only: no query string and no Referer (whose
address may hold one), since a query may carry what logs must not: a patient's details typed into a
filter, the code of a sign-in coming back from the identity provider.
"""

accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s "%(a)s"'
