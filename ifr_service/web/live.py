"""The service on a local port in a background thread: for the browser tests and the screenshots."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server


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


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve `app` on a free port of 127.0.0.1 until the block ends; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=PathOnlyRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="ifr-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
