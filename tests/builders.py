"""Builders for tests that drive cases through the API as each person would."""

from __future__ import annotations

CLINICIAN, OFFICER, CHAIR, REVIEW_CHAIR = (
    "demo-clinician", "demo-officer", "demo-panel-chair", "review-chair")


def findings(finding: str = "no", reasons: str = "The panel considered the evidence submitted.") -> dict:
    criteria = ("significantly_different", "significantly_more_benefit",
                "evidence_of_effectiveness", "value_for_money")
    return {criterion: {"finding": finding, "reasons": reasons} for criterion in criteria}


DECISION = {"findings": findings("yes"), "summary": "Funded for twelve months, then reviewed."}
REASON = {"reason": "The request describes one patient's exceptional circumstances."}


class Road:
    """Drives one case through the API, as each person would."""

    def __init__(self, client, auth, application, urgency: str = "routine"):
        self.client, self.auth = client, auth
        application["urgency"] = {"level": urgency, "justification": "Rapid progression."}
        response = client.post("/api/v1/cases?submit=true", json=application, headers=auth(CLINICIAN))
        assert response.status_code == 201, response.json
        self.reference = response.json["reference"]

    def act(self, who: str, action: str, payload: dict | None = None, expect: int = 200):
        response = self.client.post(f"/api/v1/cases/{self.reference}/actions/{action}",
                                    json=payload or {}, headers=self.auth(who))
        assert response.status_code == expect, response.json
        return response

    def case(self, who: str = OFFICER) -> dict:
        return self.client.get(f"/api/v1/cases/{self.reference}", headers=self.auth(who)).json

    def clock(self, key: str, who: str = OFFICER) -> dict:
        return [c for c in self.case(who)["clocks"] if c["clock"] == key][-1]

    def to_panel(self):
        self.act(OFFICER, "confirm_complete")
        self.act(OFFICER, "screen_to_panel", REASON)
