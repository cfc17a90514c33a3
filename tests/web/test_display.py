"""Dates, NHS numbers and money read as the NHS.UK content style writes them."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from ifr_service.web.display import nhs_date, nhs_datetime, nhs_money, nhs_number

FULLWIDTH = "".join(chr(0xFF10 + int(d)) for d in "9434765919")  # refused at the boundary; shown as is


@pytest.mark.parametrize(("value", "shown"), [
    (date(1958, 2, 28), "28 February 1958"), (date(2026, 12, 7), "7 December 2026"),
    (datetime(2026, 12, 7, 9, 5), "7 December 2026"), ("1958-02-28", "28 February 1958"),
    ("not a date", "not a date"), (None, "")])
def test_a_date_has_no_leading_zero_and_its_month_in_full(value, shown):
    assert nhs_date(value) == shown


def test_an_event_time_says_at_and_the_twenty_four_hour_time():
    assert nhs_datetime(datetime(2026, 12, 7, 14, 5)) == "7 December 2026 at 14:05"
    assert nhs_datetime("2026-12-07T08:30:00") == "7 December 2026 at 08:30"
    assert nhs_datetime(None) == ""


@pytest.mark.parametrize(("value", "shown"), [
    ("9434765919", "943 476 5919"), ("943 476 5919", "943 476 5919"), ("12345", "12345"),
    (FULLWIDTH, FULLWIDTH), (None, "")])
def test_an_nhs_number_is_grouped_three_three_four_and_anything_else_shown_as_given(value, shown):
    assert nhs_number(value) == shown


@pytest.mark.parametrize(("value", "shown"), [
    (62400, "£62,400"), ("1234.5", "£1,234.50"), ("1234.00", "£1,234"), ("NaN", "NaN"),
    ("lots", "lots"), (None, "")])
def test_money_has_a_pound_sign_and_thousands_separators(value, shown):
    assert nhs_money(value) == shown
