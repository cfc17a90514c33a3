"""Every page passes axe-core with no violation at any impact level against the WCAG 2.2 AA rules and
axe's best practices, as each person sees it; reads on a phone (375 px) without scrolling sideways;
and shows its words as words: markup escaped twice would show as text. Nothing a page loads is
missing or refused by its Content-Security-Policy."""

from __future__ import annotations

import re

from tests.browser.people import all_violations, assert_no_sideways_scroll, pass_the_policy_check, sign_in
from tests.builders import CLINICIAN, OFFICER, PAYLOADS, Road, cdf_application_for

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1200, "height": 900}

PAGES = {
    None: ["/", "/sign-in", "/no-such-page", "/accessibility", "/signed-out"],
    "Dr Priya Shah": ["/cases", "/cases/new", "/cases/new/check",
                      "/cases/new/check?intervention=&icd10=C99.9",
                      "/cases/new/check?intervention=Solotinib&icd10=C18.7", "{draft}/application", *(
        f"{{draft}}/application/{section}" for section in (
            "patient", "clinician", "diagnosis", "intervention", "cost", "clinical_case", "evidence",
            "policy", "urgency", "consent", "trust_checks")), "{draft}/check",
        "/cases/{with_trust}", "{draft}/attachments/new",
        "/cases/{screening}/submitted", "/cases/{decided}", "/cases/{screening}",
        "/cases/{decided}/letters/{letter}/page", "/cases/{decided}/letters/{patient_letter}/page",
        "/cases/{decided}/actions/request_reconsideration", "/cdf", "/cdf/{entry}/apply",
        "/cdf/applications/{cdf}", "/queue", "/cases/IFR-2099-999999"],
    "Nadia Rahman": ["/trust/sign-off", "/cases/{with_trust}",
                     "/cases/{with_trust}/actions/return_to_clinician"],
    "Sam Patel": ["/queue", "/queue?due=overdue", "/cases/{screening}", "/cases/{decided}",
                  "/cases/{decided}/letters/{letter}/page",
                  "/cases/{screening}/actions/screen_to_panel", "/panel/meetings",
                  "/panel/meetings/{meeting}", "/panel/meetings/{meeting}/minutes", "/policies"],
    "Dr Helen Marsh": ["/panel/meetings/{meeting}/cases/{ready}", "/cases/{ready}",
                       "/cases/{ready}/actions/approve", "/queue"],
    "Dr Nadia Hussain": ["/panel/meetings", "/panel/meetings/{screening_meeting}",
                         "/panel/meetings/{screening_meeting}/cases/{screening}",
                         "/panel/meetings/{screening_meeting}/minutes"],
    "Jo Evans": ["/cdf/applications", "/cases/{cdf}", "/cdf/spend", "/cdf/regions/london/spend",
                 "/cdf/regions/london/audit", "/cdf/approvals", "/cdf/approvals?number=CDFA-2026-000001-0",
                 "/invoices", "/cdf/confidential-prices"],
    "Ella Brooks": ["/invoices"],  # a schedule's page: tests/browser/test_invoice_upload_journey.py
    "Chris Morgan": ["/cet", "/cet/policy-queue", "/cet/policy-queue/{item}",
                     "/cet/policy-queue/{item}/actions/close", "/policies", "/queue",
                     "/cet/exports/{export}", "/cet/trends", "/cet/trends?by=hub&then=outcome",
                     "/cet/clock-performance", "/cet/equity", "/cet/cohorts"],
    "Morgan Price": ["/audit", "/audit?case={decided}", "/audit?from=not-a-date",
                     "/audit?user=demo-officer&from[day]=31&from[month]=2&from[year]=2026"],
    "Alex Reid": ["/admin", "/admin/users", "/admin/users/new", "/admin/users/demo-officer", "/admin/panels",
                  "/jobs", "/cdf/confidential-prices"],
}


def arrange(client, auth, application, cdf_example, run_jobs) -> dict[str, str]:
    """A case at each step the pages show: screening, ready for the panel, decided; a CDF approval."""
    screening = Road(client, auth, application)
    screening.act(OFFICER, "confirm_complete")
    ready = Road(client, auth, application)
    ready.to_panel()
    decided = Road(client, auth, application)
    decided.to_panel()
    decided.act("demo-panel-chair", "decline", PAYLOADS["decline"])  # a decline follows a "No" finding
    cohort = Road(client, auth, application)
    cohort.act(OFFICER, "confirm_complete")
    cohort.screen("screen_cohort", {"cohort_description": "Adults with this tumour after crizotinib.",
                                    "reason": "Several hubs see the same request."})
    with_trust = client.post("/api/v1/cases?submit=true", json=application, headers=auth(CLINICIAN)).json
    entry = "pembrolizumab-nsclc-untreated-pdl1"
    cdf = client.post("/api/v1/cases", json=cdf_application_for(client, auth, cdf_example, entry),
                      headers=auth("demo-clinician")).json
    run_jobs()
    letters = {letter["recipient"]: str(letter["id"]) for letter in decided.case(CLINICIAN)["letters"]}
    return {"screening": screening.reference, "ready": ready.reference, "decided": decided.reference,
            "letter": letters["clinician"], "patient_letter": letters["patient"],
            "meeting": str(ready.meeting["id"]), "screening_meeting": str(ready.screening_meeting["id"]),
            "cdf": cdf["reference"], "entry": entry,
            "with_trust": with_trust["draft_reference"], "item": policy_items(client.application)[0],
            "export": made_export(client.application)}


def made_export(app) -> str:
    """A trends export Chris Morgan asked for, made in the background and ready to download."""
    from ifr_service import db
    from ifr_service.cet.models import CetExport
    from ifr_service.users.queries import find_user

    with app.app_context(), db.unit_of_work(app.extensions["ifr"].engine):
        item = CetExport(requested_by_id=find_user("demo-cet").id, report="trends", format="xlsx",
                         filename="trends.xlsx", status="ready", rows_total=3, rows_written=3, size_bytes=4,
                         content=b"PK..", arguments={"by": ["year"], "from": "2026-01-01", "to": "2026-12-31",
                                                     "filters": {}})
        db.session().add(item)
        db.session().flush()
        return str(item.id)


def policy_items(app) -> list[str]:
    from ifr_service import db
    from ifr_service.policy.queries import find_items

    with app.app_context(), db.unit_of_work(app.extensions["ifr"].engine):
        return [item.reference for item in find_items(None, 1, 10)[0]]


def test_every_page_passes_axe_at_every_impact_level_and_reads_on_a_phone(
        page, client, auth, application, cdf_application, run_jobs):
    known = arrange(client, auth, application, cdf_application, run_jobs)
    found = []
    page.on("console", lambda message: found.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text else None)
    page.on("response", lambda response: found.append(f"{response.url} answered {response.status}")
            if response.status >= 400 and response.request.resource_type != "document" else None)
    for person, paths in PAGES.items():
        page.context.clear_cookies()
        if person:
            sign_in(page, person)
        if person == "Dr Priya Shah":
            page.goto("/cases/new")
            page.get_by_role("button", name="Start now").click()
            pass_the_policy_check(page)
            known["draft"] = re.search(r"(/cases/DRAFT-[A-Z0-9]+)", page.url).group(1)
        for path in paths:
            page.goto(path.format(**known))
            found += check_page(page)
        if person == "Dr Priya Shah":  # a page of errors: the error summary, each message by its field
            page.goto(f"{known['draft']}/check")
            with page.expect_navigation():
                page.get_by_role("button", name="Send to your trust for sign-off").click()
            found += check_page(page)
    assert found == [], "\n".join(found)


def check_page(page) -> list[str]:
    """axe at desktop width, markup shown as text, and a sideways scroll at phone width."""
    found = all_violations(page)
    if re.search(r"</?(p|br|strong|ul|li|span)\b", page.inner_text("body")):
        found.append(f"{page.url}: markup shown as text")
    page.set_viewport_size(PHONE)
    # The header's script fits its navigation to the new width on the next animation frame.
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    try:
        assert_no_sideways_scroll(page)
    except AssertionError as error:
        found.append(f"{page.url}: {error}")
    finally:
        page.set_viewport_size(DESKTOP)
    return found
