"""The Clinical Effectiveness Team's analyses in the browser, mistakes included: Chris Morgan signs
in, reaches each analysis from the home page (the header and the dashboard's links), types periods
in the date input's boxes, downloads every table as CSV and XLSX and finds in each exactly the rows
the page shows; types a date that does not exist and a month in words, leaves the boxes blank, goes
back, and double-clicks a download too large for a page (one export, made in the background). Every
page passes axe-core at every impact level, and none scrolls sideways on a 375 px phone."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from sqlmodel import select

from ifr_service import db
from ifr_service.cet.models import CetExport
from tests.browser.people import all_violations, assert_no_sideways_scroll, sign_in
from tests.builders import OFFICER, Road
from tests.cet.tables import csv_rows, page_rows, same_rows, xlsx_rows
from tests.cet.test_breakdown import ROWS
from tests.cet.test_import import GOOD, csv_lines, load
from tests.conftest import clear_cases

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1200, "height": 900}
COHORT = [{**GOOD, "case_ref": f"OLD-{i}", "commissioner": commissioner, "received_date": "2026-06-01",
           "decision_date": "2026-06-10"}
          for i, commissioner in enumerate(["NHS Camden CCG"] * 3 + ["NHS Leeds West CCG"] * 2)]


def check_page(page, seen: list[str]) -> None:
    """axe-core's every violation, then the same page loaded at phone width, then back to the desktop."""
    page.wait_for_load_state()
    assert all_violations(page) == []
    page.set_viewport_size(PHONE)
    page.reload()  # as a phone loads it (each of these pages is a GET), not a desktop page narrowed
    assert_no_sideways_scroll(page)
    page.set_viewport_size(DESKTOP)
    seen.append(page.url)


def go(page, control) -> None:
    with page.expect_navigation():
        control.click()


def type_date(page, name: str, day: str, month: str, year: str) -> None:
    for part, value in (("day", day), ("month", month), ("year", year)):
        page.fill(f'[name="{name}[{part}]"]', value)


def downloaded(page, what: str, kind: str) -> bytes:
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Download {what} as {kind}").click()
    return Path(download.value.path()).read_bytes()


def check_downloads(page, what: str, table_id: str) -> list[list[str]]:
    """The page's table, and its CSV and XLSX holding exactly its rows."""
    shown = page_rows(page.content(), table_id)
    assert len(shown) > 1, f"{page.url}: no rows to compare"
    assert same_rows(shown, csv_rows(downloaded(page, what, "CSV"))), page.url
    assert same_rows(shown, xlsx_rows(downloaded(page, what, "XLSX (Excel)"))), page.url
    return shown


def test_the_cet_reaches_every_analysis_sets_its_filters_and_downloads_what_it_shows(
        page, app, client, auth, application, in_db, run_jobs, monkeypatch):
    clear_cases(app)  # only these cases in the national database
    load(app, csv_lines(*ROWS, *COHORT))
    Road(client, auth, application).act(OFFICER, "confirm_complete")  # a target judged today
    seen: list[str] = []

    sign_in(page, "Chris Morgan")
    assert page.url.endswith("/cet")  # the CET's home: the national dashboard
    check_page(page, seen)
    home = page.url

    # Trends: from the header, by hub and then quarter, over 2024.
    go(page, page.get_by_role("link", name="Trends", exact=True).first)
    check_page(page, seen)
    type_date(page, "from", "1", "1", "2024")
    type_date(page, "to", "31", "12", "2024")
    page.select_option('[name="by"]', label="Hub")
    page.select_option('[name="then"]', label="Quarter received")
    go(page, page.get_by_role("button", name="Show these trends"))
    assert page.locator("#chart-lines polyline").count() == 2  # a line for each hub, over the quarters
    check_page(page, seen)
    shown = check_downloads(page, "the trends", "trends-table")
    assert [row[:2] for row in shown[1:]] == [["London", "2024 Q1"], ["London", "2024 Q2"],
                                              ["Yorkshire and Humber", "2024 Q2"]]
    trends_by_hub = page.url

    # A day that does not exist: the page again, the field named, no table.
    type_date(page, "from", "31", "2", "2024")
    go(page, page.get_by_role("button", name="Show these trends"))
    assert "There is a problem" in page.inner_text(".nhsuk-error-summary")
    assert "The 'from' date must be a real date" in page.inner_text(".nhsuk-error-summary")
    assert page.locator("#trends-table").count() == 0
    check_page(page, seen)
    page.locator(".nhsuk-error-summary a").first.click()  # the summary's link leads to the day box
    assert page.evaluate("() => document.activeElement.name") == "from[day]"

    # A month in words.
    type_date(page, "from", "1", "Nov", "2024")
    go(page, page.get_by_role("button", name="Show these trends"))
    assert "in numbers" in page.inner_text(".nhsuk-error-summary")

    # Blank boxes: the default period, the 12 months to today, and no error.
    type_date(page, "from", "", "", "")
    type_date(page, "to", "", "", "")
    page.select_option('[name="then"]', label="Nothing more")
    go(page, page.get_by_role("button", name="Show these trends"))
    assert page.locator(".nhsuk-error-summary").count() == 0
    assert "Showing cases received from" in page.inner_text("#showing")
    assert page.input_value('[name="to[year]"]') != ""  # the period in force, shown in the boxes

    # Back: the trends by hub again, still downloading what they show.
    page.goto(trends_by_hub)
    page.goto(home)
    page.go_back()
    assert page.url == trends_by_hub
    check_downloads(page, "the trends", "trends-table")

    # By intervention, filtered to routine cases: a bar chart beside the table, names not keys.
    page.goto(f"{trends_by_hub.split('?')[0]}?from[day]=1&from[month]=1&from[year]=2024"
              "&to[day]=31&to[month]=12&to[year]=2026&by=hub&urgency=routine")
    assert page.locator("#chart-cases rect").count() >= 1
    check_page(page, seen)
    check_downloads(page, "the trends", "trends-table")

    # Too large for a page: a double click makes one export in the background, and its page the file.
    runtime = app.extensions["ifr"]
    monkeypatch.setattr(runtime, "config", dataclasses.replace(runtime.config, cet_export_inline_max_rows=2))
    page.goto(trends_by_hub)
    assert "more than a page shows" in page.inner_text("main")
    check_page(page, seen)
    with page.expect_navigation(url=re.compile(r"/cet/exports/\d+$")):
        page.get_by_role("link", name="Make the trends as CSV in the background").dblclick()
    assert in_db(lambda: len(db.session().exec(select(CetExport)).all())) == 1
    run_jobs()
    page.reload()
    check_page(page, seen)
    with page.expect_download() as download:
        page.locator("#download").click()
    made = csv_rows(Path(download.value.path()).read_bytes())
    assert [row[:2] for row in made[1:]] == [row[:2] for row in shown[1:]]
    monkeypatch.undo()

    # Performance against targets: from the header.
    page.goto(home)
    go(page, page.get_by_role("link", name="Targets", exact=True).first)
    check_page(page, seen)
    targets = check_downloads(page, "the performance against targets", "clock-table")
    assert "London" in [row[1] for row in targets[1:]]
    assert page.locator("svg.ifr-chart").count() >= 1

    # Equity between hubs: from the dashboard's links, for 2024 and one CRG.
    page.goto(home)
    go(page, page.locator("#analyses").get_by_role("link", name="Equity between hubs"))
    type_date(page, "from", "1", "1", "2024")
    type_date(page, "to", "31", "12", "2024")
    page.select_option('[name="crg"]', label="Cystic Fibrosis")
    go(page, page.get_by_role("button", name="Show this period"))
    assert page.locator("#chart-funnel").is_visible()
    check_page(page, seen)
    equity = check_downloads(page, "the approval rate by hub", "equity-table")
    assert [row[0] for row in equity[1:]] == ["London", "Yorkshire and Humber"]

    # Cohort candidates: from the dashboard's links, as of a day typed in the boxes.
    page.goto(home)
    go(page, page.locator("#analyses").get_by_role("link", name="Cohort candidates"))
    type_date(page, "as_of", "23", "11", "2026")
    go(page, page.get_by_role("button", name="Show the candidates"))
    check_page(page, seen)
    cohorts = check_downloads(page, "the cohort candidates", "cohorts-table")
    assert cohorts[1][:4] == ["Example kinase inhibitor", "C34", "5", "London, Yorkshire and Humber"]

    # The dashboard's own months, for a period typed in its boxes.
    page.goto(home)
    type_date(page, "from", "1", "1", "2024")
    type_date(page, "to", "30", "6", "2024")
    go(page, page.get_by_role("button", name="Show this period"))
    check_page(page, seen)
    months = check_downloads(page, "the cases by month", "trends-table")
    assert [row[0] for row in months[1:]] == ["January 2024", "February 2024", "March 2024", "April 2024",
                                              "May 2024", "June 2024"]
    assert len({url.split("?")[0] for url in seen}) >= 6
