"""What each row of the audit log means, in words an auditor reads: "Viewed the case page", not
`pages.cases.show_case`. The endpoint (the row's `what`) stays in the log and in its CSV beside
these words; they are worked out when the log is shown, so a better phrase applies to old rows too.

Every endpoint that can write a row has its words here: tests/audit/test_words.py walks the app's
URL map and the recording call sites, so an endpoint added without words fails it. An action taken
on a case is named by the workflow's own title for it ("Approve", "Send to the IFR panel"), read
from the address, which carries the action's key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from werkzeug.exceptions import HTTPException

from ifr_service.audit.models import ADMIN, CHANGE, DENIED, EXPORT, LIST, READ

# The row's action, as the page and its download name it.
ACTION_WORDS = {READ: "Read", CHANGE: "Change", DENIED: "Refused", LIST: "List viewed", EXPORT: "Export",
                ADMIN: "Administration"}
# Endpoint -> words, or words per method where a GET shows a form and a POST does what it says.
WORDS: dict[str, str | dict[str, str]] = {
    # A case and its application
    "pages.cases.show_case": "Viewed the case page",
    "api.cases.get_case": "Read the case through the API",
    "pages.cases.list_cases": "Viewed the organisation's list of cases, with patients' names",
    "pages.cases.trust_sign_off": "Viewed the trust's applications awaiting sign-off, with patients' names",
    "pages.cases.queue": "Viewed the hub's work queue",
    "api.cases.hub_queue": "Read the hub's work queue through the API",
    "api.cases.similar_requests": "Read similar requests to the case through the API",
    "pages.application.start_application": {"GET": "Opened a new application",
                                            "POST": "Started an application"},
    "api.cases.create_case": "Started an application through the API",
    "pages.policy.start_checked_application": "Started an application from the policy check",
    "pages.application.task_list": "Viewed the application's task list",
    "pages.application.edit_section": {"GET": "Viewed a section of the application",
                                       "POST": "Changed a section of the application"},
    "api.cases.update_case": "Changed the draft application through the API",
    "pages.application.check_answers": {"GET": "Checked the application's answers",
                                        "POST": "Submitted the application"},
    "api.cases.submit_case": "Submitted the application through the API",
    "pages.application.submitted": "Viewed the confirmation that the application was submitted",
    "pages.application.delete_draft": {"GET": "Viewed the page to delete a draft",
                                       "POST": "Deleted a draft application"},
    "pages.cases.assign_case": "Assigned the case to an officer",
    "api.cases.assign_case": "Assigned the case through the API",
    # Actions of the case's workflow: the action's own title is added ("Took the action: Approve").
    "pages.cases.take_action": {"GET": "Opened the form to", "POST": "Took the action:"},
    "pages.evidence.answer_request": {"GET": "Opened the form to", "POST": "Took the action:"},
    "api.cases.take_action": "Took the action through the API:",
    # Files and letters
    "pages.evidence.add_attachment": {"GET": "Viewed the page to attach evidence",
                                      "POST": "Attached a file to the case"},
    "api.cases.add_attachment": "Attached a file to the case through the API",
    "pages.evidence.remove_attachment": "Removed a file from the case",
    "api.cases.remove_attachment": "Removed a file from the case through the API",
    "pages.cases.download_attachment": "Downloaded a file attached to the case",
    "api.cases.download_attachment": "Downloaded a file attached to the case through the API",
    "pages.evidence.prepare_for_panel": {"GET": "Viewed the page to prepare a file for the panel",
                                         "POST": "Prepared a file's copy for the panel"},
    "api.cases.prepare_attachment_for_panel": "Prepared a file's copy for the panel through the API",
    "pages.evidence.panel_copy": "Downloaded the panel's copy of a file",
    "pages.letters.show_letter": "Viewed a letter about the case",
    "pages.cases.download_letter": "Downloaded a letter about the case",
    "api.cases.download_letter": "Downloaded a letter about the case through the API",
    # The Cancer Drugs Fund
    "pages.cdf.apply": {"GET": "Opened a Cancer Drugs Fund application form",
                        "POST": "Applied to the Cancer Drugs Fund"},
    "pages.cdf.approval_confirmation": "Viewed a Cancer Drugs Fund approval",
    "pages.cdf.list_applications": "Viewed the region's Cancer Drugs Fund applications",
    "api.cdf.region_applications": "Read the region's Cancer Drugs Fund applications through the API",
    "pages.cdf.show_application": "Viewed a Cancer Drugs Fund application",
    "api.cdf.get_approval": "Looked up a Cancer Drugs Fund approval through the API",
    "api.funding.get_authorisation": "Looked up a funding authorisation through the API",
    "pages.cdf.convert_to_ifr": "Started an IFR from a Cancer Drugs Fund application",
    "api.cdf.convert_to_ifr": "Started an IFR from a Cancer Drugs Fund application through the API",
    "pages.cdf_team.national_spend": "Viewed or downloaded the national Cancer Drugs Fund spend",
    "pages.cdf_team.region_spend": "Viewed or downloaded a region's Cancer Drugs Fund spend",
    "pages.cdf_team.own_audit": "Opened the region's Cancer Drugs Fund audit",
    "pages.cdf_team.region_audit": "Viewed or downloaded a region's Cancer Drugs Fund audit",
    "pages.cdf_team.look_up_approval": "Looked up a Cancer Drugs Fund approval",
    "pages.funding.look_up": "Looked up a funding authorisation",
    "pages.funding.print_authorisation": "Printed a funding authorisation",
    "pages.invoices.show_schedule": "Viewed or downloaded the lines of a checked invoice schedule",
    "pages.sact.never_started": "Viewed or downloaded the CDF approvals never started",
    "pages.sact.treated_without_approval": "Viewed or downloaded the SACT treatment without an approval",
    "pages.sact.refused_rows": "Viewed or downloaded the SACT rows the rules refused",
    "pages.sact.completeness": "Viewed or downloaded the data collection agreements' completeness",
    "pages.sact.list_imports": "Viewed the SACT extracts imported",
    "pages.cdf_prices.enter_price": "Entered a confidential price of the Cancer Drugs Fund list",
    "api.cdf.enter_confidential_price": ("Entered a confidential price of the Cancer Drugs Fund list "
                                         "through the API"),
    # Administration
    "pages.admin.add_user": {"GET": "Opened the form to add a user", "POST": "Added a user"},
    "pages.admin.show_user": {"GET": "Viewed a user", "POST": "Changed a user's details, role or access"},
    "pages.panel_admin.add_member": "Gave someone a seat on a panel",
    "pages.panel_admin.change_member": {"GET": "Viewed a panel seat", "POST": "Changed a panel seat"},
    "pages.jobs.retry_job": "Retried a failed background job",
    # Panels
    "pages.panels.show_meeting": "Viewed a panel meeting and its agenda",
    "api.panels.get_meeting": "Read a panel meeting and its agenda through the API",
    "pages.panels.case_pack": "Viewed a case's panel pack",
    "api.panels.panel_pack": "Read a meeting's panel packs through the API",
    "pages.panels.pack_evidence": "Downloaded evidence from a panel pack",
    "api.panels.panel_evidence": "Downloaded evidence from a panel pack through the API",
    "pages.panels.minutes": "Viewed a meeting's minutes",
    "api.panels.meeting_minutes": "Read a meeting's minutes through the API",
    "pages.panels.build_agenda": "Built a meeting's agenda",
    "api.panels.build_agenda": "Built a meeting's agenda through the API",
    "pages.panels.move_on_agenda": "Moved a case on a meeting's agenda",
    "api.panels.move_on_agenda": "Moved a case on a meeting's agenda through the API",
    "pages.panels.remove_from_agenda": "Removed a case from a meeting's agenda",
    "api.panels.remove_from_agenda": "Removed a case from a meeting's agenda through the API",
    "pages.panels.record_attendance": "Recorded who attended a meeting",
    "api.panels.record_attendance": "Recorded who attended a meeting through the API",
    "pages.panels.declare_conflict": "Declared a conflict of interest",
    "api.panels.declare_conflict": "Declared a conflict of interest through the API",
    "pages.panels.withdraw_conflict": "Withdrew a declared conflict of interest",
    "api.panels.withdraw_conflict": "Withdrew a declared conflict of interest through the API",
    "pages.panels.schedule_meeting": "Scheduled a panel meeting",
    "api.panels.schedule_meeting": "Scheduled a panel meeting through the API",
    # The CET's analyses: rows only for their downloads (export:cet-...), which the subject names
    "pages.cet.dashboard": "Viewed or downloaded the CET's national dashboard",
    "pages.cet.trends": "Viewed or downloaded the national trends",
    "pages.cet.clock_performance": "Viewed or downloaded the performance against targets",
    "pages.cet.equity_page": "Viewed or downloaded the equity between hubs",
    "pages.cet.cohorts_page": "Viewed or downloaded the cohort candidates",
    "pages.cet.export_file": "Downloaded a CET export made in the background",
    # The audit log itself
    "pages.audit.search": "Searched the audit log",
    "api.audit.search_audit_log": "Searched the audit log through the API",
}
# The endpoints whose address names an action of the case's workflow, and that part's name.
ACTION_ENDPOINTS = {"pages.cases.take_action", "pages.evidence.answer_request", "api.cases.take_action"}
# A row about no one case is read by what it is about, where that says more than the endpoint: the
# subject itself or the start of it ("export:cdf-spend" for "export:cdf-spend:london:month").
SUBJECT_WORDS = {"export:audit-log": "Downloaded the audit log's search",
                 "export:cdf-spend": "Downloaded the Cancer Drugs Fund spend",
                 "export:cdf-audit": "Downloaded a region's Cancer Drugs Fund audit",
                 "cdf-price": "Entered a confidential price of the Cancer Drugs Fund list",
                 "export:cet-trends": "Downloaded the national trends",
                 "export:cet-clock-performance": "Downloaded the performance against targets",
                 "export:cet-equity": "Downloaded the equity between hubs",
                 "export:cet-cohorts": "Downloaded the cohort candidates"}



@dataclass(frozen=True)
class ActionName:
    title: str  # the workflow's own: "Approve", "Send to the IFR panel"
    decides: bool  # it leads to a decision (approved, declined, upheld...)


ActionNames = Callable[[str, str | None], ActionName | None]


def words_for(what: str, method: str) -> str | None:
    """The endpoint's words for the method, None when it has none (tests keep that from happening)."""
    found = WORDS.get(what)
    if isinstance(found, dict):
        return found.get(method) or found.get("GET")
    return found


def subject_words(subject: str | None) -> str | None:
    """The words for a row's subject, by the longest listed subject it is or begins (then a colon)."""
    while subject:
        if subject in SUBJECT_WORDS:
            return SUBJECT_WORDS[subject]
        subject = subject.rpartition(":")[0]
    return None


def describe(event, url_map, action_name: ActionNames) -> str:
    """One row in words. `url_map` reads an action's key from the row's path; `action_name(key,
    case_reference)` names it in the case's workflow."""
    if (subject_phrase := subject_words(event.subject)) is not None:
        return subject_phrase
    phrase = words_for(event.what, event.method)
    if phrase is None:
        return f"Used {event.what or 'an unnamed address'}"
    if event.what in ACTION_ENDPOINTS:
        phrase = _with_action(phrase, event, url_map, action_name)
    if event.action == DENIED:
        return "Refused: " + phrase[0].lower() + phrase[1:]
    return phrase


def _with_action(phrase: str, event, url_map, action_name: ActionNames) -> str:
    key = action_key(url_map, event.path, event.method)
    if key is None:
        return phrase.rstrip(":")
    named = action_name(key, event.case_reference) or ActionName(key.replace("_", " ").capitalize(), False)
    if not phrase.endswith(":"):  # "Opened the form to approve"
        return f"{phrase} {named.title[0].lower()}{named.title[1:]}"
    if named.decides:
        phrase = phrase.replace("Took the action", "Recorded a decision")
    return f"{phrase} {named.title}"


def action_key(url_map, path: str, method: str) -> str | None:
    """The action named in the row's address, read by the app's own routes."""
    try:
        _endpoint, view_args = url_map.bind("localhost").match(path, method=method)
    except HTTPException:
        return None
    return view_args.get("action")


class WorkflowActionNames:
    """Names an action in its case's workflow: `approve` is "Approve" in an IFR and "Approve against
    the criteria form" in a CDF application. Each case's workflow is looked up once."""

    def __init__(self, workflows: dict, route_of: Callable[[str], str | None]):
        self.workflows, self.route_of, self.routes = workflows, route_of, {}

    def __call__(self, key: str, case_reference: str | None) -> ActionName | None:
        if case_reference not in self.routes:
            self.routes[case_reference] = self.route_of(case_reference) if case_reference else None
        route = self.routes[case_reference]
        chosen = [self.workflows[route]] if route in self.workflows else list(self.workflows.values())
        for workflow in chosen:
            action = workflow.action(key)
            if action is not None:
                return ActionName(action.title, _decides(workflow, action))
        return None


def _decides(workflow, action) -> bool:
    try:
        return workflow.state(action.to).decided
    except StopIteration:  # an action that keeps its state
        return False
