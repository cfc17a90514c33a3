"""No page waits on another site: every browser test refuses and reports a request to one."""

from __future__ import annotations

from tests.browser.conftest import refuse_other_hosts


def test_a_request_to_another_host_is_refused_and_reported(browser, live_url):
    context = browser.new_context(base_url=live_url)
    elsewhere = refuse_other_hosts(context, live_url)
    page = context.new_page()
    page.set_content('<link rel="stylesheet" href="https://assets.nhs.uk/fonts/x.css">'
                     f'<img src="{live_url}/healthz" alt="">')
    page.wait_for_load_state("load")
    context.close()
    assert elsewhere == ["https://assets.nhs.uk/fonts/x.css"]


def test_the_sign_in_page_and_its_design_system_come_from_the_service_alone(page):
    loaded = []
    page.on("requestfinished", lambda request: loaded.append(request.url))
    page.goto("/sign-in")
    page.wait_for_load_state("load")
    assert any(url.endswith(".css") for url in loaded) and any(url.endswith(".js") for url in loaded)
    assert page.evaluate("() => getComputedStyle(document.body).fontFamily").startswith('"Frutiger W01"')
