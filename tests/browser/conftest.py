"""Browser tests: the pages in real headless Chromium, Debian's own (never a downloaded browser).

The service runs on a local port against the suite's database (SQLite or PostgreSQL); a
failing test leaves a screenshot of the page in test-results/.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ifr_service.config import PROJECT_ROOT
from ifr_service.web.live import serving
from tests.browser.people import AXE

CHROMIUM = Path(os.environ.get("IFR_CHROMIUM", "/usr/bin/chromium"))
RESULTS = PROJECT_ROOT / "test-results"


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI runs the browser tests: {CHROMIUM} is missing "
                        "(.ci/start-services installs chromium)")
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def live_url(app, client):
    """The service, serving the test database; `client` clears the cases after the test."""
    with serving(app) as url:
        yield url


@pytest.fixture
def page(browser, live_url):
    context = browser.new_context(base_url=live_url, viewport={"width": 1200, "height": 900},
                                  accept_downloads=True)
    context.set_default_timeout(15_000)
    context.add_init_script(path=str(AXE))
    elsewhere = refuse_other_hosts(context, live_url)
    page = context.new_page()
    yield page
    context.close()
    assert elsewhere == [], f"pages asked another site for {elsewhere[:5]}: no page may wait on one"


def refuse_other_hosts(context, service_url: str) -> list[str]:
    """Abort, and list, every request the pages make to anywhere but the service: without internet
    such a request stalls the page (docs/decisions/0006). Inline data: URLs never reach the network."""
    asked: list[str] = []

    def is_elsewhere(url: str) -> bool:
        return not (url == service_url or url.startswith(service_url + "/"))

    def refuse(route) -> None:
        asked.append(route.request.url)
        route.abort("blockedbyclient")

    context.route(is_elsewhere, refuse)
    return asked


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    page = item.funcargs.get("page") if hasattr(item, "funcargs") else None
    if report.when == "call" and report.failed and page is not None and not page.is_closed():
        RESULTS.mkdir(exist_ok=True)
        page.screenshot(path=str(RESULTS / f"{item.name}.png"), full_page=True)
