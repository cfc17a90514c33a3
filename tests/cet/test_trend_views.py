"""The trends page: the national database by any one or two dimensions, filtered, over a period typed
in the date input; names for codes; its CSV and XLSX hold exactly the rows it shows; a breakdown too
large for a page is made in the background, once however often its link is followed."""

from __future__ import annotations

import dataclasses
import html
import re

import pytest
from sqlmodel import select

from ifr_service import db
from ifr_service.cet import trend_views
from ifr_service.cet.models import CetExport
from tests.builders import CLINICIAN, OFFICER
from tests.cet.tables import csv_rows, page_rows, same_rows, xlsx_rows
from tests.cet.test_breakdown import ROWS
from tests.cet.test_import import csv_lines, load
from tests.cet.test_views import exports_noted
from tests.conftest import clear_cases
from tests.web.browsing import Person

YEAR_2024 = "from[day]=1&from[month]=1&from[year]=2024&to[day]=31&to[month]=12&to[year]=2024"


@pytest.fixture
def analyst(app, client):
    clear_cases(app)  # whatever an earlier test left in the national database (tests/cet/test_synthetic.py's)
    load(app, csv_lines(*ROWS))
    return Person(client, "demo-cet")


def test_trends_by_hub_and_quarter_show_names_and_the_measures(analyst):
    page = analyst.open(f"/cet/trends?{YEAR_2024}&by=hub&then=quarter")
    assert page_rows(page, "trends-table") == [
        ["Hub", "Quarter received", "Cases received", "Decided", "Approved", "Approval rate (%)",
         "Median working days to decision"],
        ["London", "2024 Q1", "2", "2", "2", "100.0", "6.0"],
        ["London", "2024 Q2", "2", "1", "0", "0.0", "20"],
        ["Yorkshire and Humber", "2024 Q2", "1", "1", "0", "0.0", "1"],
    ]
    assert "Showing cases received from 1 January 2024 to 31 December 2024." in page
    assert "yorkshire-and-humber" not in page_rows(page, "trends-table").__repr__()  # a name, not a code


def test_the_filters_keep_only_the_cases_chosen_and_say_so(analyst):
    page = analyst.open(f"/cet/trends?{YEAR_2024}&by=outcome&urgency=routine&region=london")
    shown = {row[0]: row[1] for row in page_rows(page, "trends-table")[1:]}
    assert shown == {"Approved": "1", "Approved with conditions": "1", "Declined": "1", "Pending": "1"}
    assert "Routine only" in page and "London only" in page
    assert re.search(r'<option value="london" selected', page)


def test_a_period_and_a_few_values_draw_a_line_for_each_value(analyst):
    page = analyst.open(f"/cet/trends?{YEAR_2024}&by=hub&then=month")
    chart = re.search(r'<svg[^>]*id="chart-lines".*?</svg>', page, re.S).group(0)
    assert chart.count("<polyline") == 2 and "London" in chart and "Yorkshire and Humber" in chart
    assert 'stroke-dasharray="8 5"' in chart  # the second line told apart without its colour
    assert "Jan 2024" in chart and "May 2024" in chart and "one line for each hub: London, Yorkshire" in chart


def test_a_period_draws_lines_and_anything_else_bars_and_two_dimensions_no_chart(analyst):
    by_month = analyst.open(f"/cet/trends?{YEAR_2024}&by=month")
    assert 'id="chart-cases"' in by_month and 'id="chart-rate"' in by_month and "<polyline" in by_month
    by_hub = analyst.open(f"/cet/trends?{YEAR_2024}&by=hub")
    chart = re.search(r'<svg[^>]*id="chart-cases".*?</svg>', by_hub, re.S).group(0)
    assert chart.count("<rect") == 2 and "Yorkshire and Humber" in chart and "<desc" in chart
    assert 'class="ifr-chart"' not in analyst.open(f"/cet/trends?{YEAR_2024}&by=hub&then=outcome")


@pytest.mark.parametrize("query", ["by=hub&then=quarter", "by=intervention", "by=crg&then=urgency",
                                   "by=icd10_chapter&route=ifr"])
def test_each_download_holds_exactly_the_rows_the_page_shows(analyst, in_db, query):
    address = f"/cet/trends?{YEAR_2024}&{query}"
    before = len(in_db(exports_noted))
    shown = page_rows(analyst.open(address), "trends-table")
    as_csv = analyst.client.get(f"{address}&download=csv")
    as_xlsx = analyst.client.get(f"{address}&download=xlsx")
    assert as_csv.status_code == 200 and "trends.csv" in as_csv.headers["Content-Disposition"]
    assert same_rows(shown, csv_rows(as_csv.data)) and same_rows(shown, xlsx_rows(as_xlsx.data))
    assert len(shown) > 1
    assert in_db(exports_noted)[before:] == ["export:cet-trends", "export:cet-trends"]


def test_the_programme_of_care_is_shown_and_filtered_by_name(analyst):
    address = f"/cet/trends?{YEAR_2024}&by=programme_of_care&programme_of_care=internal-medicine-2013"
    page = analyst.open(address)
    [row] = page_rows(page, "trends-table")[1:]
    assert row[:2] == ["Internal Medicine", "5"] and "Internal Medicine only" in page


def test_the_intervention_is_shown_by_name(analyst):
    shown = page_rows(analyst.open(f"/cet/trends?{YEAR_2024}&by=intervention"), "trends-table")
    assert shown[1][0] == "Example kinase inhibitor"


@pytest.mark.parametrize(("query", "field", "message"), [
    ("by=patient", "by", "Choose what to break the cases down by from the list."),
    ("by=hub&then=hub", "then", "Choose a different dimension to break them down by next."),
    ("hub=atlantis", "hub", "Choose a hub from the list."),
    ("route=post", "route", "Choose a route from the list."),
    ("download=pdf", "download", "Choose a download as CSV or XLSX."),
    ("from[day]=31&from[month]=2&from[year]=2026", "from", "The 'from' date must be a real date"),
])
def test_a_wrong_choice_is_named_and_no_query_runs(analyst, query, field, message):
    response = analyst.client.get(f"/cet/trends?{query}")
    assert response.status_code == 422 and message in html.unescape(response.text)
    anchor = f"#{field}-day" if field == "from" else f"#field-{field}"
    assert f'href="{anchor}"' in response.text and 'id="trends-table"' not in response.text


def test_a_from_date_after_the_to_date_is_refused(analyst):
    response = analyst.client.get("/cet/trends?from[day]=2&from[month]=1&from[year]=2025"
                                  "&to[day]=1&to[month]=1&to[year]=2025")
    assert response.status_code == 422 and 'href="#from-day"' in response.text
    assert "Give a &#39;from&#39; date no later than the &#39;to&#39; date." in response.text


def test_blank_boxes_mean_the_twelve_months_to_today(analyst, calendar):
    from datetime import date

    calendar.set(date(2024, 12, 31))
    blank = "from[day]=&from[month]=&from[year]=&to[day]=&to[month]=&to[year]="
    page = analyst.open(f"/cet/trends?{blank}&by=year")
    assert "from 1 January 2024 to 31 December 2024" in page
    assert page_rows(page, "trends-table")[1][:2] == ["2024", "5"]


@pytest.fixture
def small_limit(app, monkeypatch):
    runtime = app.extensions["ifr"]
    monkeypatch.setattr(runtime, "config", dataclasses.replace(runtime.config, cet_export_inline_max_rows=2))


def test_a_breakdown_too_large_for_a_page_is_made_in_the_background_once(
        analyst, in_db, run_jobs, small_limit):
    address = f"/cet/trends?{YEAR_2024}&by=hub&then=month"
    before = len(in_db(exports_noted))
    page = analyst.open(address)
    assert "This breakdown has 5 rows, more than a page shows (2)" in page
    assert 'id="trends-table"' not in page
    first = analyst.client.get(f"{address}&download=csv")
    again = analyst.client.get(f"{address}&download=csv")  # a double click, or back and the link again
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    assert re.fullmatch(r"/cet/exports/\d+", first.headers["Location"])
    assert in_db(lambda: len(db.session().exec(select(CetExport)).all())) == 1
    waiting = analyst.open(first.headers["Location"])
    assert "Rows written" in waiting and "check" in waiting and "Trends as CSV" in waiting
    run_jobs()
    ready = analyst.open(first.headers["Location"])
    link = re.search(r'id="download" href="([^"]+)"', ready).group(1)
    made = csv_rows(analyst.client.get(link).data)
    assert made[0][:3] == ["Hub", "Month received", "Cases received"]
    assert [row[:2] for row in made[1:]][-1] == ["Yorkshire and Humber", "May 2024"] and len(made) == 6
    assert in_db(exports_noted)[before:] == ["export:cet-trends", "export:cet-trends", "export:cet-trends"]


def test_more_rows_than_a_page_shows_are_counted_not_shown_and_download_in_the_request(analyst, monkeypatch):
    monkeypatch.setattr(trend_views, "MOST_PAGE_ROWS", 2)  # CET_EXPORT_INLINE_MAX_ROWS stays 20,000
    address = f"/cet/trends?{YEAR_2024}&by=hub&then=month"
    page = analyst.open(address)
    assert "This breakdown has 5 rows, more than a page shows (2)." in page
    assert 'id="trends-table"' not in page and "in the background" not in page
    made = analyst.client.get(f"{address}&download=csv")
    assert made.status_code == 200 and len(csv_rows(made.data)) == 6


@pytest.mark.parametrize("who", [CLINICIAN, OFFICER])
def test_only_the_cet_may_open_the_trends(client, who):
    assert Person(client, who).client.get("/cet/trends").status_code == 403
