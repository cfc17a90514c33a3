"""Importing the shipped SACT extract against the approvals it fits (tests/sact/conftest.py): starts,
cycles and a stop recorded through the CDF workflow; a row the start window refuses and a patient
treated without an approval listed; other SACT activity only counted; the same file again changing
nothing; and a file with an unreadable row saving nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from ifr_service import db
from ifr_service.cases.models import CaseEvent
from ifr_service.cases.queries import get_case
from ifr_service.funding import queries as funding
from ifr_service.sact.models import REFUSED, UNMATCHED, SactException, SactImport
from ifr_service.sact.parser import COLUMNS, SactFileRefused
from ifr_service.sact.service import import_extract
from tests.builders import CHAIR, PAYLOADS
from tests.conftest import count_rows
from tests.funding.test_authorisations import road  # noqa: F401 (a fixture)
from tests.sact.conftest import EXTRACT


def treatment_of(reference: str) -> dict:
    """The case's state and events from SACT, and its authorisation's summary and cycles."""
    case = get_case(reference)
    authorisation = funding.find_authorisation_for_case(case.id)
    cycles = funding.find_cycles(authorisation.id)
    events = db.session().exec(select(CaseEvent).where(CaseEvent.case_id == case.id)
                               .order_by(CaseEvent.id)).all()
    return {"state": case.state,
            "events": [(event.name, event.payload.get("date")) for event in events
                       if event.name.startswith("cdf_treatment")],
            "started_on": authorisation.started_on, "last_cycle_on": authorisation.last_cycle_on,
            "cycles_given": authorisation.cycles_given, "stopped_on": authorisation.stopped_on,
            "stop_reason": authorisation.stop_reason,
            "cycles": [(cycle.given_on, cycle.source) for cycle in cycles]}


def exceptions() -> list[tuple]:
    rows = db.session().exec(select(SactException).order_by(SactException.id)).all()
    return [(row.kind, row.nhs_number, row.drug_name, row.line, row.reason) for row in rows]


def test_the_import_counts_what_became_of_each_row(imported):
    assert (imported.rows, imported.matched, imported.cycles_recorded, imported.starts, imported.stops) == (
        8, 5, 4, 2, 1)
    assert (imported.unmatched, imported.refused, imported.not_funded, imported.cycles_already_held) == (
        1, 1, 2, 0)


def test_a_start_and_a_cycle_are_recorded_through_the_cdf_workflow(in_db, approvals, imported):
    atezolizumab = in_db(treatment_of, approvals["atezolizumab"]["reference"])

    assert atezolizumab["state"] == "on_treatment"
    assert atezolizumab["events"] == [("cdf_treatment_started", "2026-10-12"),
                                      ("cdf_treatment_continued", "2026-11-02")]
    assert atezolizumab["cycles"] == [(date(2026, 10, 12), "sact"), (date(2026, 11, 2), "sact")]
    assert (atezolizumab["started_on"], atezolizumab["last_cycle_on"], atezolizumab["cycles_given"]) == (
        date(2026, 10, 12), date(2026, 11, 2), 2)


def test_the_end_of_a_regimen_stops_the_treatment_with_sacts_reason(in_db, approvals, imported):
    sotorasib = in_db(treatment_of, approvals["sotorasib"]["reference"])

    assert sotorasib["state"] == "treatment_stopped"
    assert sotorasib["events"][-1] == ("cdf_treatment_stopped", "2026-11-20")
    assert (sotorasib["stopped_on"], sotorasib["stop_reason"]) == (date(2026, 11, 20), "progression")
    assert len(sotorasib["cycles"]) == 2


def test_the_actions_are_the_systems_and_say_they_came_from_sact(in_db, approvals, imported):
    def treatment_events():
        case = get_case(approvals["sotorasib"]["reference"])
        return db.session().exec(select(CaseEvent).where(
            CaseEvent.case_id == case.id, CaseEvent.name.startswith("cdf_treatment"))).all()

    events = in_db(treatment_events)
    assert {event.actor_role for event in events} == {"system"}
    assert events[-1].payload["notes"] == "From SACT: End of Regimen Summary 2, Disease progression."


def test_a_start_after_the_start_window_is_refused_and_listed_with_the_rules_words(in_db, approvals,
                                                                                   imported):
    olaparib = in_db(treatment_of, approvals["olaparib"]["reference"])

    assert olaparib["state"] == "approved" and olaparib["cycles"] == [] and olaparib["events"] == []
    refused = [row for row in in_db(exceptions) if row[0] == REFUSED]
    assert len(refused) == 1
    _, nhs_number, drug, line, reason = refused[0]
    assert (nhs_number, drug, line) == ("9990000298", "Olaparib", 6)
    assert reason == ("Approval {} expired on 02 November 2026: treatment had to start by then. Make a new "
                      "application.".format(approvals["olaparib"]["approval_number"]))


def test_a_cdf_drug_given_with_no_approval_is_listed_as_treated_without_one(in_db, imported):
    unmatched = [row for row in in_db(exceptions) if row[0] == UNMATCHED]

    assert unmatched == [(UNMATCHED, "9990000336", "Nivolumab", 7,
                          "No approval of Nivolumab 10 mg/ml concentrate for solution for infusion for "
                          "this patient.")]


def test_importing_the_same_file_again_changes_nothing(app, in_db, approvals, imported):
    before = count_rows(app)
    treatment = {name: in_db(treatment_of, case["reference"]) for name, case in approvals.items()}

    again = in_db(import_extract, EXTRACT.name, EXTRACT.read_bytes())

    after = count_rows(app)
    assert after.pop("sact_import") == before.pop("sact_import") + 1  # the import itself is recorded
    assert after == before
    assert {name: in_db(treatment_of, case["reference"]) for name, case in approvals.items()} == treatment
    assert (again.cycles_recorded, again.cycles_already_held, again.starts, again.stops) == (0, 4, 0, 0)


def test_a_file_with_an_unreadable_row_is_refused_whole_and_saves_nothing(app, in_db, approvals):
    lines = EXTRACT.read_text().splitlines()
    lines[5] = lines[5].replace("2026-11-09,,", "9 Nov 2026,,")  # line 6: olaparib's administration date
    before = count_rows(app)

    with pytest.raises(SactFileRefused) as refused:
        in_db(import_extract, "bad.csv", "\n".join(lines).encode())

    assert refused.value.problems == [
        "Line 6, column administration_date: '9 Nov 2026' is not a date written YYYY-MM-DD"]
    assert count_rows(app) == before
    assert in_db(lambda: db.session().exec(select(SactImport)).all()) == []


IFR_EXTRACT = """{header}
9990000018,RRV,EXAMPLE KINASE INHIBITOR,2027-01-04,1,Example kinase inhibitor,,2027-01-04,,
9990000018,RRV,EXAMPLE KINASE INHIBITOR,2027-01-04,2,Example kinase inhibitor,,2027-02-01,,
9990000018,RRV,EXAMPLE KINASE INHIBITOR,2027-01-04,3,Example kinase inhibitor,,2027-03-01,2027-03-05,2
"""


def test_an_ifr_authorisations_cycles_and_stop_are_recorded_on_it_while_it_is_in_force(
        road, calendar, in_db):  # noqa: F811
    case = road()
    case.to_panel()
    case.act(CHAIR, "approve_with_conditions", {**PAYLOADS["approve_with_conditions"],
                                                 "funded_until": "2027-02-28", "review_date": "2027-02-15",
                                                 "cost_cap_gbp": "42000.00"})
    calendar.set(date(2027, 3, 8))

    record = in_db(import_extract, "ifr.csv", IFR_EXTRACT.format(header=",".join(COLUMNS)).encode())

    def recorded():
        authorisation = funding.find_authorisation_for_case(get_case(case.reference).id)
        cycles = [(cycle.given_on, cycle.source) for cycle in funding.find_cycles(authorisation.id)]
        return authorisation, cycles, get_case(case.reference).state

    authorisation, cycles, state = in_db(recorded)
    assert cycles == [(date(2027, 1, 4), "sact"), (date(2027, 2, 1), "sact")]
    assert (authorisation.stopped_on, authorisation.stop_reason, authorisation.status) == (
        date(2027, 3, 5), "progression", "ended")
    assert state == "approved_with_conditions"  # an IFR's case is not moved from SACT
    assert (record.matched, record.cycles_recorded, record.refused, record.stops) == (3, 2, 1, 1)
    assert [row[4] for row in in_db(exceptions)] == [
        f"Authorisation {authorisation.reference} was not in force on 01 March 2027."]


def test_a_cycle_after_a_break_longer_than_the_rules_allow_is_refused_not_recorded(
        in_db, calendar, approvals, imported):
    # Atezolizumab (an immunotherapy) last given on 2 November 2026; its next cycle five months on.
    late = ",".join(["9990000255", "RRV", "ATEZOLIZUMAB", "2026-10-12", "3", "Atezolizumab", "37752611002",
                     "2027-04-05", "", ""])
    calendar.set(date(2027, 4, 12))

    record = in_db(import_extract, "april.csv", f"{','.join(COLUMNS)}\n{late}\n".encode())

    atezolizumab = in_db(treatment_of, approvals["atezolizumab"]["reference"])
    assert (record.matched, record.cycles_recorded, record.refused) == (1, 0, 1)
    assert atezolizumab["state"] == "on_treatment" and len(atezolizumab["cycles"]) == 2
    refused = [row for row in in_db(exceptions) if row[0] == REFUSED and row[1] == "9990000255"]
    assert len(refused) == 1 and refused[0][3] == 2  # line 2 of the April file
