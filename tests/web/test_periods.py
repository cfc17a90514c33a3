"""A filter's date is typed as day, month and year, and anything else is named in words."""

from __future__ import annotations

from datetime import date

import pytest
from marshmallow import Schema

from ifr_service.errors import ValidationFailed
from ifr_service.web.periods import load_filters, read_date, shown_date_parts
from ifr_service.web.requests import SearchDate


class Period(Schema):
    start = SearchDate(data_key="from", load_default=None)
    end = SearchDate(data_key="to", load_default=None)


def typed(name: str, day: str, month: str, year: str) -> dict[str, str]:
    return {f"{name}[day]": day, f"{name}[month]": month, f"{name}[year]": year}


def problem(args: dict, name: str = "from") -> str:
    with pytest.raises(ValidationFailed) as refused:
        read_date(args, name, "'from' date")
    return refused.value.fields[name][0]


def test_a_date_typed_in_three_boxes_is_read():
    assert read_date(typed("from", " 3", "11 ", "2026"), "from", "'from' date") == date(2026, 11, 3)


def test_three_blank_boxes_are_no_date():
    assert read_date(typed("from", "", " ", ""), "from", "'from' date") is None
    assert read_date({}, "from", "'from' date") is None


def test_a_part_left_out_is_named():
    assert problem(typed("from", "3", "", "")) == "The 'from' date must include a month and a year."


def test_a_day_that_does_not_exist_is_refused():
    assert problem(typed("from", "31", "2", "2026")) == "The 'from' date must be a real date, like 3 11 2026."


@pytest.mark.parametrize("day, month, year", [("3", "Nov", "2026"), ("3", "11", "26"), ("-3", "11", "2026"),
                                              ("3", "11", "20266")])
def test_words_signs_and_short_years_are_refused(day, month, year):
    assert "as a day, month and year in numbers" in problem(typed("from", day, month, year))


def test_fullwidth_digits_are_refused_by_name():
    assert "digits 0 to 9" in problem(typed("from", "\uff13", "11", "2026"))


def test_the_schema_loads_the_typed_dates_and_a_plain_link_alike():
    loaded = load_filters(Period(), {**typed("from", "1", "4", "2026"), "to": "2026-11-30"},
                          [("from", "'from' date"), ("to", "'to' date")])
    assert loaded == {"start": date(2026, 4, 1), "end": date(2026, 11, 30)}


def test_every_bad_date_is_named_at_once():
    with pytest.raises(ValidationFailed) as refused:
        load_filters(Period(), {**typed("from", "x", "4", "2026"), **typed("to", "31", "9", "2026")},
                     [("from", "'from' date"), ("to", "'to' date")])
    assert set(refused.value.fields) == {"from", "to"}


def test_a_date_past_the_service_years_is_refused_by_the_schema():
    with pytest.raises(ValidationFailed) as refused:
        load_filters(Period(), typed("to", "1", "1", "2100"), [("to", "'to' date")])
    assert "to" in refused.value.fields


def test_the_boxes_show_what_was_typed_or_else_the_date_in_force():
    assert shown_date_parts(typed("from", "3", "", ""), "from", date(2026, 1, 1))["from[day]"] == "3"
    assert shown_date_parts({}, "from", date(2026, 1, 9)) == {"from[day]": "9", "from[month]": "1",
                                                            "from[year]": "2026"}
