"""Background jobs: queued through the outbox after commit, run by rq or in-process."""
