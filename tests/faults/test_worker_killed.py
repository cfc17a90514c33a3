"""A worker killed with SIGKILL in the middle of a job: the relay finds the job lost, another worker
runs it, and it has its effect once."""

from __future__ import annotations

from datetime import timedelta

from ifr_service import db
from ifr_service.jobs.relay import relay_outbox
from tests.builders import Road
from tests.faults.checks import delivered_notifications, outbox_states
from tests.faults.processes import wait_for, worker


def test_a_job_whose_worker_is_killed_mid_send_is_run_again_and_sends_one_email(
        fault_stack, mail, application, tmp_path):
    stack = fault_stack
    mail.hold_next()  # the first email is held at MAIL FROM: its worker is then mid-job
    first = worker(stack.environment(mail), tmp_path / "first-worker.log").start()
    try:
        Road(stack.app.test_client(), stack.auth, application)
        wait_for(mail.held.is_set, "the worker to start sending the acknowledgement", 60)
    finally:
        first.kill()
    mail.release()
    assert outbox_states(stack.app)["open"] == 1  # the acknowledgement: handed on, never finished

    def recovered() -> bool:  # once PostgreSQL has seen the dead worker's connection close
        with stack.app.app_context():
            return relay_outbox(now=db.utc_now() + timedelta(minutes=1)).recovered == 1

    wait_for(recovered, "the relay to find the lost job", 30)
    assert worker(stack.environment(mail), tmp_path / "second-worker.log", burst=True).start().wait(120) == 0

    assert outbox_states(stack.app) == {"completed": 1, "failed": 0, "open": 0, "most_attempts": 1}
    assert delivered_notifications(stack.app) == 1
    assert len(mail.accepted) == 1
