"""The service on a local port in a background thread: for the browser tests and the screenshots."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

LOCAL_HOSTS = {"localhost", "127.0.0.1"}

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication


class PathOnlyRequestHandler(WSGIRequestHandler):
    """Logs each request by its path, without the query string, as gunicorn's access log does in
    production (ifr_service/gunicorn_conf.py): a query may carry what logs must not."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        full = self.path
        self.path = full.partition("?")[0]
        try:
            super().log_request(code, size)
        finally:
            self.path = full


def whole_responses(app: WSGIApplication) -> WSGIApplication:
    """Each response read whole and closed at once. werkzeug's server closes a response only after
    draining the request, and skips the close when that drain finds the connection dropped (a browser
    cancelling an icon's request as it moves to the next page), leaving a static file open. Pages and
    files here are small, and this server is for tests and screenshots only."""

    def application(environ, start_response):
        response = app(environ, start_response)
        try:
            return [b"".join(response)]
        finally:
            if hasattr(response, "close"):
                response.close()

    return application


def free_local_url() -> str:
    """http://localhost and a port free just now: a SERVICE_URL for an app `serving` will serve."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://localhost:{probe.getsockname()[1]}"


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 until the block ends; yields its base URL. An app whose SERVICE_URL is
    a local address with a port is served there, so that its sign-in callback (the one redirect the
    development identity provider accepts) is this server's; any other, on a free port."""
    config = app.config["IFR"]
    address = urlsplit(config.base_url)
    own = bool(config.service_url) and address.hostname in LOCAL_HOSTS and address.port is not None
    server = make_server("127.0.0.1", address.port if own else 0, whole_responses(app), threaded=True,
                         request_handler=PathOnlyRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="ifr-live-server", daemon=True)
    thread.start()
    try:
        yield config.base_url if own else f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
