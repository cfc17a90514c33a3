"""The service as an OpenID Connect relying party: authorisation code flow with PKCE, the ID token
checked against the provider's published keys, its nonce, audience and issuer.

One client, for the configured issuer (the development provider's comes from SERVICE_URL, never from
a request's Host header), kept for the life of the process: authlib caches the provider's metadata
and keys in it, and fetches the keys again when a token names one it has not seen.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from authlib.integrations.flask_client import FlaskIntegration, FlaskOAuth2App
from authlib.integrations.requests_client import OAuth2Session
from flask import Flask, current_app, url_for
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from werkzeug.test import EnvironBuilder, run_wsgi_app

from ifr_service.errors import IfrError

DEVELOPMENT_PROVIDER_PATH = "dev-identity"


def identity_provider() -> FlaskOAuth2App:
    config = current_app.config["IFR"]
    if config.oidc_issuer is None and not config.uses_development_identity:
        raise IfrError("Signing in is not set up here: name the identity provider (OIDC_ISSUER), or run "
                       "the service with IFR_ENV=development for the development one.", 503)
    if "ifr_identity_provider" not in current_app.extensions:
        issuer = config.oidc_issuer or config.development_issuer
        client = FlaskOAuth2App(
            FlaskIntegration("identity"), name="identity",
            client_id=config.oidc_client_id, client_secret=config.oidc_client_secret,
            server_metadata_url=issuer.rstrip("/") + "/.well-known/openid-configuration",
            client_kwargs={"scope": config.oidc_scopes, "code_challenge_method": "S256", "timeout": 10})
        if config.uses_development_identity:
            client.client_cls = InProcessSession
        current_app.extensions["ifr_identity_provider"] = client
    return current_app.extensions["ifr_identity_provider"]


def sign_in_callback_url() -> str:
    """Where the identity provider sends the browser back: from SERVICE_URL (always, for the
    development provider); for a real provider without it, the address this request came to, which
    that provider checks against its own registration."""
    config = current_app.config["IFR"]
    if config.service_url or config.uses_development_identity:
        return config.sign_in_callback_url
    return url_for("pages.session.finish_sign_in", _external=True)


class InProcessSession(OAuth2Session):
    """The development provider is part of this service: its back channel (metadata, keys, the code
    exchange) is answered by this application in-process, so that one single-threaded server can
    sign people in without calling itself over the network."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        adapter = WsgiAdapter(current_app._get_current_object())
        self.mount("http://", adapter)
        self.mount("https://", adapter)


class WsgiAdapter(BaseAdapter):
    def __init__(self, app: Flask):
        super().__init__()
        self.app = app

    def send(self, prepared, **_kwargs) -> requests.Response:
        url = urlsplit(prepared.url)
        builder = EnvironBuilder(
            method=prepared.method, base_url=f"{url.scheme}://{url.netloc}", path=url.path,
            query_string=url.query, headers=dict(prepared.headers), data=prepared.body or b"",
            environ_base={"REMOTE_ADDR": "127.0.0.1"})
        with self.app.app_context():  # its own `g`: Flask would otherwise share the caller's
            body, status, headers = run_wsgi_app(self.app, builder.get_environ(), buffered=True)
        response = requests.Response()
        response.status_code = int(status.split(" ", 1)[0])
        response.reason = status.partition(" ")[2]
        response.headers = CaseInsensitiveDict(headers)
        response._content = b"".join(body)
        response.url, response.request = prepared.url, prepared
        response.encoding = requests.utils.get_encoding_from_headers(response.headers)
        return response

    def close(self) -> None:
        pass
