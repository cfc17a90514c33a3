"""The rq worker classes the service runs its jobs on."""

from __future__ import annotations

from rq import SimpleWorker


class DrainingWorker(SimpleWorker):
    """A worker that drains the queues and stops (`--burst`), without rq's command channel.

    A long-running worker listens for commands (stop a job, shut down) in a thread; rq 3's thread
    sleeps up to 60 s in each read and counts on its unsubscribe's reply to wake it, and redis-py's
    stop() waits for it without a limit, so a burst could end a minute after its last job
    (rq/rq#1613, #2172). Nothing sends a draining worker a command: it stops when the queues are empty.
    """

    def subscribe(self) -> None:
        pass
