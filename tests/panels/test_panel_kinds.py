"""A region's panels are of three kinds (its IFR panel, screening group and review panel), one of each;
each kind's meetings take on their agenda only the cases in the states that wait for that kind."""

from __future__ import annotations

import pytest
import yaml

from ifr_service.config import PROJECT_ROOT
from ifr_service.features import known_names
from ifr_service.panels.models import DEFAULT_QUORUMS, PanelKind
from ifr_service.workflows.definition import WorkflowDefinitionError, load_workflow_file
from tests.builders import OFFICER, Road

ADMIN = "demo-admin"


def new_panel(client, auth, **body):
    return client.post("/api/v1/panels", headers=auth(ADMIN),
                       json={"name": "London review panel", "hub_code": "london", **body})


def test_the_panels_already_there_are_ifr_panels(client, auth):
    panels = client.get("/api/v1/panels", headers=auth(OFFICER)).json
    london = next(panel for panel in panels if panel["name"] == "London IFR panel")
    assert london["kind"] == "ifr_panel"


def test_a_region_has_one_panel_of_each_kind_each_with_its_kinds_quorum(client, auth):
    # The North's: London's review panel is in the seed (ifr_service/demo.py)
    review = new_panel(client, auth, name="North review panel", hub_code="north-west", kind="review_panel")
    assert review.status_code == 201, review.json
    assert review.json["kind"] == "review_panel"
    assert review.json["quorum"] == DEFAULT_QUORUMS[PanelKind.REVIEW_PANEL]
    again = new_panel(client, auth, name="Second London review panel", kind="review_panel")
    assert again.status_code == 422
    assert again.json["errors"] == [{"field": "hub_code",
                                     "message": "This hub's region has a review panel already."}]


def test_a_panel_without_a_kind_is_an_ifr_panel_and_london_has_one(client, auth):
    response = new_panel(client, auth)
    assert response.status_code == 422
    assert response.json["errors"][0]["message"] == "This hub's region has an IFR panel already."


@pytest.mark.parametrize("kind", ["appeal_panel", "", "IFR_PANEL"])
def test_an_unknown_kind_is_refused_naming_the_kind_and_sets_nothing_up(client, auth, kind):
    before = len(client.get("/api/v1/panels", headers=auth(ADMIN)).json)
    response = new_panel(client, auth, kind=kind)
    assert response.status_code == 422
    assert [error["field"] for error in response.json["errors"]] == ["kind"]
    assert len(client.get("/api/v1/panels", headers=auth(ADMIN)).json) == before


def test_a_review_panels_meeting_takes_no_case_waiting_for_the_ifr_panel(client, auth, application):
    road = Road(client, auth, application)
    road.to_panel(hold_meeting=False)
    review = road.review_panel()  # London's, in the seed
    meeting = client.post(f"/api/v1/panels/{review['id']}/meetings", headers=auth(OFFICER),
                          json={"meeting_date": "2026-12-01"}).json
    agenda = client.post(f"/api/v1/meetings/{meeting['id']}/agenda", headers=auth(OFFICER)).json["agenda"]
    assert agenda == []
    assert [item["reference"] for item in road.hold_meeting()["agenda"]] == [road.reference]


def test_a_state_waits_only_for_a_kind_of_panel_that_exists(tmp_path):
    raw = yaml.safe_load((PROJECT_ROOT / "workflows" / "ifr.yaml").read_text())
    raw["states"] = [{**state, "panel": "tribunal"} if state["key"] == "ready_for_panel" else state
                     for state in raw["states"]]
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(WorkflowDefinitionError, match="'ready_for_panel' waits for panel 'tribunal', which "
                                                      "is not a kind of panel"):
        load_workflow_file(path, known_names)
