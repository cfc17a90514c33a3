"""The treatment-break rule of NHS England's policy *Continuation of funding for systemic anti-cancer
therapy following a break in treatment*, with no database: 6 weeks (12 for immunotherapy) beyond the
end of the last cycle needs no form; longer needs a treatment-break request."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
import yaml

from ifr_service.funding.breaks import (
    DATA_FILE,
    BreakPolicyError,
    Course,
    RecordedBreak,
    RequestState,
    Standing,
    break_policy,
    check_break_dates,
    has_lapsed,
    in_force_until,
    latest_restart_without_form,
    needs_request,
    next_due_on,
    parse_break_policy,
    request_criteria_problems,
    standing_on,
)

POLICY = break_policy()
LAST = date(2026, 3, 2)
CHEMO = Course(last_cycle_on=LAST, cycle_days=21, immunotherapy=False)
IMMUNO = Course(last_cycle_on=LAST, cycle_days=21, immunotherapy=True)


def test_the_thresholds_file_states_six_weeks_twelve_for_immunotherapy_and_its_source():
    assert (POLICY.default_weeks, POLICY.immunotherapy_weeks) == (6, 12)
    assert "break in treatment" in POLICY.source
    assert [c.key for c in POLICY.criteria] == ["no_progression", "same_treatment", "fit_to_restart"]


def test_treatment_is_next_due_at_the_end_of_the_last_cycle():
    assert next_due_on(CHEMO) == date(2026, 3, 23)  # a 21-day cycle
    assert next_due_on(Course(last_cycle_on=LAST, cycle_days=None, immunotherapy=False)) == LAST
    assert next_due_on(Course(last_cycle_on=None, cycle_days=21, immunotherapy=False)) is None


def test_the_break_is_counted_beyond_the_end_of_the_cycle_not_from_the_last_dose():
    assert latest_restart_without_form(POLICY, CHEMO) == date(2026, 5, 4)  # 23 March + 6 weeks
    assert latest_restart_without_form(POLICY, IMMUNO) == date(2026, 6, 15)  # 23 March + 12 weeks


def test_a_break_of_six_weeks_beyond_the_cycle_needs_no_form():
    assert not needs_request(POLICY, CHEMO, date(2026, 5, 4))
    assert standing_on(POLICY, CHEMO, [], date(2026, 5, 4)) is Standing.IN_FORCE


def test_a_break_longer_than_six_weeks_needs_a_request():
    assert needs_request(POLICY, CHEMO, date(2026, 5, 5))
    assert standing_on(POLICY, CHEMO, [], date(2026, 5, 5)) is Standing.NEEDS_REQUEST
    assert has_lapsed(POLICY, CHEMO, [], date(2026, 5, 5))


def test_an_immunotherapy_may_break_for_twelve_weeks_without_a_form():
    assert standing_on(POLICY, IMMUNO, [], date(2026, 6, 15)) is Standing.IN_FORCE
    assert standing_on(POLICY, IMMUNO, [], date(2026, 6, 16)) is Standing.NEEDS_REQUEST


def test_a_pending_request_holds_the_authorisation_but_treatment_waits_for_its_decision():
    pending = RecordedBreak(date(2026, 3, 23), date(2026, 7, 1), RequestState.PENDING)
    assert standing_on(POLICY, CHEMO, [pending], date(2026, 5, 20)) is Standing.REQUEST_PENDING
    assert not has_lapsed(POLICY, CHEMO, [pending], date(2026, 5, 20))


def test_an_approved_request_keeps_the_authorisation_until_the_planned_restart():
    approved = RecordedBreak(date(2026, 3, 23), date(2026, 7, 1), RequestState.APPROVED)
    assert in_force_until(POLICY, CHEMO, [approved]) == date(2026, 7, 1)
    assert standing_on(POLICY, CHEMO, [approved], date(2026, 7, 1)) is Standing.IN_FORCE
    assert standing_on(POLICY, CHEMO, [approved], date(2026, 7, 2)) is Standing.NEEDS_REQUEST


def test_a_refused_request_ends_the_authorisation_at_once():
    refused = RecordedBreak(date(2026, 3, 23), date(2026, 7, 1), RequestState.REFUSED)
    assert standing_on(POLICY, CHEMO, [refused], date(2026, 3, 24)) is Standing.REFUSED
    assert has_lapsed(POLICY, CHEMO, [refused], date(2026, 3, 24))


def test_a_break_before_the_last_cycle_no_longer_counts():
    old = RecordedBreak(date(2026, 1, 5), date(2026, 12, 1), RequestState.APPROVED)
    assert in_force_until(POLICY, CHEMO, [old]) == date(2026, 5, 4)


def test_before_treatment_starts_no_break_can_run():
    course = Course(last_cycle_on=None, cycle_days=21, immunotherapy=False)
    assert standing_on(POLICY, course, [], date(2030, 1, 1)) is Standing.IN_FORCE
    assert not needs_request(POLICY, course, date(2030, 1, 1))


@pytest.mark.parametrize(("starts_on", "restart", "planned", "field"), [
    (date(2026, 3, 1), date(2026, 4, 1), False, "starts_on"),  # before the last cycle
    (date(2026, 4, 2), date(2026, 5, 1), False, "starts_on"),  # an unplanned break in the future
    (date(2026, 3, 20), date(2026, 3, 19), False, "expected_restart_on"),  # restart before the break
    (date(2026, 3, 20), date(2026, 3, 20), True, "expected_restart_on"),
    (date(2026, 3, 20), date(2027, 3, 20), True, "expected_restart_on"),  # more than a year
])
def test_bad_break_dates_are_named_by_field(starts_on, restart, planned, field):
    assert field in check_break_dates(CHEMO, starts_on, restart, date(2026, 4, 1), planned)


def test_a_planned_break_may_be_recorded_before_it_starts():
    assert check_break_dates(CHEMO, date(2026, 4, 10), date(2026, 5, 1), date(2026, 4, 1), True) == {}


@pytest.mark.parametrize(("change", "problem"), [
    (lambda raw: raw["allowed_break_weeks"].update(default=0), "allowed_break_weeks.default"),
    (lambda raw: raw["allowed_break_weeks"].update(immunotherapy="12"), "allowed_break_weeks.immunotherapy"),
    (lambda raw: raw["source"].update(title=""), "source.title"),
    (lambda raw: raw.update(request_criteria=[]), "request_criteria"),
    (lambda raw: raw["request_criteria"].append(dict(raw["request_criteria"][0])), "listed twice"),
])
def test_a_bad_thresholds_file_is_refused_naming_the_fault(change, problem):
    raw = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    change(raw)
    with pytest.raises(BreakPolicyError, match=problem):
        parse_break_policy(raw)


def _workflows() -> dict:
    from ifr_service.config import PROJECT_ROOT
    from ifr_service.workflows.definition import parse_workflow

    return {key: parse_workflow(yaml.safe_load((PROJECT_ROOT / "workflows" / f"{key}.yaml").read_text()))
            for key in ("cdf", "ifr")}


def test_both_workflows_ask_exactly_the_request_criteria_the_data_file_states():
    assert request_criteria_problems(POLICY, _workflows()) == []


def test_a_workflow_asking_other_request_criteria_stops_the_start():
    workflows = _workflows()
    fewer = replace(POLICY, criteria=POLICY.criteria[:2])
    assert [problem.split(":")[0] for problem in request_criteria_problems(fewer, workflows)] == [
        "workflow cdf", "workflow ifr"]
