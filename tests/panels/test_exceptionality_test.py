"""The exceptionality test as it is applied: the panel says which test applies (against a policy, with
the policy and the comparator group stated; or no policy, or a condition so rare that no group can
form) and gives findings on that branch's criteria only; the outcome follows them unless the chair
says why not; the letter and the minutes state the test; and findings recorded before the test
branched (four criteria for every case) still read everywhere they did."""

from __future__ import annotations

import pytest
from sqlmodel import select

from ifr_service import db
from ifr_service.cases.models import CaseEvent
from ifr_service.cases.queries import get_case, record_event
from ifr_service.cet import national
from ifr_service.cet.models import NationalCase
from ifr_service.letters.content import payload_sections
from ifr_service.runtime import runtime
from ifr_service.users.queries import find_user
from tests.builders import CHAIR, CLINICIAN, DECISION, OFFICER, Road, findings
from tests.letters.test_letters import letter_of, pdf_text
from tests.web.browsing import Person

NO_POLICY = {"findings": findings("yes", test="no_policy"), "summary": "Funded: no other patient like this."}
RARE_DECLINE = {"findings": findings("no", test="rare_condition"), "summary": "Not effective enough."}
# As a decision was recorded before the test branched: the same four questions of every case.
FOUR_CRITERIA = {criterion: {"finding": "no", "reasons": f"Recorded reasons on {criterion}."}
                 for criterion in ("significantly_different", "significantly_more_benefit",
                                   "evidence_of_effectiveness", "value_for_money")}


@pytest.fixture
def road(client, auth, application):
    road = Road(client, auth, application)
    road.to_panel()
    return road


def errors_of(response) -> dict[str, str]:
    return {error["field"]: error["message"] for error in response.json["errors"]}


def recorded_decision(in_db) -> dict:
    def payload():
        return db.session().exec(select(CaseEvent).where(CaseEvent.name == "decision_recorded")).one().payload

    return in_db(payload)


def with_findings(payload: dict, **changes) -> dict:
    return {**payload, "findings": {**payload["findings"], **changes}}


# A decision on each branch

def test_an_approval_against_a_policy_records_the_policy_and_the_comparator_group(road, in_db):
    assert road.act(CHAIR, "approve", DECISION).json["state"] == "approved"
    recorded = recorded_decision(in_db)["findings"]
    assert recorded["policy_position"] == "against_policy" and recorded["policy_reference"] == "170091P"
    assert recorded["comparator_group"].startswith("Adults with ROS1-positive")
    assert set(recorded) == {"policy_position", "policy_reference", "comparator_group",
                             "significantly_different", "significantly_more_benefit"}


def test_an_approval_with_no_policy_asks_whether_it_is_a_cohort_in_disguise(road, in_db):
    assert road.act(CHAIR, "approve", NO_POLICY).json["state"] == "approved"
    recorded = recorded_decision(in_db)["findings"]
    assert recorded["cohort_in_disguise"]["finding"] == "no"
    assert set(recorded) == {"policy_position", "cohort_in_disguise", "evidence_of_effectiveness",
                             "value_for_money"}


def test_a_decline_on_a_rare_condition_applies_the_same_three_criteria(road, in_db):
    assert road.act(CHAIR, "decline", RARE_DECLINE).json["state"] == "declined"
    assert recorded_decision(in_db)["findings"]["policy_position"] == "rare_condition"


# The outcome follows the findings of the branch

def test_an_approval_of_a_cohort_in_disguise_is_refused_without_a_departure_reason(road):
    cohort = with_findings(NO_POLICY, cohort_in_disguise={"finding": "yes", "reasons": "Others are alike."})
    errors = errors_of(road.act(CHAIR, "approve", cohort, expect=422))
    assert set(errors) == {"findings.cohort_in_disguise.finding", "departure_reason"}
    assert "a question for policy, not an individual funding request" in errors[
        "findings.cohort_in_disguise.finding"]
    assert road.case()["state"] == "ready_for_panel"


def test_a_decline_with_every_criterion_of_its_branch_met_is_refused_without_a_departure_reason(road):
    met = {**NO_POLICY, "summary": "Declined by the panel."}
    errors = errors_of(road.act(CHAIR, "decline", met, expect=422))
    assert set(errors) == {"findings", "departure_reason"}
    assert errors["findings"] == ("A decline needs at least one criterion not met: the panel found every "
                                  "criterion met")


def test_a_cohort_in_disguise_is_a_finding_a_decline_follows(road):
    cohort = with_findings(RARE_DECLINE, **{key: {"finding": "yes", "reasons": "Shown by the evidence."}
                                            for key in ("evidence_of_effectiveness", "value_for_money")})
    assert road.act(CHAIR, "decline", cohort).json["state"] == "declined"


def test_a_departure_from_the_findings_of_a_branch_stands_when_the_chair_says_why(road):
    cohort = with_findings(NO_POLICY, cohort_in_disguise={"finding": "yes", "reasons": "Others are alike."})
    departing = {**cohort, "departure_reason": "Funded while the policy question goes to the CET."}
    assert road.act(CHAIR, "approve", departing).json["state"] == "approved"


# The comparator group, and the questions of each branch

def test_the_comparator_group_is_required_against_a_policy(road):
    without = {**DECISION, "findings": {key: value for key, value in DECISION["findings"].items()
                                        if key != "comparator_group"}}
    errors = errors_of(road.act(CHAIR, "approve", without, expect=422))
    assert errors == {"findings.comparator_group": "Enter the comparator group"}


def test_the_comparator_group_and_the_policy_are_not_asked_with_no_policy(road):
    stated = with_findings(NO_POLICY, comparator_group="Adults with the condition.",
                           policy_reference="170091P")
    errors = errors_of(road.act(CHAIR, "approve", stated, expect=422))
    assert errors["findings.comparator_group"] == (
        'Leave out the comparator group: it is asked only when the test that applies is "Against a '
        'policy: a policy covers the treatment for this condition"')
    assert set(errors) == {"findings.comparator_group", "findings.policy_reference"}


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"policy_position": None}, "findings.policy_position", "Select the test that applies"),
    ({"policy_position": "exceptional"}, "findings.policy_position", "Select the test that applies: one of"),
    ({"policy_reference": ""}, "findings.policy_reference", "Enter the policy's reference"),
    ({"significantly_more_benefit": None}, "findings.significantly_more_benefit",
     "Answer the questions on significantly more benefit"),
    ({"value_for_money": {"finding": "yes", "reasons": "Value for money shown."}}, "findings.value_for_money",
     "Leave out value for money: it is asked only when the test that applies is"),
    ({"significantly_different": {"finding": "maybe", "reasons": "Not sure at all."}},
     "findings.significantly_different.finding", "Select finding for significant difference"),
])
def test_a_bad_decision_is_refused_naming_the_field_and_changes_nothing(road, change, field, message):
    errors = errors_of(road.act(CHAIR, "approve", with_findings(DECISION, **change), expect=422))
    assert errors[field].startswith(message), errors
    assert road.case()["state"] == "ready_for_panel"


def test_a_policy_position_with_no_findings_at_all_names_each_missing_criterion(road):
    errors = errors_of(road.act(CHAIR, "decline", {"findings": {"policy_position": "rare_condition"},
                                                   "summary": "Declined by the panel."}, expect=422))
    assert set(errors) == {"findings.cohort_in_disguise", "findings.evidence_of_effectiveness",
                           "findings.value_for_money"}


# The letter and the minutes state the test the panel applied

def test_the_letter_states_the_test_with_no_policy_and_its_findings(road, run_jobs):
    road.act(CHAIR, "approve", NO_POLICY)
    run_jobs()
    text = pdf_text(letter_of(road)[1])
    assert "No policy covers this treatment for the patient's condition." in text
    assert "Is this a cohort in disguise: would other patients be in the same position?" in text
    assert "Is there evidence of clinical effectiveness?" in text
    assert "comparator group" not in text and "significantly different" not in text


def test_every_test_a_panel_can_choose_has_its_words_in_the_letter(app):
    from ifr_service.letters.content import wording

    with app.app_context():
        for key in ("approve", "approve_with_conditions", "decline"):
            payload = runtime().workflows["ifr"].action(key).payload
            findings_field = next(f for f in payload if f.key == "findings")
            position = next(f for f in findings_field.fields if f.key == "policy_position")
            assert set(position.option_values) == set(wording()["exceptionality_test"]["branches"])


def test_the_letter_on_a_rare_condition_says_so(road, run_jobs):
    road.act(CHAIR, "decline", RARE_DECLINE)
    run_jobs()
    assert "so rare that no group of patients like them can form" in pdf_text(letter_of(road)[1])


def test_the_minutes_show_the_branch_and_its_criteria_only(road, client):
    road.act(CHAIR, "decline", RARE_DECLINE)
    minutes = Person(client, OFFICER).open(f"/panel/meetings/{road.meeting['id']}/minutes")
    assert "A rare condition: so rare that no group of patients like this one can form" in minutes
    assert "Is this a cohort in disguise" in minutes
    assert "comparator group" not in minutes


def test_the_cet_records_no_exceptionality_finding_where_the_test_asks_none(road, in_db):
    road.act(CHAIR, "approve", NO_POLICY)
    row = in_db(lambda: db.session().exec(select(NationalCase)).one())
    assert (row.outcome, row.exceptionality_found) == ("approved", None)


# Findings recorded before the test branched

def recorded_before_the_branches(road, in_db) -> None:
    """A decline as an older case holds it: its event's findings in the four-criterion shape, as the
    service recorded them then (events are append-only, so it is written as it was then)."""

    def record():
        case = get_case(road.reference)
        record_event(case, "decision_recorded", find_user(CHAIR), case.state, "declined", {
            "findings": FOUR_CRITERIA, "summary": "The patient is not clinically exceptional.",
            "decided_by": "panel",
            "panel_meeting": {"id": road.meeting["id"], "date": road.meeting["meeting_date"]}})
        case.state = "declined"
        db.session().add(case)

    in_db(record)


def test_older_findings_still_show_in_the_case_history_and_the_minutes(road, client, in_db):
    recorded_before_the_branches(road, in_db)
    history = Person(client, OFFICER).open(f"/cases/{road.reference}")
    minutes = Person(client, OFFICER).open(f"/panel/meetings/{road.meeting['id']}/minutes")
    for shown in (history, minutes):
        for criterion in FOUR_CRITERIA:
            assert f"Recorded reasons on {criterion}." in shown
        assert "Is there evidence of clinical effectiveness?" in shown
    assert "Which test applies?" not in minutes  # asked only since the test branched


def test_older_findings_still_print_in_a_letter_made_from_them(app):
    with app.app_context():
        decline = runtime().workflows["ifr"].action("decline")
        (findings_section, summary) = payload_sections(decline.payload, {
            "findings": FOUR_CRITERIA, "summary": "Not exceptional."})
    assert findings_section.paragraphs == ()  # no test stated: none was chosen then
    assert [row[0] for row in findings_section.table[1:]] == [
        "Is the patient significantly different from the comparator group?",
        "Is the patient likely to gain significantly more benefit than is usual for the comparator group?",
        "Is there evidence of clinical effectiveness?", "Is the treatment value for money?"]
    assert findings_section.table[3][2] == "Recorded reasons on evidence_of_effectiveness."
    assert summary.paragraphs == ("Not exceptional.",)


def test_older_findings_still_give_the_cet_its_exceptionality_finding(road, in_db):
    recorded_before_the_branches(road, in_db)

    def rebuilt():
        db.session().delete(db.session().exec(select(NationalCase)).one())
        db.session().flush()
        national.backfill()
        return db.session().exec(select(NationalCase)).one().exceptionality_found

    assert in_db(rebuilt) is False


def test_the_clinician_reads_the_decision_on_their_case_page(road, client):
    road.act(CHAIR, "approve", NO_POLICY)
    page = Person(client, CLINICIAN).open(f"/cases/{road.reference}")
    assert "No policy covers the treatment for this condition" in page
