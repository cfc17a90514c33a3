"""A request for information as the clinician answers it: the question asked, who asked it (by role:
the hub's IFR team at the completeness check or screening, the IFR panel when it defers) and the
date to reply by, in the words the case page and the answer page use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ifr_service.cases import queries
from ifr_service.cases.models import Case
from ifr_service.clock import england_date
from ifr_service.web.display import nhs_date

# The event that asks, the payload field holding the question, and who asks, by the asker's role.
ASKING = {
    "information_requested": ("questions", {"case_officer": "the IFR team", "panel_chair": "the IFR panel"}),
    "decision_deferred": ("information_needed", {"case_officer": "the IFR team",
                                                 "panel_chair": "the IFR panel"}),
}
# The role of the person who asked, as the clinician reads it.
ROLE_WORDS = {"case_officer": "A case officer of the IFR team", "panel_chair": "The chair of the IFR panel"}
# The clinician's clock to answer within (workflows/ifr.yaml).
ANSWER_CLOCK = "information_response"


@dataclass(frozen=True)
class InformationRequest:
    question: str
    asked_by: str  # "the IFR team"
    asked_by_role: str  # "A case officer of the IFR team"
    asked_on: date
    reply_by: date | None

    def waiting_text(self, for_clinician: bool) -> str:
        """The case's status while it waits on the clinician, in plain words."""
        due = f" Reply by {nhs_date(self.reply_by)}." if self.reply_by else ""
        if for_clinician:
            return f"We are waiting for your answer to a question from {self.asked_by}.{due}"
        return f"Waiting for the clinician's answer to a question from {self.asked_by}.{due}"


def open_request(case: Case) -> InformationRequest | None:
    """The request the case waits on, or None when it waits on no answer: the latest event that
    asked and moved the case into the state it is in now."""
    asked = next((event for event in reversed(queries.find_events(case))
                  if event.name in ASKING and event.to_state == case.state), None)
    if asked is None or not case.state.endswith("awaiting_information"):
        return None
    field, askers = ASKING[asked.name]
    return InformationRequest(
        question=str(asked.payload.get(field) or ""), asked_by=askers.get(asked.actor_role, "the IFR team"),
        asked_by_role=ROLE_WORDS.get(asked.actor_role, "The IFR team"),
        asked_on=england_date(asked.occurred_utc), reply_by=_reply_by(case, asked.payload))


def _reply_by(case: Case, payload: dict) -> date | None:
    """The reply-by date the asker set (the action's payload), else the answer clock's due date."""
    for key in ("reply_by", "reply_by_date"):
        if payload.get(key):
            try:
                return date.fromisoformat(str(payload[key])[:10])
            except ValueError:
                break
    row = queries.find_latest_clock(case, ANSWER_CLOCK)
    return row.due_on if row is not None else None
