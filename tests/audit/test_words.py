"""The audit log speaks in words: every endpoint that can write a row has them, and an action on a
case is named by its workflow's own title."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from ifr_service.audit import words
from tests.audit.call_graph import recording_endpoints


@pytest.fixture
def describe(app):
    """words.describe over the app's own routes and workflows, each case's route as `routes` says."""
    workflows = app.extensions["ifr"].workflows

    def run(what: str, path: str, method: str = "GET", action: str = "read", case: str | None = None,
            subject: str | None = None, routes: dict | None = None) -> str:
        event = SimpleNamespace(what=what, path=path, method=method, action=action, case_reference=case,
                                subject=subject)
        names = words.WorkflowActionNames(workflows, (routes or {}).get)
        return words.describe(event, app.url_map, names)
    return run


def test_every_endpoint_that_can_write_an_audit_row_has_words(app):
    recording = recording_endpoints(app)

    # The walk finds the known recorders (a walk that found nothing would pass vacuously).
    assert {"pages.cases.show_case", "api.cases.get_case", "pages.cases.queue", "pages.audit.search",
            "pages.cases.download_letter", "api.panels.panel_pack"} <= recording
    assert sorted(recording - set(words.WORDS)) == []


def test_every_endpoint_with_words_is_the_apps_and_each_method_named_is_one_it_takes(app):
    methods = {}
    for rule in app.url_map.iter_rules():
        methods.setdefault(rule.endpoint, set()).update(rule.methods)

    assert sorted(set(words.WORDS) - set(methods)) == []
    for endpoint, phrase in words.WORDS.items():
        if isinstance(phrase, dict):
            assert set(phrase) <= methods[endpoint], endpoint


def test_a_page_view_a_download_and_a_refusal_read_as_what_was_done(describe):
    assert describe("pages.cases.show_case", "/cases/IFR-2026-000001") == "Viewed the case page"
    assert describe("pages.cases.download_letter", "/cases/IFR-2026-000001/letters/3") \
        == "Downloaded a letter about the case"
    assert describe("api.cases.get_case", "/api/v1/cases/IFR-2026-000001", action="denied") \
        == "Refused: read the case through the API"
    assert describe("pages.application.edit_section", "/cases/DRAFT-ABCD2345/application/patient",
                    method="POST", action="change") == "Changed a section of the application"


def test_an_action_is_named_by_its_workflows_title_and_a_decision_says_so(describe):
    path = "/cases/IFR-2026-000001/actions/{}"
    assert describe("pages.cases.take_action", path.format("approve"), "POST", "change",
                    "IFR-2026-000001", routes={"IFR-2026-000001": "ifr"}) == "Recorded a decision: Approve"
    assert describe("pages.cases.take_action", path.format("screen_to_panel"), "POST", "change") \
        == "Took the action: Send to the IFR panel"
    assert describe("pages.cases.take_action", path.format("decline"), "GET") == "Opened the form to decline"
    assert describe("api.cases.take_action", "/api/v1/cases/IFR-2026-000001/actions/request_information",
                    "POST", "change") == "Took the action through the API: Ask the clinician for information"


def test_the_same_action_key_is_named_by_the_cases_own_workflow(describe):
    """`approve` is the IFR panel's "Approve" and the CDF's "Approve against the criteria form"."""
    path = "/api/v1/cases/IFR-2026-000009/actions/approve"
    assert describe("api.cases.take_action", path, "POST", "change", "IFR-2026-000009",
                    routes={"IFR-2026-000009": "cdf"}) \
        == "Took the action through the API: Approve against the criteria form"


def test_an_address_that_no_longer_matches_still_reads_in_words(describe):
    assert describe("pages.cases.take_action", "/somewhere/else", "POST", "change") == "Took the action"


def test_an_export_reads_as_a_download_of_the_audit_log(describe):
    assert describe("pages.audit.search", "/audit", action="export", subject="export:audit-log") \
        == "Downloaded the audit log's search"


def test_a_subject_reads_by_the_listed_subject_it_begins_with(describe):
    assert describe("pages.cdf_team.region_spend", "/cdf/regions/Y56/spend", action="export",
                    subject="export:cdf-spend:london:month") == "Downloaded the Cancer Drugs Fund spend"
    assert describe("pages.cdf_team.region_spend", "/cdf/regions/Y56/spend", action="export",
                    subject="export:cdf-spending") \
        == "Viewed or downloaded a region's Cancer Drugs Fund spend"
