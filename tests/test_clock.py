"""Working days in England: weekends and England's bank holidays do not count."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ifr_service.clock import add_working_days, is_working_day, working_days_between


@pytest.mark.parametrize(("day", "working"), [
    (date(2026, 12, 24), True),    # Thursday
    (date(2026, 12, 25), False),   # Christmas Day
    (date(2026, 12, 26), False),   # Saturday
    (date(2026, 12, 28), False),   # Boxing Day, observed on the Monday
    (date(2026, 8, 31), False),    # Summer bank holiday in England (not Scotland's date)
    (date(2026, 8, 3), True),      # Scotland's summer bank holiday is a working day in England
])
def test_which_days_are_working_days_in_england(day, working):
    assert is_working_day(day) is working


def test_five_working_days_from_the_day_before_christmas_eve_cross_three_bank_holidays():
    assert add_working_days(date(2026, 12, 23), 5) == date(2027, 1, 4)


def test_counting_back_agrees_with_counting_forward():
    start = date(2026, 3, 30)  # Easter falls in the next ten working days
    assert working_days_between(start, add_working_days(start, 10)) == 10


def test_a_span_that_does_not_move_forward_has_no_working_days():
    assert working_days_between(date(2026, 5, 5), date(2026, 5, 5)) == 0
    assert working_days_between(date(2026, 5, 5), date(2026, 5, 1)) == 0


@given(start=st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)),
       length=st.integers(min_value=-10, max_value=1000))
def test_working_days_between_counts_each_day_after_start_that_is_a_working_day(start, length):
    end = start + timedelta(days=length)
    one_by_one = sum(is_working_day(start + timedelta(days=offset)) for offset in range(1, length + 1))
    assert working_days_between(start, end) == one_by_one
