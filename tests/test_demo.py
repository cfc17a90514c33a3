"""`make run`'s demo data holds an IFR in every state of the workflow and CDF applications in the
states a day can reach, moved by the real rules."""

from datetime import timedelta

from sqlmodel import select

from ifr_service import db
from ifr_service.cases.models import Case
from ifr_service.demo import load_demo_data
from ifr_service.letters.models import Letter

DECIDED = {"approved", "approved_with_conditions", "declined", "reconsideration_requested",
           "review_requested", "review_not_taken_forward", "awaiting_review_panel", "decision_upheld",
           "closed"}


def test_the_demo_has_a_case_in_every_state_and_letters_for_the_decided(app, client, in_db, run_jobs):
    assert in_db(load_demo_data)["cases"] == 23 + 5 + 2  # one with the trust, one returned by it, two overdue
    run_jobs()

    def states_and_letters(route: str):
        cases = list(db.session().exec(select(Case).where(Case.route == route)))
        lettered = {letter.case_id for letter in db.session().exec(select(Letter))}
        return ({case.state for case in cases},
                {case.state for case in cases if case.id in lettered})

    states, with_letters = in_db(states_and_letters, "ifr")
    workflow = app.extensions["ifr"].workflows["ifr"]
    assert states == {state.key for state in workflow.states}
    assert with_letters >= DECIDED
    cdf_states, _ = in_db(states_and_letters, "cdf")
    assert cdf_states == {"approved", "not_approved", "on_treatment", "treatment_stopped"}


def test_the_demo_holds_a_national_history_for_the_cet_with_its_queue(app, client, auth, in_db):
    from ifr_service.demo import DEMO_HISTORY_CASES, load_demo_history

    with app.app_context():
        assert load_demo_history() == DEMO_HISTORY_CASES
        assert load_demo_history() == 0  # loaded once
    queue = client.get("/api/v1/cet/policy-queue", headers=auth("demo-cet")).json
    assert queue["total"] == 2  # the synthetic history's planted cohorts


def test_the_demo_holds_overdue_work_that_the_officer_sees_first(app, client, in_db):
    import re

    from tests.builders import OFFICER
    from tests.cases.test_queue import references
    from tests.web.browsing import Person

    in_db(load_demo_data)
    officer = Person(client, OFFICER)
    queue, overdue = officer.open("/queue"), officer.open("/queue?due=overdue")
    assert "2 cases are overdue" in queue
    table = overdue[overdue.find("<table"):]
    assert len(references(overdue)) == 2
    assert len(re.findall(r'nhsuk-tag--red"\s*>\s*Overdue', table)) == 2  # each with its red tag
    assert references(queue)[:2] == references(overdue)  # listed first


def test_the_demo_loads_years_after_the_example_was_written(app, calendar, in_db):
    """The example's MDT discussion must lie within the last year: the demo dates it from today."""
    from ifr_service.demo import CDF_JOURNEYS, JOURNEYS, OVERDUE

    calendar.set(app.extensions["ifr"].today() + timedelta(days=2 * 365))
    assert in_db(load_demo_data)["cases"] == len(JOURNEYS) + len(CDF_JOURNEYS) + len(OVERDUE)
