"""The hub's work queue: filters in any combination (blank means any), open and decided cases apart,
search among the hub's own cases, sortable columns, and overdue work first. Values the queue does
not take are refused naming them, never with a 500."""

from __future__ import annotations

import copy
import re
from datetime import date

import pytest

from tests.builders import CHAIR, DECISION, OFFICER, Road
from tests.web.browsing import Person

NHS_NUMBERS = ("9990000026", "9990000034", "9990000042")


def road_for(client, auth, application, nhs_number: str = NHS_NUMBERS[0], urgency: str = "routine",
             given_name: str = "Alex") -> Road:
    answers = copy.deepcopy(application)
    answers["patient"].update(nhs_number=nhs_number, given_name=given_name)
    return Road(client, auth, answers, urgency=urgency)


def references(page: str) -> list[str]:
    """The case references the queue's table lists, in its order."""
    table = page[page.find("<table"):page.find("</table>")]
    return re.findall(r">(IFR-\d{4}-\d{6})</a>", table)


@pytest.fixture
def officer(client):
    return Person(client, OFFICER)


def test_blank_filters_mean_any_and_filter_cases_unchanged_lists_every_open_case(client, auth, application,
                                                                                  officer):
    road = road_for(client, auth, application)
    page = officer.open("/queue?view=open&search=&state=&urgency=&due=&assigned=")
    assert references(page) == [road.reference]
    assert "There is a problem" not in page


def test_filters_combine_and_keep_their_state_in_the_form(client, auth, application, calendar, officer):
    calendar.set(date(2026, 11, 2))
    urgent = road_for(client, auth, application, urgency="urgent")
    routine = road_for(client, auth, application, NHS_NUMBERS[1])
    calendar.set(date(2026, 11, 23))  # the 5-day completeness check of both has passed
    page = officer.open("/queue?urgency=urgent&due=overdue")
    assert references(page) == [urgent.reference] and routine.reference not in page
    assert '<option value="urgent" selected' in page and '<option value="overdue" selected' in page
    assert officer.open("/queue?urgency=routine&due=on_track").count("No cases match.") == 1


@pytest.mark.parametrize(("query", "named"), [
    ("urgency=soon", "Choose an urgency from the list."),
    ("due=yesterday", "Choose a target from the list."),
    ("assigned=everyone", "Choose who the case is assigned to from the list."),
    ("sort=password", "Choose a column to sort by from the list."),
    ("sort=due&order=sideways", "Choose ascending or descending from the list."),
    ("view=all", "Choose which cases to show from the list."),
    ("state=draft", "Choose a status from the list."),
    ("page=0", "Ask for a page between 1 and 100,000."),
])
def test_a_value_the_queue_does_not_take_is_refused_naming_it(client, auth, application, officer, query,
                                                                named):
    page = officer.open(f"/queue?{query}", expect=422)
    assert "There is a problem" in page and named in page
    assert 'href="#field-' in page  # the error summary links to the control
    assert f'value="{query.rsplit("=", 1)[1]}"' not in page  # Filter again does not send it back


def test_a_parameter_the_queue_does_not_know_is_ignored(client, auth, application, officer):
    road = road_for(client, auth, application)
    assert references(officer.open("/queue?utm_source=email&hub=north-west")) == [road.reference]


def test_decided_cases_are_apart_from_open_work(client, auth, application, officer, run_jobs):
    open_case = road_for(client, auth, application)
    approved = road_for(client, auth, application, NHS_NUMBERS[1])
    approved.to_panel()
    approved.act(CHAIR, "approve", DECISION)
    closed = road_for(client, auth, application, NHS_NUMBERS[2])
    closed.to_panel()
    closed.act(CHAIR, "approve", DECISION)
    closed.act(OFFICER, "close", {})
    assert references(officer.open("/queue")) == [open_case.reference]
    assert set(references(officer.open("/queue?view=decided"))) == {approved.reference, closed.reference}
    every_open_state = officer.open("/queue")
    assert '<option value="approved"' not in every_open_state
    assert '<option value="closed"' not in every_open_state


def test_overdue_work_is_listed_first_and_stands_out(client, auth, application, calendar, officer):
    calendar.set(date(2026, 11, 2))
    overdue = road_for(client, auth, application)  # routine, but its completeness check will be overdue
    calendar.set(date(2026, 11, 13))
    urgent = road_for(client, auth, application, NHS_NUMBERS[1], urgency="emergency")
    page = officer.open("/queue")
    assert references(page) == [overdue.reference, urgent.reference]
    assert "1 case is overdue" in page
    assert len(re.findall(r'nhsuk-tag--red"\s*>\s*Overdue', page)) == 1  # its red tag


@pytest.mark.parametrize("typed", ["999 000 0034", "999-000-0034", " 9990000034 "])
def test_an_officer_finds_a_case_by_nhs_number_however_it_is_spaced(client, auth, application, officer,
                                                                     typed):
    road_for(client, auth, application)
    wanted = road_for(client, auth, application, NHS_NUMBERS[1])
    assert references(officer.open(f"/queue?search={typed}")) == [wanted.reference]


def test_an_officer_finds_a_case_by_reference_its_number_or_the_patients_name(client, auth, application,
                                                                               officer):
    first = road_for(client, auth, application, given_name="Bernadette")
    second = road_for(client, auth, application, NHS_NUMBERS[1], given_name="Olu")
    assert references(officer.open(f"/queue?search={second.reference.lower()}")) == [second.reference]
    assert references(officer.open("/queue?search=2")) == [second.reference]
    assert references(officer.open("/queue?search=bernadette example")) == [first.reference]
    assert references(officer.open("/queue?search=100%25")) == []  # a wildcard is a character
    assert "No cases match." in officer.open("/queue?search=Nobody")


def test_an_officer_of_another_hub_cannot_find_a_case_by_its_nhs_number(client, auth, application):
    road_for(client, auth, application)
    elsewhere = Person(client, "officer-north-west")
    page = elsewhere.open(f"/queue?search={NHS_NUMBERS[0]}")
    assert references(page) == [] and "No cases match." in page
    assert references(elsewhere.open("/queue?view=decided&search=Alex")) == []


def test_a_panel_chair_searches_by_reference_only(client, auth, application):
    road = road_for(client, auth, application)
    chair = Person(client, CHAIR)
    assert "Search by case reference</label>" in re.sub(r"\s+</label>", "</label>", chair.open("/queue"))
    refused = chair.open(f"/queue?search={NHS_NUMBERS[0]}", expect=422)
    assert "your role does not see patients" in refused
    chair.open("/queue?search=Alex", expect=422)
    assert references(chair.open(f"/queue?search={road.reference}")) == [road.reference]


def test_a_search_of_ten_thousand_characters_is_refused_naming_the_box(client, auth, application, officer):
    road_for(client, auth, application)
    page = officer.open("/queue?search=" + "a" * 10_000, expect=422)
    assert "Enter no more than 100 characters to search for." in page
    assert "a" * 101 not in page  # what is shown again is bounded too


def test_an_nhs_number_of_the_wrong_length_says_what_to_enter(client, auth, application, officer):
    page = officer.open("/queue?search=99900000", expect=422)
    assert "Enter an NHS number of 10 digits" in page


def test_a_search_shows_only_what_it_found_and_audits_each_case_shown(client, auth, application, officer,
                                                                      in_db):
    from sqlmodel import select

    from ifr_service import db
    from ifr_service.audit.models import AuditEvent

    road_for(client, auth, application)
    wanted = road_for(client, auth, application, NHS_NUMBERS[1])

    def reads(after: int = 0):
        rows = db.session().exec(select(AuditEvent).where(AuditEvent.what == "pages.cases.queue",
                                                          AuditEvent.id > after))
        return [(row.id, row.case_reference, row.username, row.action) for row in rows]

    before = max([row[0] for row in in_db(reads)], default=0)
    officer.open(f"/queue?search={NHS_NUMBERS[1]}")
    assert [row[1:] for row in in_db(reads, before)] == [(wanted.reference, OFFICER, "read")]


def test_columns_sort_both_ways_and_the_links_keep_the_filters(client, auth, application, officer):
    roads = [road_for(client, auth, application, number) for number in NHS_NUMBERS]
    ascending = officer.open("/queue?urgency=routine&sort=reference&order=ascending")
    assert references(ascending) == [road.reference for road in roads]
    assert 'aria-sort="ascending"' in ascending
    assert "?urgency=routine&amp;sort=reference&amp;order=descending" in ascending  # the next click
    descending = officer.open("/queue?urgency=routine&sort=reference&order=descending")
    assert references(descending) == [road.reference for road in reversed(roads)]
    assert 'aria-sort="descending"' in descending
    by_due = officer.open("/queue?sort=due&order=ascending")
    assert len(references(by_due)) == 3 and 'name="sort" value="due"' in by_due  # kept when filtering


def test_a_request_for_information_replies_by_the_end_of_the_clinicians_clock_unless_sooner(
        client, auth, application, calendar):
    calendar.set(date(2026, 11, 2))
    road = road_for(client, auth, application)
    road.act(OFFICER, "request_information", {"questions": "Please send the latest MRI report."})
    asked = Person(client, OFFICER).open(f"/cases/{road.reference}")
    assert "Reply by" in asked and "30 November 2026" in asked  # 20 working days on
    sooner = road_for(client, auth, application, NHS_NUMBERS[1])
    sooner.act(OFFICER, "request_information", {"questions": "Please send the MDT outcome.",
                                                 "reply_by": "2026-11-16"})
    assert "16 November 2026" in Person(client, OFFICER).open(f"/cases/{sooner.reference}")


@pytest.mark.parametrize(("reply_by", "message"), [
    ("2026-10-30", "Enter a reply-by date from today on (2 November 2026)."),
    ("2026-12-01", "Enter a reply-by date no later than 30 November 2026, the end of the clinician's time"),
])
def test_a_reply_by_date_in_the_past_or_beyond_the_clock_is_refused(client, auth, application, calendar,
                                                                    reply_by, message):
    calendar.set(date(2026, 11, 2))
    road = road_for(client, auth, application)
    refused = road.act(OFFICER, "request_information", {"questions": "Please send the MRI report.",
                                                        "reply_by": reply_by}, expect=422)
    [error] = refused.json["errors"]
    assert message in error["message"] and error["field"] == "reply_by"
    assert road.case()["state"] == "submitted"


def test_the_request_for_information_page_takes_a_reply_by_date_and_names_a_wrong_one(
        client, auth, application, calendar):
    calendar.set(date(2026, 11, 2))
    road = road_for(client, auth, application)
    officer, address = Person(client, OFFICER), f"/cases/{road.reference}/actions/request_information"
    assert "Reply by" in officer.open(address)
    asked = {"questions": "Please send the latest MRI report."}
    late = {"reply_by[day]": "1", "reply_by[month]": "12", "reply_by[year]": "2026"}
    refused = officer.submit(address, {**asked, **late}, expect=422)
    assert "Enter a reply-by date no later than 30 November 2026" in refused.text
    assert 'href="#field-reply_by' in refused.text and road.case()["state"] == "submitted"
    officer.submit(address, {**asked, "reply_by[day]": "", "reply_by[month]": "", "reply_by[year]": ""},
                   expect=302)
    assert "30 November 2026" in officer.open(f"/cases/{road.reference}")
