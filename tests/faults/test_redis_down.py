"""With Redis down, clinicians still submit and hubs still decide: the jobs wait in the outbox and go
out, each once, when Redis is back."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from ifr_service import db
from ifr_service.jobs.models import OutboxMessage
from ifr_service.jobs.relay import HANDOVER_SECONDS, relay_outbox
from tests.builders import CHAIR, OFFICER, PAYLOADS, Road
from tests.faults.checks import delivered_notifications, notifications, outbox_states, scalar
from tests.faults.processes import worker


def test_submissions_screening_and_a_panel_decision_while_redis_is_down_go_out_once_it_is_back(
        fault_stack, mail, application, tmp_path):
    stack = fault_stack
    client = stack.app.test_client()
    stack.redis.stop()

    cases = [Road(client, stack.auth, dict(application)) for _ in range(3)]
    for case in cases[:2]:
        case.act(OFFICER, "confirm_complete")
        assert case.screen("screen_not_responsible", PAYLOADS["screen_not_responsible"]).json[
            "state"] == "closed_not_responsible"
    cases[2].to_panel()
    assert cases[2].act(CHAIR, "approve", PAYLOADS["approve"]).json["state"] == "approved"
    health = client.get("/healthz")
    assert (health.status_code, health.json["status"]) == (200, "degraded")
    with stack.app.app_context(), db.unit_of_work(stack.app.extensions["ifr"].engine):
        waiting = list(db.session().exec(select(OutboxMessage)))
    assert len(waiting) == 6  # three acknowledgements, two screening letters and a decision letter
    assert all(message.dispatched_utc is None for message in waiting)

    stack.redis.start()
    with stack.app.app_context():
        assert relay_outbox(now=db.utc_now() + timedelta(seconds=HANDOVER_SECONDS)).handed_on == 6
    assert worker(stack.environment(mail), tmp_path / "worker.log", burst=True).start().wait(120) == 0

    # the six, and the delivery of each letter's notice (an acknowledgement sends its own email)
    assert outbox_states(stack.app) == {"completed": 6 + 3, "failed": 0, "open": 0, "most_attempts": 1}
    assert scalar(stack.app, "SELECT count(*) FROM letter WHERE recipient = 'clinician'") == 3
    # and as many to the patient, who asked for copies
    assert scalar(stack.app, "SELECT count(*) FROM letter WHERE recipient = 'patient'") == 3
    assert notifications(stack.app) == 6  # each case's acknowledgement, each letter's notice
    assert delivered_notifications(stack.app) == 6
    assert len(mail.accepted) == 6  # and each email went out once
