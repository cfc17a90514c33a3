"""Screenshots of the main pages for docs/screenshots/, made by one command: `make screenshots`
(`python -m tools.screenshots`).

It builds a fresh embedded database with the reference and demo data, serves it on a local
port and visits each page in Debian's headless Chromium as the person who uses it. It lives
outside the service's package because Playwright is a development dependency.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright
from sqlmodel import select

from ifr_service import db, migrate
from ifr_service.config import PROJECT_ROOT, Config
from ifr_service.web.live import free_local_url, serving

CHROMIUM = "/usr/bin/chromium"
# (file name, who, the page: a path with {placeholders} found in the demo data)
SHOTS = [
    ("start", None, "/"),
    ("sign-in", None, "/sign-in"),
    ("clinician-cases", "demo-clinician", "/cases"),
    ("clinician-task-list", "demo-clinician", "/cases/{draft}/application"),
    ("clinician-section", "demo-clinician", "/cases/{draft}/application/patient"),
    ("clinician-check-answers", "demo-clinician", "/cases/{draft}/check"),
    ("clinician-upload-evidence", "demo-clinician", "/cases/{draft}/attachments/new"),
    ("clinician-answer-request", "demo-clinician", "/cases/{awaiting}/answer/provide_information"),
    ("clinician-decided-case", "demo-clinician", "/cases/{approved}"),
    ("clinician-urgency-reveal", "demo-clinician", "/cases/{draft}/application/urgency"),
    ("clinician-delete-draft", "demo-clinician", "/cases/{draft}/delete"),
    ("clinician-withdraw", "demo-clinician", "/cases/{screening}/actions/withdraw"),
    ("clinician-letter", "demo-clinician", "/cases/{letter_case}/letters/{letter}/page"),
    ("patient-letter", "demo-officer", "/cases/{patient_letter_case}/letters/{patient_letter}/page"),
    ("cdf-choose-drug", "demo-clinician", "/cdf"),
    ("cdf-apply-patient", "demo-clinician", "/cdf/{cdf_entry}/apply"),
    ("cdf-case", "demo-clinician", "/cases/{cdf}"),
    ("cdf-approval-confirmation", "demo-clinician", "/cdf/applications/{cdf}/confirmation"),
    ("officer-queue", "demo-officer", "/queue"),
    ("officer-case", "demo-officer", "/cases/{screening}"),
    ("officer-screening-action", "demo-officer", "/cases/{screening}/actions/screen_to_panel"),
    ("panel-meetings", "demo-panel-chair", "/panel/meetings"),
    ("panel-meeting", "demo-panel-chair", "/panel/meetings/{meeting}"),
    ("panel-decision", "demo-panel-chair", "/cases/{ready}/actions/decline"),
    ("panel-minutes", "demo-panel-chair", "/panel/meetings/{meeting}/minutes"),
    ("cdf-admin-applications", "demo-cdf-admin", "/cdf/applications"),
    ("cdf-admin-spend", "demo-cdf-admin", "/cdf/regions/london/spend"),
    ("cdf-admin-audit", "demo-cdf-admin", "/cdf/regions/london/audit"),
    ("cdf-admin-approval", "demo-cdf-admin", "/cdf/approvals?number={cdf_number}"),
    ("cet-dashboard", "demo-cet", "/cet"),
    ("cet-trends", "demo-cet", "/cet/trends?by=region&then=route"),
    ("cet-trends-by-month", "demo-cet", "/cet/trends?by=month&then=route"),
    ("cet-clock-performance", "demo-cet", "/cet/clock-performance"),
    ("cet-equity", "demo-cet", "/cet/equity"),
    ("cet-cohorts", "demo-cet", "/cet/cohorts"),
    ("cet-policy-queue", "demo-cet", "/cet/policy-queue"),
]


def take_screenshots(target: Path) -> list[Path]:
    with tempfile.TemporaryDirectory() as scratch:
        app = _demo_app(Path(scratch))
        known = _demo_references(app)
        target.mkdir(parents=True, exist_ok=True)
        written = []
        with serving(app) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
            for name, username, path in SHOTS:
                written.append(_shoot(browser, url, username, path.format(**known), target / f"{name}.png"))
            browser.close()
        app.extensions["ifr"].engine.dispose()
    return written


def _shoot(browser, url: str, username: str | None, path: str, file: Path) -> Path:
    context = browser.new_context(base_url=url, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    if username:
        page.goto("/sign-in")
        page.locator(f'input[name="username"][value="{username}"]').check()
        page.get_by_role("button", name="Sign in").click()
    response = page.goto(path)
    if response is None or response.status != 200:
        raise RuntimeError(f"{path} answered {response and response.status} for {username}")
    page.screenshot(path=str(file), full_page=True)
    context.close()
    return file


def _demo_app(scratch: Path):
    from ifr_service.app import create_app
    from ifr_service.demo import load_demo_data, load_demo_history
    from ifr_service.reference.loader import load_reference_data

    config = Config(environment="development", database_url=f"sqlite:///{scratch / 'screenshots.sqlite3'}",
                    secret_key="screenshots-only-" + "x" * 32,
                    sign_in_rate_limit="1000 per minute",  # a sign-in a shot, in quick succession
                    service_url=free_local_url())  # where serving() serves it: its sign-in callback
    migrate.upgrade(config)
    app = create_app(config)
    with app.app_context(), db.unit_of_work(app.extensions["ifr"].engine):
        load_reference_data()
        load_demo_data()
    with app.app_context():
        load_demo_history()
    return app


def _demo_references(app) -> dict[str, str]:
    from ifr_service.cases.models import Case
    from ifr_service.cdf.models import CdfApplication
    from ifr_service.letters.models import Letter
    from ifr_service.panels.models import PanelMeeting

    with app.app_context(), db.unit_of_work(app.extensions["ifr"].engine):
        session = db.session()

        def first(state: str) -> str:
            case = session.exec(select(Case).where(Case.state == state).order_by(Case.id)).first()
            return case.public_reference

        def letter(recipient: str) -> dict[str, str]:
            decisions = select(Letter).where(Letter.recipient == recipient,
                                             Letter.kind == "decision_recorded")
            found = session.exec(decisions.order_by(Letter.id)).first()
            prefix = "" if recipient == "clinician" else "patient_"
            return {f"{prefix}letter": str(found.id),
                    f"{prefix}letter_case": session.get(Case, found.case_id).public_reference}

        meeting = session.exec(select(PanelMeeting).order_by(PanelMeeting.id.desc())).first()
        cdf = session.exec(select(CdfApplication, Case).join(Case, Case.id == CdfApplication.case_id)
                           .where(CdfApplication.approval_number.is_not(None)).order_by(Case.id)).first()
        return {"draft": first("draft"), "approved": first("approved"), "screening": first("screening"),
                "ready": first("ready_for_panel"), "awaiting": first("awaiting_information"),
                "meeting": str(meeting.id), "cdf": cdf[1].public_reference, "cdf_entry": cdf[0].entry_key,
                "cdf_number": cdf[0].approval_number,
                **letter("clinician"), **letter("patient")}


if __name__ == "__main__":
    for path in take_screenshots(PROJECT_ROOT / "docs" / "screenshots"):
        print(f"wrote {path.relative_to(PROJECT_ROOT)}")
