"""Two filings of a new cohort at the same moment on PostgreSQL make one item, filed once."""

from __future__ import annotations

import threading
import time

from sqlmodel import select

from ifr_service import db
from ifr_service.policy.jobs import file_cohort_candidates
from ifr_service.policy.models import PolicyEvent, PolicyItem
from ifr_service.policy.service import file_candidates
from ifr_service.users.queries import get_system_user
from tests.cet.test_import import csv_lines, load
from tests.policy.test_nightly import FIVE
from tests.policy.test_queue import AS_OF


def test_a_filing_that_meets_another_ones_new_item_files_nothing_twice(
        production, app, client, calendar, in_db):
    calendar.set(AS_OF)
    load(app, csv_lines(*FIVE))
    in_db(get_system_user)  # made before the race, as in service
    second_started, results = threading.Event(), {}

    def first():
        """Files the cohort, then holds its transaction open while the second filing starts."""
        with app.app_context(), db.unit_of_work(app.extensions["ifr"].engine):
            results["first"] = file_candidates(AS_OF)
            second_started.wait(10)
            time.sleep(0.5)  # the second is now waiting on the first's new rows

    def second():
        second_started.set()
        with app.app_context():
            results["second"] = file_cohort_candidates(AS_OF)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    time.sleep(0.3)
    threads[1].start()
    for thread in threads:
        thread.join(30)

    assert len(results["first"]["new"]) == 1
    assert results["second"] == {"new": [], "updated": []}
    items = in_db(lambda: db.session().exec(select(PolicyItem)).all())
    events = in_db(lambda: db.session().exec(select(PolicyEvent.name)).all())
    assert (len(items), events) == (1, ["policy_candidate_filed"])
