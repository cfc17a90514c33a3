"""What a newcomer does first, against a `make run` server: sign in, open a page, submit, see it queued.

Run by .ci/smoke-make-run with the newcomer's own Python: the standard library only, so it proves the
service and not this script's dependencies. Each step prints a line; the first that fails says why and
exits non-zero.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

TIMEOUT_SECONDS = 30


class SignInForm(HTMLParser):
    """The development identity provider's page: its CSRF token and the usernames it offers."""

    def __init__(self) -> None:
        super().__init__()
        self.csrf_token: str | None = None
        self.usernames: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("name") == "csrf_token":
            self.csrf_token = found.get("value")
        if tag == "input" and found.get("name") == "username":
            self.usernames.append(found.get("value") or "")


class Browser:
    """A person's browser, as far as these pages need one: cookies kept, redirects followed."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def open(self, url: str, form: dict | None = None) -> tuple[int, str, str]:
        data = urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(urllib.request.Request(url, data), timeout=TIMEOUT_SECONDS) as reply:
                return reply.status, reply.geturl(), reply.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.geturl(), error.read().decode(errors="replace")

    def sign_in(self, username: str) -> str:
        status, address, page = self.open(f"{self.base}/sign-in")
        expect(status == 200, f"the sign-in page answered {status}")
        form = SignInForm()
        form.feed(page)
        expect(username in form.usernames, f"the sign-in page does not offer {username}")
        status, address, page = self.open(address, {"csrf_token": form.csrf_token, "username": username})
        expect(status == 200 and "Sign out" in page,
               f"signing in as {username} ended at {address} ({status})")
        return page


def expect(condition: bool, failure: str) -> None:
    if not condition:
        print(f"first visit: FAILED: {failure}", file=sys.stderr)
        sys.exit(1)


def token_for(checkout: Path, username: str) -> str:
    command = [str(checkout / ".venv" / "bin" / "ifr-service"), "token", "--user", username]
    return subprocess.run(command, cwd=checkout, capture_output=True, text=True, check=True).stdout.strip()


def post(url: str, body: bytes, token: str) -> tuple[int, dict | str]:
    request = urllib.request.Request(url, body, {"Authorization": f"Bearer {token}",
                                                 "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def submit_example(base: str, checkout: Path) -> str:
    """The example goes to the clinician's trust (form version 3); the trust's approver signs it off.
    Its MDT discussion must lie within the last year: dated 40 days before today, as the demo does."""
    example = json.loads((checkout / "docs" / "examples" / "ifr-application.json").read_text())
    today = datetime.now(ZoneInfo("Europe/London")).date()
    example["trust_checks"]["mdt_date"] = (today - timedelta(days=40)).isoformat()
    status, case = post(f"{base}/api/v1/cases?submit=true", json.dumps(example).encode(),
                        token_for(checkout, "demo-clinician"))
    expect(status == 201, f"submitting docs/examples/ifr-application.json answered {status}: {case}")
    status, case = post(f"{base}/api/v1/cases/{case['draft_reference']}/actions/approve_for_trust", b"{}",
                        token_for(checkout, "demo-trust-approver"))
    expect(status == 200, f"the trust approver's sign-off answered {status}: {case}")
    return case["reference"]


def main(base: str, checkout: Path) -> None:
    clinician = Browser(base)
    clinician.sign_in("demo-clinician")
    print("first visit: signed in as the demo clinician")
    status, _, page = clinician.open(f"{base}/cases/new")
    expect(status == 200 and "Start now" in page, f"the new-application page answered {status}")
    print("first visit: the new-application page opens")
    reference = submit_example(base, checkout)
    print(f"first visit: submitted docs/examples/ifr-application.json through the API, the trust signed "
          f"it off: {reference}")
    officer = Browser(base)
    officer.sign_in("demo-officer")
    status, _, page = officer.open(f"{base}/queue")
    expect(status == 200 and reference in page,
           f"the case officer's work queue ({status}) does not show {reference}")
    print(f"first visit: the demo case officer sees {reference} on the work queue")


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), Path(sys.argv[2]).resolve())
