"""When each cycle or month of an approval's cost falls: a pure rule, tested without a database."""

from __future__ import annotations

from datetime import date

from ifr_service.cdf.treatment_units import Treatment, forecast_units, given_units

TODAY = date(2026, 11, 23)


def cycles(**changes) -> Treatment:
    return Treatment(**{"cost_unit": "cycle", "units_expected": 6, "decided_on": date(2026, 10, 1),
                        "in_force": True, **changes})


def months(**changes) -> Treatment:
    return Treatment(**{"cost_unit": "month", "units_expected": 4, "decided_on": date(2026, 9, 1),
                        "in_force": True, **changes})


def test_a_cycle_falls_on_the_day_the_authorisation_records_it_given():
    given = (date(2026, 10, 5), date(2026, 10, 26), date(2026, 11, 16))
    treatment = cycles(started_on=given[0], last_treatment_on=given[0], cycles_given=1, cycle_dates=given)
    assert given_units(treatment) == list(given)  # SACT's cycles, beyond the one recorded by hand


def test_without_recorded_cycles_the_records_cycles_are_spread_from_the_start_to_the_last_treatment():
    treatment = cycles(started_on=date(2026, 10, 1), last_treatment_on=date(2026, 11, 12), cycles_given=3)
    assert given_units(treatment) == [date(2026, 10, 1), date(2026, 10, 22), date(2026, 11, 12)]
    assert given_units(cycles()) == []  # not started


def test_the_cycles_still_expected_follow_the_last_at_the_authorisations_cycle_length():
    treatment = cycles(started_on=date(2026, 11, 2), cycle_dates=(date(2026, 11, 2), date(2026, 11, 16)),
                       cycle_days=14)
    assert forecast_units(treatment, TODAY) == [date(2026, 11, 30), date(2026, 12, 14), date(2026, 12, 28),
                                                date(2027, 1, 11)]


def test_a_cycle_overdue_by_today_is_expected_from_tomorrow_and_the_rest_at_21_days():
    treatment = cycles(started_on=date(2026, 10, 1), last_treatment_on=date(2026, 10, 1), cycles_given=1,
                       units_expected=3)
    assert forecast_units(treatment, TODAY) == [date(2026, 11, 24), date(2026, 12, 15)]


def test_an_approval_not_started_is_expected_from_tomorrow():
    assert forecast_units(cycles(units_expected=2), TODAY) == [date(2026, 11, 24), date(2026, 12, 15)]
    assert forecast_units(months(units_expected=2), TODAY) == [date(2026, 11, 24), date(2026, 12, 1)]


def test_a_month_costed_drug_counts_each_calendar_month_on_treatment_from_the_start_to_the_stop():
    treatment = months(started_on=date(2026, 9, 20), last_treatment_on=date(2026, 10, 18),
                       stopped_on=date(2026, 11, 3), in_force=False)
    assert given_units(treatment) == [date(2026, 9, 20), date(2026, 10, 1), date(2026, 11, 1)]
    assert forecast_units(treatment, TODAY) == []  # ended: only what was given


def test_the_months_still_expected_begin_the_month_after_the_last_treatment():
    treatment = months(started_on=date(2026, 9, 20), last_treatment_on=date(2026, 11, 5))
    assert given_units(treatment) == [date(2026, 9, 20), date(2026, 10, 1), date(2026, 11, 1)]
    assert forecast_units(treatment, TODAY) == [date(2026, 12, 5)]  # 4 expected, 3 given


def test_the_forecast_stops_at_the_expected_units_and_an_ended_approval_forecasts_nothing():
    given = (*(date(2026, 10, day) for day in (1, 8, 15, 22, 29)), date(2026, 11, 5))
    assert forecast_units(cycles(started_on=given[0], cycle_dates=given), TODAY) == []  # 6 of 6
    stopped = cycles(started_on=given[0], cycle_dates=given[:2], stopped_on=date(2026, 10, 20))
    assert forecast_units(stopped, TODAY) == []
    lapsed = cycles(started_on=given[0], cycle_dates=given[:2], in_force=False)
    assert forecast_units(lapsed, TODAY) == [] and len(given_units(lapsed)) == 2


def test_a_month_forecast_from_the_end_of_a_month_keeps_to_the_shorter_months():
    treatment = months(started_on=date(2026, 10, 31), last_treatment_on=date(2027, 1, 31), units_expected=5)
    assert forecast_units(treatment, date(2027, 2, 1)) == [date(2027, 2, 28)]
