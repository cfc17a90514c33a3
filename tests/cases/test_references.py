"""References without a lock (docs/decisions/0007-case-references-without-a-lock.md): a sequence per
route and year on PostgreSQL, the counter bumped in one statement on SQLite; numbers never repeat."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from ifr_service import db
from ifr_service.cases.models import CaseReferenceCounter
from ifr_service.cases.queries import allocate_reference_number


def test_a_year_carries_on_from_the_number_its_counter_reached(app, client, in_db):
    in_db(lambda: db.session().add(CaseReferenceCounter(route="ifr", year=2031, last_number=41)))
    assert in_db(allocate_reference_number, "ifr", 2031) == 42
    assert in_db(allocate_reference_number, "ifr", 2031) == 43
    assert in_db(allocate_reference_number, "cdf", 2031) == 1  # each route its own numbers


def test_a_sequence_made_by_a_submission_that_rolled_back_is_made_again(app, client, in_db):
    class RolledBack(Exception):
        pass

    def allocate_then_fail():
        allocate_reference_number("policy", 2032)
        raise RolledBack

    with pytest.raises(RolledBack):
        in_db(allocate_then_fail)
    assert in_db(allocate_reference_number, "policy", 2032) == 1  # nobody holds the first number


def test_numbers_taken_by_transactions_still_open_are_never_given_twice(app, client, production):
    """Two transactions take numbers at once and neither waits for the other to commit."""
    engine = app.extensions["ifr"].engine
    with app.app_context(), db.unit_of_work(engine):
        allocate_reference_number("ifr", 2033)  # the sequence made and committed
    first, token = db.begin(engine)
    try:
        taken = [allocate_reference_number("ifr", 2033)]
        with app.app_context(), db.unit_of_work(engine):  # another request, while the first is open
            db.session().execute(text("SET LOCAL lock_timeout = '1s'"))  # it would fail, not wait
            taken.append(allocate_reference_number("ifr", 2033))
        first.rollback()  # the first number is a gap now, which is allowed
    finally:
        db.end(first, token)
    assert taken == [2, 3]
