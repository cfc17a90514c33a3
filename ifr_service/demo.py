"""The demo data set: the demo users, the London panel and screening group, an IFR case in every
workflow state, and
CDF applications approved, not approved, on treatment and stopped.

Every case is moved by the same service calls the API makes, so the demo holds
real events, clocks, letters and notifications, never rows written by hand.
"""

from __future__ import annotations

import copy
import io
import json
import tempfile
from datetime import date, timedelta
from pathlib import Path

import nhs_number

from ifr_service import db
from ifr_service.cases import actions, service
from ifr_service.cases.queries import count_cases
from ifr_service.cet.importer import import_cases
from ifr_service.cet.queries import find_imported_case
from ifr_service.cet.synthetic import write_history
from ifr_service.config import PROJECT_ROOT
from ifr_service.panels import queries as panels_queries
from ifr_service.panels import service as panels
from ifr_service.panels.models import Panel, PanelKind
from ifr_service.panels.queries import find_panel_for_region
from ifr_service.policy.jobs import file_cohort_candidates
from ifr_service.policy.library import load_policy_library
from ifr_service.reference.queries import get_hub
from ifr_service.runtime import runtime
from ifr_service.users.demo import load_demo_users
from ifr_service.users.queries import find_user

EXAMPLE = PROJECT_ROOT / "docs" / "examples" / "ifr-application.json"
CDF_EXAMPLE = PROJECT_ROOT / "docs" / "examples" / "cdf-application.json"


def test_range_nhs_numbers(count: int) -> list[str]:
    """Valid NHS numbers from the range reserved for testing (999 000 0000 upwards): never a patient's."""
    numbers, serial = [], 0
    while len(numbers) < count:
        serial += 1
        digits = f"999{serial:06d}"
        check = nhs_number.calculate_checksum(digits)
        if check is not None and check < 10:
            numbers.append(digits + str(check))
    return numbers

# The example's MDT discussion (form v3's trust_checks.mdt_date) must lie within the last 365 days
# (`max_age_days` in forms/ifr/ifr-application-v3.yaml): a fixed date in the file would make the demo,
# the tests and the benchmarks fail a year after it. Every user of the example dates it from the
# service's today instead, this many days before it.
MDT_DAYS_AGO = 40


REVIEW_IN_SIX_MONTHS = "six months from today"  # a payload's review date, set when taken (_dated)


def example_application(today: date | None = None) -> dict:
    """docs/examples/ifr-application.json, its MDT discussion dated MDT_DAYS_AGO days before `today`
    (the service's today when not given)."""
    return with_recent_mdt(json.loads(EXAMPLE.read_text(encoding="utf-8")), today or runtime().today())


def with_recent_mdt(answers: dict, today: date) -> dict:
    """The answers, their MDT discussion (if they have one) dated MDT_DAYS_AGO days before `today`."""
    if "trust_checks" in answers:
        answers["trust_checks"]["mdt_date"] = (today - timedelta(days=MDT_DAYS_AGO)).isoformat()
    return answers


DEMO_PANEL = [
    ("demo-panel-chair", "chair"),
    ("demo-panel-vice-chair", "vice_chair"),
    ("demo-panel-member", "public_health_consultant"),
    ("demo-panel-pharmacist", "pharmacist"),
    ("demo-panel-lay-member", "lay_member"),
    ("demo-panel-commissioner", "commissioning_representative"),
]


DEMO_SCREENING_GROUP = [
    ("demo-screening-chair", "chair"),
    ("demo-screening-clinician", "clinician"),
    ("demo-panel-member", "public_health_consultant"),
]


def load_demo_panel() -> Panel:
    """The London region's IFR panel, run by the London hub, with a member in every role; and its
    screening group (load_demo_screening_group)."""
    london = get_hub("london")
    panel = find_panel_for_region(london.region_id)
    if panel is None:
        panel = panels.create_panel("London IFR panel", "london")
        for username, panel_role in DEMO_PANEL:
            panels.add_member(panel, username, panel_role)
    load_demo_screening_group()
    return panel


def load_demo_screening_group() -> Panel:
    """The London region's screening group: a chair, a clinician and a public health consultant."""
    london = get_hub("london")
    group = find_panel_for_region(london.region_id, PanelKind.SCREENING_GROUP)
    if group is None:
        group = panels.create_panel("London screening group", "london", kind=PanelKind.SCREENING_GROUP)
        for username, panel_role in DEMO_SCREENING_GROUP:
            panels.add_member(group, username, panel_role)
    return group


# The London Review Panel: its own members, none of whom sits on the London IFR panel, so that they
# took no part in its decisions (docs/panels.md, "Review").
DEMO_REVIEW_PANEL = [
    ("demo-review-chair", "chair"),
    ("demo-review-vice-chair", "vice_chair"),
    ("demo-review-clinician", "clinician"),
    ("demo-review-lay-member", "lay_member"),
]


def load_demo_review_panel() -> Panel:
    """The London region's Review Panel, run by the London hub."""
    london = get_hub("london")
    panel = find_panel_for_region(london.region_id, PanelKind.REVIEW_PANEL)
    if panel is None:
        panel = panels.create_panel("London Review Panel", "london", kind=PanelKind.REVIEW_PANEL)
        for username, panel_role in DEMO_REVIEW_PANEL:
            panels.add_member(panel, username, panel_role)
    return panel


# A decline against a policy, and an approval where no policy covers the treatment: the two
# branches of the test (workflows/ifr.yaml).
FINDINGS_NO = {
    "policy_position": "against_policy", "policy_reference": "170091P",
    "comparator_group": "Adults with this cancer at this stage, after one line of treatment.",
    **{criterion: {"finding": "no", "reasons": reasons} for criterion, reasons in {
        "significantly_different": "Other patients at this stage of the disease present in the same way.",
        "significantly_more_benefit": "No reason to expect more benefit than in other such patients.",
    }.items()}}
FINDINGS_YES = {
    "policy_position": "no_policy",
    "cohort_in_disguise": {"finding": "no", "reasons": "No other patient is known to be in the same "
                                                       "position: the mutation is unique to this patient."},
    **{criterion: {"finding": "yes", "reasons": "The panel accepted the clinician's case."}
       for criterion in ("evidence_of_effectiveness", "value_for_money")}}
DECLINE = ("decline", "demo-panel-chair", {"findings": FINDINGS_NO,
                                           "summary": "The patient is not clinically exceptional."})
APPROVE = ("approve", "demo-panel-chair", {"findings": FINDINGS_YES,
                                           "summary": "Funded for twelve months, then reviewed."})
CHECKED = [("confirm_complete", "demo-officer", {})]
SCREENED_IN = [*CHECKED, ("screen_to_panel", "demo-officer",
                          {"reason": "An individual request with a case for exceptionality."})]
SCREENING_ACTIONS = ("screen_not_responsible", "screen_routinely_commissioned", "screen_cohort",
                     "screen_to_panel")
REVIEW_MEETING = ("review meeting", None, None)  # the London Review Panel meets: its agenda is built
REVIEW_ASKED = ("request_review", "demo-clinician", {
    "grounds": ["policy_not_followed"], "explanation": "The panel did not consider the policy."})


def grounds_considered(finding: str, reasons: str) -> tuple:
    """The initial consideration of REVIEW_ASKED's one ground, by the Review Panel's chair."""
    action = "refer_to_review_panel" if finding == "yes" else "refuse_review"
    return (action, "demo-review-chair", {"grounds_considered": {
        "policy_not_followed": {"finding": finding, "reasons": reasons}}})

# The clinician's submission, which goes to their trust for sign-off (form version 3), and the trust's
# chief pharmacist's approval, which submits it to NHS England.
SENT_TO_TRUST = ("submit", "demo-clinician", {})
SIGNED_OFF = [("approve_for_trust", "demo-trust-approver", {})]

# One case in every state of the workflow: (name, urgency, steps before the panel meets, after). The
# screening group meets today before the first screening outcome: the steps up to it come first.
JOURNEYS = [
    ("Draft", "routine", None, []),
    ("Deleted draft", "routine", None, [("delete_draft", "demo-clinician", {})]),
    ("With the trust", "routine", None, [SENT_TO_TRUST]),
    ("Returned by the trust", "routine", None, [SENT_TO_TRUST, (
        "return_to_clinician", "demo-trust-approver",
        {"comments": "Please add the date of the MDT that discussed the second-line options."})]),
    ("Submitted", "routine", [], []),
    ("Awaiting information", "routine", [("request_information", "demo-officer", {
        "questions": "Please send the most recent MRI report and the MDT outcome."})], []),
    ("Screening", "routine", CHECKED, []),
    ("Urgent", "emergency", [("refer_for_chairs_action", "demo-officer", {
        "reason": "Risk of irreversible deterioration within weeks."})], []),
    ("Ready for panel", "routine", SCREENED_IN, []),
    ("Deferred", "routine", SCREENED_IN, [("defer", "demo-panel-chair", {
        "information_needed": "The genomic report of the latest biopsy."})]),
    ("Approved", "urgent", SCREENED_IN, [APPROVE]),
    ("Approved with conditions", "routine", SCREENED_IN, [("approve_with_conditions", "demo-panel-chair", {
        "findings": FINDINGS_YES, "summary": "Funded on conditions.",
        "conditions": "Treatment at the regional centre only.", "review_date": REVIEW_IN_SIX_MONTHS,
        "stopping_criteria": "Progression on MRI at twelve weeks."})]),
    ("Declined", "routine", SCREENED_IN, [DECLINE]),
    ("Reconsideration", "routine", SCREENED_IN, [DECLINE, ("request_reconsideration", "demo-clinician", {
        "new_information": "A new scan shows the disease is now confined to the brain."})]),
    ("Review", "routine", SCREENED_IN, [DECLINE, ("request_review", "demo-clinician", {
        "grounds": ["evidence_not_considered"],
        "explanation": "The second-line trial data sent with the application was not considered."})]),
    ("Review not taken forward", "routine", SCREENED_IN, [DECLINE, REVIEW_ASKED, grounds_considered(
        "no", "The minutes record that the panel considered the policy's criteria one by one.")]),
    ("Awaiting review panel", "routine", SCREENED_IN, [DECLINE, REVIEW_ASKED, grounds_considered(
        "yes", "The pack held no copy of the policy, so the ground may be right.")]),
    ("Upheld", "routine", SCREENED_IN, [DECLINE, REVIEW_ASKED, grounds_considered(
        "yes", "The minutes do not say whether the policy was before the panel."), REVIEW_MEETING,
        ("uphold_on_review", "demo-review-chair", {"reason": "The policy was in the pack and minuted."})]),
    ("Not responsible", "routine", [*CHECKED, ("screen_not_responsible", "demo-officer", {
        "responsible_commissioner": "NHS Camden CCG",
        "reason": "The treatment is commissioned by the CCG, not NHS England."})], []),
    ("Routinely commissioned", "routine", [*CHECKED, ("screen_routinely_commissioned", "demo-officer", {
        "policy_reference": "An example national clinical commissioning policy",
        "reason": "The patient meets the policy's criteria."})], []),
    ("Cohort", "routine", [*CHECKED, ("screen_cohort", "demo-officer", {
        "cohort_description": "Patients with ROS1-positive lung cancer progressing in the brain.",
        "reason": "Several similar requests: a question for policy."})], []),
    ("Withdrawn", "routine", [("withdraw", "demo-clinician", {"reason": "Chose otherwise."})], []),
    ("Closed", "routine", SCREENED_IN, [APPROVE, ("close", "demo-officer", {"reason": "Treatment done."})]),
]


# CDF applications: (name, entry, ICD-10 code, criteria not confirmed, treatment recorded).
# Expired and lapsed approvals come with time: the sweep makes them once their dates pass.
CDF_JOURNEYS = [
    ("Cdf approved", "atezolizumab-urothelial-after-platinum", "C67.9", [], []),
    ("Cdf not approved", "atezolizumab-urothelial-after-platinum", "C67.2", ["performance_status"], []),
    ("Cdf on treatment", "sotorasib-nsclc-kras-g12c", "C34.1", [], ["record_start"]),
    ("Cdf stopped", "olaparib-ovarian-brca-maintenance", "C56", [], ["record_start", "record_stop"]),
    ("Cdf routine", "pembrolizumab-nsclc-untreated-pdl1", "C34.3", [], []),
]


def load_demo_data() -> dict[str, int]:
    users = load_demo_users()
    load_demo_panel()
    load_demo_review_panel()
    load_policy_library()  # NHS England's policies, cited, and demo ones marked as demo
    if count_cases():
        return {"users": users, "cases": 0}
    panel = load_demo_panel()
    clinician = find_user("demo-clinician")
    cases = []
    for number, (name, urgency, before, _) in zip(test_range_nhs_numbers(len(JOURNEYS)), JOURNEYS,
                                                  strict=True):
        answers = copy.deepcopy(example_application())
        answers["patient"].update(nhs_number=number, given_name=name)
        answers["urgency"] = {"level": urgency, "justification": "Rapid progression." if urgency != "routine"
                              else None}
        case = service.create_draft(clinician, answers)
        if before is not None:
            service.submit_case(case, clinician)
            _take(case, [*SIGNED_OFF, *_until_screened(before)])
        cases.append(case)
    _hold_meeting(load_demo_screening_group())
    for case, (_, _, before, _) in zip(cases, JOURNEYS, strict=True):
        _take(case, (before or [])[len(_until_screened(before or [])):])
    _hold_meeting(panel)
    for case, (_, _, _, after) in zip(cases, JOURNEYS, strict=True):
        _take(case, after)
    numbers = test_range_nhs_numbers(len(JOURNEYS) + len(CDF_JOURNEYS) + len(OVERDUE))[len(JOURNEYS):]
    cases += [_cdf_case(clinician, number, *journey)
              for number, journey in zip(numbers[:len(CDF_JOURNEYS)], CDF_JOURNEYS, strict=True)]
    cases += _overdue_cases(clinician, numbers[len(CDF_JOURNEYS):])
    return {"users": users, "cases": len(cases)}


# Work already late, so that the hub's queue shows overdue work standing out: requests that arrived
# some weeks ago (name, urgency, steps, days ago), their completeness check or screening past its target.
OVERDUE = [("Overdue check", "routine", [], 21), ("Overdue screening", "urgent", CHECKED, 28)]


def _overdue_cases(clinician, numbers: list[str]) -> list:
    """Moved by the same calls as every other case, on the day they arrived (the clocks count from it)."""
    real_today, real_now, cases = runtime().today, runtime().now, []
    try:
        for number, (name, urgency, steps, days_ago) in zip(numbers, OVERDUE, strict=True):
            arrived = real_today() - timedelta(days=days_ago)
            moment = real_now() - timedelta(days=days_ago)
            runtime().today = lambda day=arrived: day
            runtime().now = lambda at=moment: at
            answers = copy.deepcopy(example_application())
            answers["patient"].update(nhs_number=number, given_name=name)
            answers["urgency"] = {"level": urgency, "justification": "Rapid progression."}
            case = service.submit_case(service.create_draft(clinician, answers), clinician)
            _take(case, [*SIGNED_OFF, *steps])
            cases.append(case)
    finally:
        runtime().today, runtime().now = real_today, real_now
    return cases


def _cdf_case(clinician, number: str, name: str, entry_key: str, icd10_code: str, unmet: list[str],
              treatment: list[str]):
    """A CDF application for a demo entry, decided as the API decides it, then its treatment."""
    from ifr_service.cdf import service as cdf

    today = runtime().today()
    entry = runtime().cdf.current(entry_key, today)
    body = json.loads(CDF_EXAMPLE.read_text(encoding="utf-8"))
    del body["route"]
    body.update(entry=entry_key, criteria={c.key: c.key not in unmet for c in entry.criteria})
    body["patient"].update(nhs_number=number, given_name=name)
    body["diagnosis"]["icd10_code"] = icd10_code
    body["treatment"] = {"planned_start_date": today.isoformat(),
                         **{f.key: f.option_values[0] for f in entry.treatment_fields if f.options}}
    case = cdf.apply(clinician, body)
    payloads = {"record_start": {"date": today.isoformat()},
                "record_stop": {"date": today.isoformat(), "reason": "toxicity"}}
    _take(case, [(action, "demo-clinician", payloads[action]) for action in treatment])
    return case


def _until_screened(steps: list) -> list:
    """The steps before the screening outcome: the group's meeting comes between them and it."""
    return next((steps[:i] for i, (action, _, _) in enumerate(steps) if action in SCREENING_ACTIONS), steps)


def _take(case, steps) -> None:
    for action, username, payload in steps:
        if (action, username, payload) == REVIEW_MEETING:
            _hold_meeting(load_demo_review_panel())
            continue
        actions.take_action(case, action, find_user(username), _dated(payload))


def _dated(payload: dict) -> dict:
    """The payload with a review date set six months from the service's today, as a panel would: a
    fixed date would pass, and the demo must load in any year."""
    if payload.get("review_date") != REVIEW_IN_SIX_MONTHS:
        return payload
    return {**payload, "review_date": (runtime().today() + timedelta(weeks=26)).isoformat()}


def _hold_meeting(panel: Panel) -> None:
    """Today's meeting of a London panel (its IFR panel or screening group), everyone present, with
    every case waiting for it."""
    members = [member.id for member in panels_queries.find_members(panel.id)]
    kind = "review" if panel.kind == PanelKind.REVIEW_PANEL else "ordinary"
    meeting = panels.schedule_meeting(panel, runtime().today(), kind, members)
    panels.build_agenda(meeting)


DEMO_HISTORY_CASES = 5_000


def load_demo_history() -> int:
    """A synthetic national history in the CET's database (imported in its own units of work),
    with its cohort candidates filed in the policy-development queue: what the CET's views show.
    Loaded once; returns how many cases were imported."""
    with db.unit_of_work(runtime().engine):
        if find_imported_case() is not None:
            return 0
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "history.csv"
            write_history(path, DEMO_HISTORY_CASES, seed=2026, as_of=runtime().today())
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    report = import_cases(lines, io.StringIO())
    file_cohort_candidates()
    return report.loaded
