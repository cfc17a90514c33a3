"""The design system's files, served by WhiteNoise in front of the application.

`ifr-service assets install` publishes them under fingerprinted names (web/assets.py), so a file's
address changes whenever its content does: browsers and proxies may keep each one for a year without
asking again. WhiteNoise answers with the gzip copy beside a file when the browser accepts gzip
(the stylesheet: 29 KB instead of 278 KB), with ETag and Last-Modified, and without touching Flask,
the database or the session.
"""

from __future__ import annotations

import functools
import logging
import re
from pathlib import Path

from flask import Flask
from whitenoise import WhiteNoise

from ifr_service.web.assets import FINGERPRINT_LENGTH, STATIC_DIR, STATIC_URL, AssetError, read_manifest

log = logging.getLogger(__name__)
ONE_YEAR_SECONDS = 365 * 24 * 60 * 60
FINGERPRINTED = re.compile(rf"\.[0-9a-f]{{{FINGERPRINT_LENGTH}}}\.[a-z0-9]+$")
NOT_INSTALLED = "the design system's files are not installed: run `ifr-service assets install`"


def serve_static_files(app: Flask, static: Path = STATIC_DIR) -> None:
    """Put WhiteNoise in front of the application for /static/. It lists the folder once, at start:
    the Procfile and `make run` install the files before the service starts."""
    if not static.is_dir():
        log.warning("%s; pages will have no styles", NOT_INSTALLED)
        return
    app.wsgi_app = WhiteNoise(app.wsgi_app, root=static, prefix=STATIC_URL, max_age=60,
                              allow_all_origins=False, immutable_file_test=is_fingerprinted,
                              add_headers_function=_no_sniffing)


def is_fingerprinted(_path: str, url: str) -> bool:
    """A fingerprinted file never changes at its address: cache it for a year, never revalidate."""
    return bool(FINGERPRINTED.search(url))


def _no_sniffing(headers, _path: str, _url: str) -> None:
    headers["X-Content-Type-Options"] = "nosniff"


def asset_url(logical_name: str) -> str:
    """The address of a design-system file by the name the templates use (`nhsuk-frontend.min.css`)."""
    published = _manifest(STATIC_DIR).get(logical_name)
    if published is None:
        raise AssetError(f"no published file for {logical_name!r}: run `ifr-service assets install`")
    return STATIC_URL + published


@functools.cache
def _manifest(static: Path) -> dict[str, str]:
    manifest = read_manifest(static)
    if manifest is None:
        raise AssetError(NOT_INSTALLED)
    return manifest
