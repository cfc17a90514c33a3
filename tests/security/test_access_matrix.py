"""Who may reach what: every API route and every page, asked by every role, against one demo world.

The allowed set of each endpoint is written out below and compared exactly: a role outside it is
answered 403 (its role may not) or 404 (it may not see that case, and is not told it exists).
A new endpoint fails this test until its row is added.
"""

from __future__ import annotations

import io
import re

import pytest
from sqlmodel import select

from ifr_service import db
from ifr_service.cases.models import Case
from ifr_service.cdf.models import CdfApplication
from ifr_service.cet.models import CetExport
from ifr_service.demo import load_demo_data
from ifr_service.jobs.models import OutboxMessage
from ifr_service.letters.models import Letter
from ifr_service.panels.models import Panel, PanelMeeting, PanelMember
from ifr_service.policy.models import PolicyItem
from ifr_service.users.queries import find_user
from tests.builders import PDF
from tests.web.browsing import Person

PEOPLE = {"clinician": "demo-clinician", "case_officer": "demo-officer", "panel_chair": "demo-panel-chair",
          "panel_member": "demo-panel-member", "cdf_admin": "demo-cdf-admin", "cet_analyst": "demo-cet",
          "policy_lead": "demo-policy-lead", "admin": "demo-admin", "auditor": "demo-auditor",
          "trust_approver": "demo-trust-approver"}
DENIED = {401, 403, 404}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# The demo cases are the London hub's, from the clinician's trust; the one ready for panel is on the
# agenda of the panel's meeting, and the approved one was decided there and has its letter.


@pytest.fixture
def world(app, client, auth, in_db, run_jobs) -> dict:
    in_db(load_demo_data)
    run_jobs()

    def read():
        session = db.session()
        case = session.exec(select(Case).where(Case.state == "ready_for_panel")).first()
        draft = session.exec(select(Case).where(Case.state == "draft")).first()
        waiting = session.exec(select(Case).where(Case.state == "awaiting_information")).first()
        decided = session.exec(select(Case).where(Case.state == "approved", Case.route == "ifr")).first()
        cdf = session.exec(select(CdfApplication).where(CdfApplication.approval_number.is_not(None))).first()
        panel = session.exec(select(Panel).where(Panel.kind == "ifr_panel")).one()
        member = find_user("demo-panel-member").id
        return {
            "case": case.reference, "cdf": session.get(Case, cdf.case_id).reference,
            "number": cdf.approval_number,
            "decided": decided.reference, "waiting": waiting.reference, "draft": draft.draft_reference,
            "letter_id": session.exec(select(Letter.id).where(Letter.case_id == decided.id)).first(),
            "policy": session.exec(select(PolicyItem.reference)).first(),
            "meeting_id": session.exec(select(PanelMeeting.id)
                                       .where(PanelMeeting.panel_id == panel.id)).first(),
            "panel_id": panel.id,
            "member_id": session.exec(select(PanelMember.id).where(
                PanelMember.panel_id == panel.id, PanelMember.user_id == member)).one(),
            "other_members": list(session.exec(select(PanelMember.id).where(
                PanelMember.panel_id == panel.id, PanelMember.user_id != member))),
            "entry_key": cdf.entry_key, "version": cdf.entry_version,
            "message_id": session.exec(select(OutboxMessage.id)).first(),  # completed: retry answers 409
        }

    def made_export() -> int:
        """A trends export the CET analyst asked for, made in the background and ready."""
        item = CetExport(requested_by_id=find_user("demo-cet").id, report="trends", format="csv",
                         filename="trends.csv", status="ready", content=b"year,cases\n", size_bytes=11,
                         arguments={"by": ["year"], "from": "2026-01-01", "to": "2026-12-31", "filters": {}})
        db.session().add(item)
        db.session().flush()
        return item.id

    known = in_db(read)
    known["export_id"] = in_db(made_export)
    known["attachment_id"] = _attach(client, auth, known["waiting"])
    known["conflict_id"] = _declare_conflict(client, auth, known)
    return known


def _declare_conflict(client, auth, known: dict, member_id: int | None = None) -> int:
    """The panel member (or another) declares an interest in the case on the agenda."""
    response = client.post(f"/api/v1/meetings/{known['meeting_id']}/conflicts", headers=auth("demo-officer"),
                           json={"case_reference": known["case"],
                                 "member_id": member_id or known["member_id"],
                                 "details": "Treated the patient."})
    assert response.status_code == 201, response.text
    [entry] = [entry for entry in response.json["agenda"] if entry["reference"] == known["case"]]
    return entry["conflicts"][-1]["id"]


def _attach(client, auth, reference: str) -> int:
    response = client.post(f"/api/v1/cases/{reference}/attachments", headers=auth("demo-clinician"),
                           data={"file": (io.BytesIO(PDF), "letter.pdf")})
    assert response.status_code == 201, response.text
    return response.json["id"]


def _path(rule, known: dict) -> str:
    values = {"hub_code": "london", "region_code": "london", "section": "patient", "action": "approve",
              "username": "demo-panel-member",  # an empty form changes nobody: 422 for the administrator
              "key": known["entry_key"], "entry_key": known["entry_key"], **known}
    if rule.endpoint.startswith(("api.policy.", "pages.policy.")):
        values.update(reference=known["policy"], action="accept")
    elif rule.endpoint.startswith("pages.cdf."):
        values["reference"] = known["cdf"]
    elif rule.endpoint.startswith("pages.application."):
        values["reference"] = known["draft"]
    elif "letter_id" in rule.arguments:
        values["reference"] = known["decided"]
    elif "attachment_id" in rule.arguments:
        values["reference"] = known["waiting"]
    else:
        values["reference"] = known["case"]
    path = rule.rule
    for name in rule.arguments:
        path = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(values[name]), path)
    return path


def actual_matrix(app, client, auth, known: dict) -> dict[str, set[str]]:
    people = {role: Person(app.test_client(), username) for role, username in PEOPLE.items()}
    reached: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        rule_of = getattr(app.view_functions[rule.endpoint], "access_rule", ("public",))
        if rule.endpoint == "static" or "public" in rule_of:
            continue
        method = sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        for role, person in people.items():
            path = _path(rule, known)
            if rule.endpoint.startswith("api."):
                response = client.open(path, method=method, json={}, headers=auth(PEOPLE[role]))
            elif method in UNSAFE:
                response = person.submit(path, {}, form_page="/policies")
            else:
                response = person.client.get(path)
            if response.status_code not in DENIED:
                reached.setdefault(rule.endpoint, set()).add(role)
                # Declared again for the next role, if it was withdrawn (only with a reason, so not here;
                # the declaration is the panel member's: they are refused 409 on the meeting's day).
                if rule.endpoint == "api.panels.withdraw_conflict" and response.status_code == 200:
                    another = known["other_members"].pop()
                    known["conflict_id"] = _declare_conflict(client, auth, known, another)
                # Taken off the agenda: back on it, for the next role and the endpoints after.
                if rule.endpoint.endswith(".remove_from_agenda") and response.status_code in (200, 302):
                    client.post(f"/api/v1/meetings/{known['meeting_id']}/agenda",
                                headers=auth("demo-officer"))
            else:
                reached.setdefault(rule.endpoint, set())
    return reached


def test_every_endpoint_answers_exactly_the_roles_allowed_to_use_it(app, client, auth, world):
    assert actual_matrix(app, client, auth, world) == EXPECTED


def test_a_case_of_another_trust_or_hub_is_not_found_just_like_one_that_does_not_exist(
        app, client, auth, world):
    """No existence leaks: every case address answers another trust's clinician, and another hub's
    case officer, exactly as it answers a reference nobody has."""
    outsiders = {"demo-clinician-2": "clinician", "officer-north-west": "case_officer"}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api.cases.") or "reference" not in rule.arguments:
            continue
        method = sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        real = _path(rule, world)
        missing = real.replace(world["case"], "IFR-2026-999999").replace(
            world["decided"], "IFR-2026-999999").replace(world["waiting"], "IFR-2026-999999")
        for username, role in outsiders.items():
            if role not in EXPECTED[rule.endpoint]:
                continue
            answers = [client.open(path, method=method, json={}, headers=auth(username))
                       for path in (real, missing)]
            assert [answer.status_code for answer in answers] == [404, 404], (rule.endpoint, username)
            assert answers[0].json == answers[1].json, (rule.endpoint, username)


EVERYONE = set(PEOPLE)
# Each endpoint and the roles that reach it in the demo world (with the case, meeting, policy item
# and CDF application of the London hub and region, and of the clinician's trust).
# Who may look a funding authorisation up (funding/service.py: LOOKING_UP).
LOOKING_UP = {'admin', 'case_officer', 'cdf_admin', 'cet_analyst', 'clinician', 'panel_chair',
              'trust_approver'}
EXPECTED = {
    "api.audit.search_audit_log": {'auditor'},
    "api.jobs.list_jobs": {'admin'},
    "api.jobs.retry_job": {'admin'},
    "api.cases.add_attachment": {'clinician'},
    "api.cases.remove_attachment": {'clinician'},
    "api.cases.prepare_attachment_for_panel": {'case_officer'},
    "api.cases.assign_case": {'case_officer'},
    "api.cases.create_case": {'clinician'},
    "api.cases.download_attachment": {'case_officer', 'clinician'},
    "api.cases.download_letter": {'case_officer', 'clinician'},
    "api.cases.get_case": {'case_officer', 'clinician', 'panel_chair'},
    "api.cases.hub_queue": {'case_officer', 'panel_chair'},
    "api.cases.similar_requests": {'case_officer', 'panel_chair'},
    "api.cases.submit_case": {'clinician'},
    "api.cases.take_action": {'panel_chair'},
    "api.cases.update_case": {'clinician'},
    "api.cdf.cdf_spend": {'cdf_admin', 'cet_analyst'},
    "api.cdf.convert_to_ifr": {'clinician'},
    "api.cdf.get_approval": {'cdf_admin', 'cet_analyst', 'clinician'},
    "api.funding.get_authorisation": LOOKING_UP,
    "api.cdf.get_entry_version": EVERYONE,
    "api.cdf.list_entries": EVERYONE,
    "api.cdf.region_applications": {'cdf_admin'},
    "api.cdf.region_audit": {'cdf_admin'},
    "api.cet.clock_performance": {'cet_analyst'},
    "api.cet.download_export": {'cet_analyst'},
    "api.cet.get_export": {'cet_analyst'},
    "api.cet.cohort_candidates": {'cet_analyst'},
    "api.cet.hub_equity": {'cet_analyst'},
    "api.cet.list_cohort_referrals": {'cet_analyst'},
    "api.cet.monthly_trends": {'cet_analyst'},
    "api.cet.trends_by_dimension": {'cet_analyst'},
    "api.panels.add_member": {'admin'},
    "api.panels.build_agenda": {'case_officer', 'panel_chair'},
    "api.panels.create_panel": {'admin'},
    "api.panels.declare_conflict": {'case_officer', 'panel_chair', 'panel_member'},
    "api.panels.get_meeting": {'case_officer', 'panel_chair', 'panel_member'},
    "api.panels.list_panels": {'admin', 'case_officer', 'panel_chair', 'panel_member'},
    "api.panels.meeting_minutes": {'case_officer', 'panel_chair', 'panel_member'},
    "api.panels.move_on_agenda": {'case_officer', 'panel_chair'},
    "api.panels.panel_pack": {'case_officer', 'panel_chair', 'panel_member'},
    "api.panels.panel_evidence": set(),  # the file is not in the pack (tests/panels/test_evidence.py)
    "api.panels.record_attendance": {'case_officer', 'panel_chair'},
    "api.panels.remove_from_agenda": {'case_officer', 'panel_chair'},
    "api.panels.schedule_meeting": {'case_officer', 'panel_chair'},
    "api.panels.update_member": {'admin'},
    "api.panels.withdraw_conflict": {'panel_chair', 'panel_member'},
    "api.policy.get_item": {'cet_analyst', 'policy_lead'},
    "api.policy.list_policies": EVERYONE,
    "api.policy.list_queue": {'cet_analyst', 'policy_lead'},
    "api.policy.match_policies": EVERYONE,
    "api.policy.take_action": {'cet_analyst', 'policy_lead'},
    "api.reference.list_commissioners": EVERYONE,
    "api.reference.list_hubs": EVERYONE,
    "api.users.set_hub_leads": {'admin'},
    "pages.application.check_answers": {'clinician'},
    "pages.application.delete_draft": {'clinician'},
    "pages.application.edit_section": {'clinician'},
    "pages.application.start_application": {'clinician'},
    "pages.application.submitted": {'clinician'},
    "pages.application.task_list": {'clinician'},
    "pages.audit.search": {'auditor'},
    "pages.jobs.list_jobs": {'admin'},
    "pages.jobs.retry_job": {'admin'},
    "pages.admin.overview": {'admin'},
    "pages.admin.list_users": {'admin'},
    "pages.admin.add_user": {'admin'},
    "pages.admin.show_user": {'admin'},
    "pages.panel_admin.list_panels": {'admin'},
    "pages.panel_admin.show_panel": {'admin'},
    "pages.panel_admin.add_member": {'admin'},
    "pages.panel_admin.change_member": {'admin'},
    "pages.evidence.add_attachment": {'clinician'},
    "pages.evidence.remove_attachment": {'clinician'},
    "pages.evidence.prepare_for_panel": {'case_officer'},
    "pages.evidence.answer_request": set(),  # approve is not an answer: 404 to all
    "pages.evidence.panel_copy": set(),  # the file is not in the pack (tests/panels/test_evidence.py)
    "pages.cases.assign_case": {'case_officer'},
    "pages.cases.download_attachment": {'case_officer', 'clinician'},
    "pages.cases.download_letter": {'case_officer', 'clinician'},
    "pages.letters.show_letter": {'case_officer', 'clinician'},  # the letter's page: as its PDF
    "pages.cases.list_cases": {'clinician'},
    "pages.cases.trust_sign_off": {'trust_approver'},
    "pages.cases.queue": {'case_officer', 'panel_chair'},
    "pages.cases.show_case": {'case_officer', 'clinician', 'panel_chair'},
    "pages.cases.take_action": {'panel_chair'},
    "pages.cdf.apply": {'clinician'},
    "pages.cdf.approval_confirmation": {'clinician'},
    "pages.cdf.choose_drug": {'clinician'},
    "pages.cdf.convert_to_ifr": {'clinician'},
    "pages.cdf.list_applications": {'cdf_admin'},
    "pages.cdf.show_application": {'cdf_admin', 'clinician'},
    "pages.cdf_team.look_up_approval": {'cdf_admin', 'cet_analyst', 'clinician'},
    "pages.funding.look_up": LOOKING_UP,
    "pages.funding.print_authorisation": LOOKING_UP,
    "pages.cdf_team.national_spend": {'cdf_admin', 'cet_analyst'},
    "pages.cdf_team.own_audit": {'cdf_admin'},
    "pages.cdf_team.region_audit": {'cdf_admin'},
    "pages.cdf_team.region_spend": {'cdf_admin'},
    "pages.cet.clock_performance": {'cet_analyst'},
    "pages.cet.cohorts_page": {'cet_analyst'},
    "pages.cet.dashboard": {'cet_analyst'},
    "pages.cet.equity_page": {'cet_analyst'},
    "pages.cet.export_file": {'cet_analyst'},
    "pages.cet.export_status": {'cet_analyst'},
    "pages.cet.trends": {'cet_analyst'},
    "pages.panels.build_agenda": {'case_officer', 'panel_chair'},
    "pages.panels.case_pack": {'case_officer', 'panel_chair', 'panel_member'},
    "pages.panels.pack_evidence": set(),  # the file is not in the pack (tests/panels/test_evidence.py)
    "pages.panels.declare_conflict": {'case_officer', 'panel_chair', 'panel_member'},
    "pages.panels.list_meetings": {'case_officer', 'panel_chair', 'panel_member'},
    "pages.panels.minutes": {'case_officer', 'panel_chair', 'panel_member'},
    "pages.panels.move_on_agenda": {'case_officer', 'panel_chair'},
    "pages.panels.record_attendance": {'case_officer', 'panel_chair'},
    "pages.panels.remove_from_agenda": {'case_officer', 'panel_chair'},
    "pages.panels.schedule_meeting": {'case_officer', 'panel_chair'},
    "pages.panels.show_meeting": {'case_officer', 'panel_chair', 'panel_member'},
    "pages.panels.withdraw_conflict": {'panel_chair', 'panel_member'},
    "pages.policy.check_request": {'clinician'},
    "pages.policy.list_items": {'cet_analyst', 'policy_lead'},
    "pages.policy.list_policies": EVERYONE,
    "pages.policy.show_item": {'cet_analyst', 'policy_lead'},
    "pages.policy.start_checked_application": {'clinician'},
    "pages.policy.take_action": {'cet_analyst', 'policy_lead'},
    # Each person's own kept answers (web/saved_forms.py), never another's.
    "pages.timeout.discard_saved_answers": EVERYONE,
    "pages.timeout.saved_answers": EVERYONE,
}
