"""The dashboard's charts, as SVG markup: accessible, escaped, and right about the funnel limits."""

from __future__ import annotations

import pytest

from ifr_service.web import charts
from ifr_service.web.charts import control_limits, funnel_plot, line_chart, nice_ceiling

HUBS = [{"label": "London", "n": 120, "rate": 0.41, "flag": None},
        {"label": "South West", "n": 80, "rate": 0.12, "flag": "low"},
        {"label": "Wessex", "n": 60, "rate": 0.75, "flag": "high"}]


def test_the_998_limits_for_half_of_a_hundred_are_fifteen_and_a_half_points_either_side():
    low, high = control_limits(0.5, 100, 3.09)
    assert low == pytest.approx(0.5 - 0.1545) and high == pytest.approx(0.5 + 0.1545)


def test_the_95_limits_are_narrower_and_limits_stay_between_zero_and_one():
    assert control_limits(0.5, 100, 1.96) == pytest.approx((0.402, 0.598))
    assert control_limits(0.1, 2, 3.09) == (0.0, pytest.approx(0.1 + 3.09 * (0.09 / 2) ** 0.5))
    assert control_limits(0.98, 3, 3.09)[1] == 1.0


def test_a_funnel_plot_is_an_image_with_a_title_a_description_and_both_limits():
    svg = funnel_plot("funnel", "Approval by hub", "What it shows.", 0.4, HUBS)
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert 'aria-labelledby="funnel-title funnel-desc"' in svg
    assert '<title id="funnel-title">Approval by hub</title>' in svg
    assert '<desc id="funnel-desc">What it shows.</desc>' in svg
    assert svg.count('stroke-dasharray="8 5"') == 2 + 1  # the 95% pair, and its legend sample
    assert svg.count('stroke-dasharray="2 4"') == 2 + 1  # the 99.8% pair, and its legend sample
    assert "Cases decided (n)" in svg and "Approval rate" in svg


def test_a_flagged_hub_is_a_different_shape_and_named_with_its_flag():
    svg = funnel_plot("funnel", "Approval by hub", "What it shows.", 0.4, HUBS)
    assert ">South West (low)</text>" in svg and ">Wessex (high)</text>" in svg and ">London</text>" in svg
    assert svg.count("<polygon") == 2 + 2  # the two flagged hubs, and the legend's two samples
    assert "Hub below them (low)" in svg and "Hub above them (high)" in svg


def test_text_put_into_a_chart_is_escaped():
    svg = funnel_plot("f", "A <b>title</b>", "Tom & Jerry", 0.4,
                      [{"label": "<script>alert(1)</script>", "n": 10, "rate": 0.4, "flag": None}])
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "A &lt;b&gt;title&lt;/b&gt;" in svg and "Tom &amp; Jerry" in svg


def test_a_line_chart_breaks_where_a_value_is_missing_and_labels_its_axes():
    svg = line_chart("rates", "Approval rate", "Monthly.", ["Jan", "Feb", "Mar", "Apr"],
                     [0.5, None, 0.25, 0.3], x_label="Month received", y_label="Approval rate", rates=True)
    assert svg.count("<polyline") == 2 and svg.count("<circle") == 3
    assert ">Month received</text>" in svg and ">Approval rate</text>" in svg and ">100.0%</text>" in svg
    assert '<title id="rates-title">Approval rate</title>' in svg


def test_a_count_axis_ends_on_a_round_number():
    assert [nice_ceiling(value) for value in (0, 7, 13, 230, 1001)] == [1.0, 10, 20, 250, 2000]
    svg = line_chart("n", "Cases", "Monthly.", ["Jan", "Feb"], [13, 7], x_label="Month", y_label="Cases")
    assert ">20</text>" in svg and ">0</text>" in svg


def test_a_chart_of_several_lines_names_each_in_its_key_with_its_own_dashes():
    svg = charts.lines_chart(
        "spend", "Spend <adding up>", "Committed & forecast", ["Apr", "May", "Jun"],
        [charts.Series("Committed to date", [10.0, 20.0, None]),
         charts.Series("Forecast", [10.0, 25.0, 40.0], charts.PURPLE, charts.DASHED, points=False),
         charts.Series("Budget", [50.0] * 3, charts.RED, charts.DOTTED, points=False)],
        x_label="Month", y_label="Spend", show=charts.short_pounds)
    assert 'role="img"' in svg and "Spend &lt;adding up&gt;" in svg and "Committed &amp; forecast" in svg
    assert ">Committed to date<" in svg and ">Forecast<" in svg and ">Budget<" in svg
    assert svg.count(f'stroke-dasharray="{charts.DASHED}"') == 2  # the forecast's line and its key
    assert svg.count(f'stroke-dasharray="{charts.DOTTED}"') == 2
    assert svg.count("<circle") == 2  # only the committed line's known points are marked
    assert ">£50<" in svg  # the axis ends on the budget, a round number


def test_money_on_an_axis_is_short():
    assert [charts.short_pounds(value) for value in (0, 950, 25_000, 1_250_000, 340_000_000)] == [
        "£0", "£950", "£25k", "£1.25m", "£340m"]
