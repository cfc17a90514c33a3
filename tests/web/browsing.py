"""A signed-in person using the pages through Flask's test client, CSRF tokens and all."""

from __future__ import annotations

import re

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Person:
    def __init__(self, client, username: str | None = None):
        self.client = client
        if username:
            self.sign_in(username)

    def sign_in(self, username: str, next_page: str | None = None):
        """Through the development identity provider, as a browser would: the redirect to it, the
        choice of demo user, and the redirect back with a code. Returns the service's last answer."""
        start = self.client.get("/sign-in", query_string={"next": next_page} if next_page else None)
        assert start.status_code == 302, start.text
        authorize = start.headers["Location"]
        chosen = self.submit(authorize, {"username": username}, expect=302)
        response = self.client.get(chosen.headers["Location"])
        assert response.status_code == 302, (response.status_code, response.text[:2000])
        return response

    def open(self, url: str, expect: int = 200) -> str:
        response = self.client.get(url)
        assert response.status_code == expect, (response.status_code, response.text[:2000])
        return response.text

    def submit(self, url: str, data: dict | None = None, expect: int | None = None,
               form_page: str | None = None, **kwargs):
        """Post a form the way a browser would: with the token of the page that shows it."""
        page = self.client.get(form_page or url).text
        token = CSRF.search(page)
        assert token, f"no form with a CSRF token on {form_page or url}"
        response = self.client.post(url, data={**(data or {}), "csrf_token": token.group(1)}, **kwargs)
        if expect is not None:
            assert response.status_code == expect, (response.status_code, response.text[:3000])
        return response
