"""`make run`'s demo data holds a case in every state of the workflow, moved by the real rules."""

from sqlmodel import select

from ifr_service import db
from ifr_service.cases.models import Case
from ifr_service.demo import load_demo_data
from ifr_service.letters.models import Letter

DECIDED = {"approved", "approved_with_conditions", "declined", "reconsideration_requested",
           "review_requested", "decision_upheld", "closed"}


def test_the_demo_has_a_case_in_every_state_and_letters_for_the_decided(app, client, in_db, run_jobs):
    assert in_db(load_demo_data)["cases"] == 18
    run_jobs()

    def states_and_letters():
        cases = list(db.session().exec(select(Case)))
        lettered = {letter.case_id for letter in db.session().exec(select(Letter))}
        return ({case.state for case in cases},
                {case.state for case in cases if case.id in lettered})

    states, with_letters = in_db(states_and_letters)
    workflow = app.extensions["ifr"].workflows["ifr"]
    assert states == {state.key for state in workflow.states}
    assert with_letters >= DECIDED
