"""The CET's national dashboard: monthly trends, equity between hubs on a funnel plot with both
limits, and today's cohort candidates, on the synthetic national history."""

from __future__ import annotations

import html
import io
import re
from datetime import date

import pytest
from sqlmodel import select

from ifr_service import db
from ifr_service.audit.models import AuditEvent
from ifr_service.cet.importer import import_cases
from ifr_service.cet.synthetic import OUTLIER_HUB, write_history
from ifr_service.cet.views import twelve_months_to
from ifr_service.policy.jobs import file_cohort_candidates
from tests.builders import CLINICIAN, OFFICER
from tests.cet.tables import csv_rows, page_rows, same_rows, xlsx_rows
from tests.web.browsing import Person

AS_OF = date(2026, 10, 31)
CET = "demo-cet"
WHOLE_HISTORY = "/cet?from=2015-04-01&to=2026-10-31"


@pytest.fixture
def history(app, client, in_db, calendar, tmp_path):
    """3,000 synthetic cases up to AS_OF, with two planted cohorts and South West approving less."""
    calendar.set(AS_OF)
    path = tmp_path / "history.csv"
    in_db(write_history, path, 3000, 2026, AS_OF)
    with app.app_context(), path.open(encoding="utf-8", newline="") as lines:
        report = import_cases(lines, io.StringIO())
    assert report.rejected == 0


@pytest.fixture
def analyst(client):
    return Person(client, CET)


# A responsive table's cell starts with its column's heading, shown only at phone width.
HEADING = r'(?:<span class="nhsuk-table__heading" aria-hidden="true">[^<]*</span>)?'


def table(page: str, table_id: str) -> str:
    return re.search(rf'<table[^>]*id="{table_id}".*?</table>', page, re.S).group(0)


def test_the_dashboard_draws_the_funnel_plot_with_both_limits(history, analyst):
    page = analyst.open(WHOLE_HISTORY)
    funnel = re.search(r'<svg[^>]*id="chart-funnel".*?</svg>', page, re.S).group(0)
    assert 'role="img"' in funnel and '<title id="chart-funnel-title">' in funnel
    assert "<desc" in funnel and "South West (low)" in funnel
    assert 'stroke-dasharray="8 5"' in funnel and 'stroke-dasharray="2 4"' in funnel  # 95% and 99.8%
    assert "95% limits (dashed)" in funnel and "99.8% limits (dotted)" in funnel
    assert funnel.count("<polygon") == 1 + 2  # South West, and the legend's low and high markers
    assert "Cases decided (n)" in funnel and "Approval rate" in funnel


def test_a_hub_outside_the_limits_is_named_in_text_and_flagged_in_the_table(history, analyst):
    page = analyst.open(WHOLE_HISTORY)
    assert "1 hub outside the 99.8% limits:" in page
    assert re.search(r"South West: 14\.5% of 69 decided,\s+below the lower limit of 21\.2%", page)
    row = rf'<tr class="nhsuk-table__row"[^>]*>\s*<th scope="row"[^>]*>{HEADING}([^<]+)</th>(.*?)</tr>'
    rows = re.findall(row, table(page, "equity-table"), re.S)
    flags = {hub: "Low" in cells for hub, cells in rows}
    assert len(flags) == 10 and [hub for hub, low in flags.items() if low] == ["South West"]
    assert OUTLIER_HUB == "south-west"


def test_the_dashboard_shows_the_twelve_months_to_today_by_default(history, analyst):
    page = analyst.open("/cet")
    assert "Showing 1 November 2025 to 31 October 2026." in page
    months = [row[0] for row in page_rows(page, "trends-table")[1:]]
    assert months[0] == "November 2025" and months[-1] == "October 2026" and len(months) == 12
    assert 'id="chart-received"' in page and 'id="chart-approval-rate"' in page
    # The period in force, in the date input's boxes: day, month and year.
    for name, value in (("from[day]", 1), ("from[month]", 11), ("from[year]", 2025), ("to[day]", 31),
                        ("to[month]", 10), ("to[year]", 2026)):
        assert re.search(rf'name="{re.escape(name)}"[^>]*value="{value}"', page), name
    assert 'type="date"' not in page


def test_a_months_cases_in_the_table_are_those_the_trends_api_counts(history, analyst, client, auth):
    page = analyst.open("/cet?from[day]=1&from[month]=1&from[year]=2026&to[day]=31&to[month]=3&to[year]=2026")
    api = client.get("/api/v1/cet/trends?from=2026-01-01&to=2026-03-31&by=month", headers=auth(CET)).json
    shown = {row[0]: int(row[1].replace(",", "")) for row in page_rows(page, "trends-table")[1:]}
    assert len(api["rows"]) == 3
    for row in api["rows"]:
        assert shown[date.fromisoformat(f"{row['month']}-01").strftime("%B %Y")] == row["cases"]


def test_the_dashboards_months_download_as_exactly_the_rows_it_shows(history, analyst, in_db):
    before = len(in_db(exports_noted))
    query = "from[day]=1&from[month]=1&from[year]=2026&to[day]=31&to[month]=3&to[year]=2026"
    shown = page_rows(analyst.open(f"/cet?{query}"), "trends-table")
    as_csv = analyst.client.get(f"/cet?{query}&download=csv")
    as_xlsx = analyst.client.get(f"/cet?{query}&download=xlsx")
    assert as_csv.mimetype == "text/csv" and "cases-by-month.csv" in as_csv.headers["Content-Disposition"]
    assert same_rows(shown, csv_rows(as_csv.data)) and same_rows(shown, xlsx_rows(as_xlsx.data))
    assert len(shown) == 4
    assert in_db(exports_noted)[before:] == ["export:cet-trends", "export:cet-trends"]


def exports_noted() -> list[str]:
    return [event.subject for event in db.session().exec(
        select(AuditEvent).where(AuditEvent.action == "export").order_by(AuditEvent.id))]


def test_the_crg_filter_counts_only_that_crgs_cases(history, analyst, client, auth):
    page = analyst.open(f"{WHOLE_HISTORY}&crg=CFS")
    api = client.get("/api/v1/cet/equity?from=2015-04-01&to=2026-10-31&crg=CFS", headers=auth(CET)).json
    national = f"{api['national']['n']:,} decided"
    assert "(CFS) only" in page and national in page
    assert '<option value="CFS" selected' in page


def test_a_crg_not_in_the_list_is_refused_by_name(analyst):
    response = analyst.client.get("/cet?crg=NOPE")
    assert response.status_code == 422 and 'href="#field-crg"' in response.text
    assert "Choose a Clinical Reference Group from the list." in response.text


def test_the_dashboard_links_to_every_analysis(analyst):
    links = re.search(r'<ul[^>]*id="analyses".*?</ul>', analyst.open("/cet"), re.S).group(0)
    for address in ("/cet/trends", "/cet/clock-performance", "/cet/equity", "/cet/cohorts"):
        assert f'href="{address}' in links


def test_the_dashboard_lists_todays_cohort_candidates_with_their_policy_items(app, history, analyst):
    before = table(analyst.open("/cet"), "cohorts-table")
    assert "Plantuzumab" in before and before.count("Not filed yet") == 2
    with app.app_context():
        filed = file_cohort_candidates(AS_OF)["new"]
    cohorts = table(analyst.open("/cet"), "cohorts-table")
    assert "2 cohort candidates, largest first" in cohorts
    assert "London, North West, Wessex" in cohorts and ">C50<" in cohorts
    for reference in filed:
        assert f'href="/cet/policy-queue/{reference}"' in cohorts


def test_a_from_date_after_the_to_date_names_the_field(history, analyst):
    response = analyst.client.get("/cet?from=2026-10-01&to=2026-09-01")
    assert response.status_code == 422
    assert "There is a problem" in response.text and 'href="#from-day"' in response.text
    assert "Give a 'from' date no later than the 'to' date." in html.unescape(response.text)
    assert 'id="chart-funnel"' not in response.text


def test_a_date_that_is_not_a_date_names_the_field(analyst):
    response = analyst.client.get("/cet?to=31/10/2026")
    assert response.status_code == 422 and 'href="#to-day"' in response.text


@pytest.mark.parametrize(("typed", "message"), [
    ("to[day]=31&to[month]=2&to[year]=2026", "The 'to' date must be a real date"),
    ("to[day]=3&to[month]=Nov&to[year]=2026", "Enter the 'to' date as a day, month and year in numbers"),
    ("to[day]=\uff13&to[month]=11&to[year]=2026", "'to' date"),
    ("to[day]=3&to[year]=2026", "The 'to' date must include a month."),
])
def test_a_wrong_date_in_the_boxes_names_the_field_and_runs_no_query(analyst, typed, message):
    response = analyst.client.get(f"/cet?{typed}")
    assert response.status_code == 422
    assert message in html.unescape(response.text) and 'href="#to-day"' in response.text
    assert 'id="trends-table"' not in response.text and 'id="chart-funnel"' not in response.text
    assert 'nhsuk-input--error' in response.text  # the boxes themselves are marked


def test_an_empty_period_says_nothing_was_decided(analyst):
    page = analyst.open("/cet")
    assert "No IFR case was decided in this period." in page
    assert "There are no cohort candidates today." in page


@pytest.mark.parametrize("address", ["/cet", "/cet?download=csv", "/cet/trends", "/cet/trends?download=xlsx",
                                     "/cet/clock-performance", "/cet/equity", "/cet/cohorts?download=csv"])
@pytest.mark.parametrize("who", [CLINICIAN, OFFICER])
def test_a_clinician_or_a_case_officer_cannot_open_the_cets_pages(client, who, address):
    response = Person(client, who).client.get(address)
    assert response.status_code == 403


def test_someone_not_signed_in_is_sent_to_sign_in_first(client):
    response = client.get("/cet")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_default_period_starts_on_the_first_of_the_month_eleven_months_before():
    assert twelve_months_to(date(2026, 10, 31)) == date(2025, 11, 1)
    assert twelve_months_to(date(2026, 1, 15)) == date(2025, 2, 1)
    assert twelve_months_to(date(2026, 12, 1)) == date(2026, 1, 1)
