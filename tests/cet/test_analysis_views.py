"""The CET's pages for performance against targets, equity between hubs and cohort candidates: names
for codes, charts beside tables, dates typed as day, month and year, and downloads holding exactly
the rows each page shows."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest

from ifr_service.cet.names import crg_names
from ifr_service.reference.icd10_crgs import suggest_crg
from tests.builders import CHAIR, CLINICIAN, DECISION, OFFICER, Road
from tests.cet.tables import csv_rows, page_rows, same_rows, xlsx_rows
from tests.cet.test_breakdown import ROWS
from tests.cet.test_import import GOOD, csv_lines, load
from tests.cet.test_views import exports_noted
from tests.conftest import clear_cases
from tests.web.browsing import Person

WINTER = "from[day]=1&from[month]=12&from[year]=2026&to[day]=31&to[month]=1&to[year]=2027"
YEAR_2024 = "from[day]=1&from[month]=1&from[year]=2024&to[day]=31&to[month]=12&to[year]=2024"


def downloads_match(analyst, address: str, table_id: str) -> list[list[str]]:
    """The page's table, checked against its CSV and XLSX cell for cell."""
    shown = page_rows(analyst.open(address), table_id)
    as_csv = analyst.client.get(f"{address}&download=csv")
    as_xlsx = analyst.client.get(f"{address}&download=xlsx")
    assert as_csv.status_code == as_xlsx.status_code == 200
    assert same_rows(shown, csv_rows(as_csv.data)), (shown, csv_rows(as_csv.data))
    assert same_rows(shown, xlsx_rows(as_xlsx.data))
    return shown


@pytest.fixture
def clocks(client, auth, application, calendar):
    """Two London cases: one checked complete within its target in December, one late in January."""
    calendar.set(date(2026, 12, 21))
    on_time = Road(client, auth, application)
    late = Road(client, auth, application)
    calendar.set(date(2026, 12, 23))
    on_time.act(OFFICER, "confirm_complete")
    calendar.set(date(2027, 1, 6))
    late.act(OFFICER, "confirm_complete")
    late.screen("screen_to_panel", {"reason": "An individual request for the panel."})
    late.hold_meeting()
    late.act(CHAIR, "approve", DECISION)


def test_performance_against_targets_by_target_hub_and_month_with_names(clocks, client, in_db):
    analyst = Person(client, "demo-cet")
    before = len(in_db(exports_noted))
    shown = downloads_match(analyst, f"/cet/clock-performance?{WINTER}", "clock-table")
    assert shown[0] == ["Target", "Hub", "Month stopped", "Judged", "Within target", "Within target (%)",
                        "Median", "Unit"]
    completeness = [row for row in shown if row[2] in ("December 2026", "January 2027")
                    and row[1] == "London" and row[3:6] in (["1", "1", "100.0"], ["1", "0", "0.0"])]
    assert len(completeness) >= 2 and all(row[7] == "working days" for row in completeness)
    assert "london" not in repr(shown) and "completeness_check" not in repr(shown)
    assert in_db(exports_noted)[before:] == ["export:cet-clock-performance"] * 2


def test_each_target_has_a_chart_beside_its_months(clocks, client):
    page = Person(client, "demo-cet").open(f"/cet/clock-performance?{WINTER}&clock=completeness_check")
    assert page.count('class="ifr-chart"') == 1 and 'id="chart-completeness-check"' in page
    months = page_rows(page, "target-completeness-check")
    assert months == [["Month stopped", "Judged", "Within target (%)"], ["December 2026", "1", "100.0"],
                      ["January 2027", "1", "0.0"]]


def test_a_target_or_hub_not_on_the_list_is_refused(client):
    response = Person(client, "demo-cet").client.get("/cet/clock-performance?clock=tea_break&hub=atlantis")
    assert response.status_code == 422
    text = html.unescape(response.text)
    assert "Choose a target from the list." in text and "Choose a hub from the list." in text
    assert 'id="clock-table"' not in text


def test_equity_for_any_period_and_crg_with_its_funnel_and_names(app, client, in_db):
    clear_cases(app)  # only these cases in the national database
    load(app, csv_lines(*ROWS))
    analyst = Person(client, "demo-cet")
    before = len(in_db(exports_noted))
    shown = downloads_match(analyst, f"/cet/equity?{YEAR_2024}&crg=CFS", "equity-table")
    assert shown[0][:4] == ["Hub", "Decided", "Approved", "Approval rate (%)"]
    assert [row[0] for row in shown[1:]] == ["London", "Yorkshire and Humber"]
    assert shown[1][1:4] == ["4", "3", "75.0"]
    page = analyst.open(f"/cet/equity?{YEAR_2024}&crg=CFS")
    assert 'id="chart-funnel"' in page and "Cystic Fibrosis only." in page
    assert in_db(exports_noted)[before:] == ["export:cet-equity"] * 2


def test_cohort_candidates_as_of_a_day_typed_in_the_boxes(app, client, in_db):
    cohort = [{**GOOD, "case_ref": f"OLD-{i}", "commissioner": commissioner, "received_date": "2026-06-01",
               "decision_date": "2026-06-10"}
              for i, commissioner in enumerate(["NHS Camden CCG"] * 3 + ["NHS Leeds West CCG"] * 2)]
    clear_cases(app)
    load(app, csv_lines(*cohort))
    analyst = Person(client, "demo-cet")
    before = len(in_db(exports_noted))
    shown = downloads_match(analyst, "/cet/cohorts?as_of[day]=23&as_of[month]=11&as_of[year]=2026",
                            "cohorts-table")
    assert shown[0][:4] == ["Intervention", "ICD-10 category", "Cases", "Hubs"]
    [row] = shown[1:]
    assert row[:4] == ["Example kinase inhibitor", "C34", "5", "London, Yorkshire and Humber"]
    # The CRG suggested for lung cancer (C34, reference/data/icd10_crgs.yaml), by name, not its code.
    assert row[-2:] == [in_db(lambda: crg_names()[suggest_crg("C34").crg_code]), "Not filed yet"]
    assert row[-2] not in ("TSY", "CFS")
    assert in_db(exports_noted)[before:] == ["export:cet-cohorts"] * 2
    later = analyst.open("/cet/cohorts?as_of[day]=1&as_of[month]=1&as_of[year]=2028")
    assert "There are no cohort candidates as of this day." in later


@pytest.mark.parametrize("typed", ["as_of[day]=31&as_of[month]=2&as_of[year]=2026",
                                   "as_of[day]=1&as_of[month]=Nov&as_of[year]=2026"])
def test_a_wrong_day_for_the_cohorts_is_named(client, typed):
    response = Person(client, "demo-cet").client.get(f"/cet/cohorts?{typed}")
    assert response.status_code == 422 and 'href="#as_of-day"' in response.text
    assert re.search(r"The date must be a real date|Enter the date as a day, month and year",
                     html.unescape(response.text))


@pytest.mark.parametrize("address", ["/cet/clock-performance", "/cet/equity", "/cet/cohorts"])
@pytest.mark.parametrize("who", [CLINICIAN, OFFICER])
def test_only_the_cet_may_open_the_analyses(client, who, address):
    assert Person(client, who).client.get(address).status_code == 403
