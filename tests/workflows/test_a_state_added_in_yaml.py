"""What a state means is declared in its workflow file: a decision state added to a copy of
workflows/ifr.yaml, with no change of Python, is recorded in the national database with the outcome
it declares, sends the letter it names, and shows in the hub's queue among the decided cases."""

from __future__ import annotations

import pytest
import yaml
from sqlmodel import select

from ifr_service import db
from ifr_service.cet.models import NationalCase
from ifr_service.features import known_names
from ifr_service.workflows.definition import load_workflow_file
from tests.builders import CHAIR, DECISION, OFFICER, Road
from tests.letters.test_letters import letter_of, pdf_text
from tests.web.browsing import Person
from tests.workflows.test_engine import IFR_WORKFLOW

TRIAL = "approved_for_a_trial_period"


def with_a_trial_approval(path) -> None:
    """ifr.yaml and one more way for the panel to decide: funding for a trial period."""
    raw = yaml.safe_load(IFR_WORKFLOW.read_text())
    raw["states"].append({
        "key": TRIAL, "title": "Approved for a trial period", "decided": True, "final": True,
        "outcome": "approved_with_conditions", "letter": "approved_with_conditions",
        "description": "Funded for a trial period, after which the clinician reports the response."})
    approve = next(action for action in raw["actions"] if action["key"] == "approve_with_conditions")
    raw["actions"].append({**approve, "key": "approve_for_a_trial_period",
                           "title": "Approve for a trial period", "to": TRIAL})
    path.write_text(yaml.safe_dump(raw, sort_keys=False))


@pytest.fixture
def trial_workflow(app, tmp_path):
    """The running service with the copied file as its IFR workflow, for this test only."""
    path = tmp_path / "ifr.yaml"
    with_a_trial_approval(path)
    workflows = app.extensions["ifr"].workflows
    shipped = workflows["ifr"]
    workflows["ifr"] = load_workflow_file(path, known_names)
    yield workflows["ifr"]
    workflows["ifr"] = shipped


def test_a_decision_state_added_in_yaml_is_recorded_nationally_lettered_and_queued(
        trial_workflow, client, auth, application, run_jobs, in_db):
    road = Road(client, auth, application)
    road.to_panel()
    payload = {**DECISION, "conditions": "Funded for three cycles, then reviewed.",
               "review_date": "2027-06-30", "stopping_criteria": "No response after three cycles."}
    assert road.act(CHAIR, "approve_for_a_trial_period", payload).json["state"] == TRIAL

    national = in_db(lambda: db.session().exec(
        select(NationalCase).where(NationalCase.case_ref == road.reference)).one())
    assert national.outcome == "approved_with_conditions" and national.decided_on is not None

    run_jobs()
    letter, content = letter_of(road)
    assert letter["title"] == "Decision on your Individual Funding Request"
    text = pdf_text(content)
    assert "Outcome: Approved for a trial period" in text and "Funded for three cycles" in text

    decided = Person(client, OFFICER).open("/queue?view=decided")
    assert road.reference in decided and "Approved for a trial period" in decided
    assert road.reference not in Person(client, OFFICER).open("/queue?view=open")
