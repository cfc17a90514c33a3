"""Trends of the national database by any dimension, filtered on the same, as JSON, CSV and XLSX."""

from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import load_workbook

from ifr_service import db
from ifr_service.cet import breakdown
from tests.cet.test_import import GOOD, csv_lines, load
from tests.test_cli import run

PERIOD = "from=2024-01-01&to=2024-12-31"
ROWS = [  # London (Camden) and Yorkshire and the Humber (Leeds West), 2024
    {**GOOD, "case_ref": "A", "received_date": "2024-01-08", "decision_date": "2024-01-18",
     "outcome": "approved"},
    {**GOOD, "case_ref": "B", "received_date": "2024-02-05", "decision_date": "2024-02-09",
     "outcome": "approved_with_conditions"},
    {**GOOD, "case_ref": "C", "received_date": "2024-04-01", "decision_date": "2024-04-29",
     "outcome": "declined"},
    {**GOOD, "case_ref": "D", "received_date": "2024-05-01", "decision_date": "", "outcome": "pending"},
    {**GOOD, "case_ref": "E", "received_date": "2024-05-01", "decision_date": "2024-05-02",
     "commissioner": "NHS Leeds West CCG", "outcome": "declined", "urgency": "urgent"},
    {**GOOD, "case_ref": "F", "received_date": "2023-12-29", "decision_date": "2024-01-05",
     "outcome": "approved"},
]


def trends(client, auth, query: str):
    return client.get(f"/api/v1/cet/trends?{PERIOD}&{query}", headers=auth("demo-cet"))


def test_cases_decisions_rates_and_median_days_by_hub_and_quarter(app, client, auth):
    load(app, csv_lines(*ROWS))
    table = trends(client, auth, "by=hub,quarter").json

    assert table["columns"] == ["hub", "quarter", "cases", "decided", "approved", "approval_rate",
                                "median_working_days"]
    assert table["rows"] == [
        {"hub": "london", "quarter": "2024-Q1", "cases": 2, "decided": 2, "approved": 2,
         "approval_rate": 1.0, "median_working_days": 6.0},  # 8 and 4 working days; F was received in 2023
        {"hub": "london", "quarter": "2024-Q2", "cases": 2, "decided": 1, "approved": 0, "approval_rate": 0.0,
         "median_working_days": 20},  # received on Easter Monday, 1 April; decided 29 April
        {"hub": "yorkshire-and-humber", "quarter": "2024-Q2", "cases": 1, "decided": 1, "approved": 0,
         "approval_rate": 0.0, "median_working_days": 1},
    ]


def test_filters_keep_only_the_cases_with_the_values_given(app, client, auth):
    load(app, csv_lines(*ROWS))
    table = trends(client, auth, "by=outcome&urgency=routine&region=london").json
    assert {row["outcome"]: row["cases"] for row in table["rows"]} == {
        "approved": 1, "approved_with_conditions": 1, "declined": 1, "pending": 1}


def test_any_table_exports_as_csv_and_xlsx(app, client, auth):
    load(app, csv_lines(*ROWS))
    exported = trends(client, auth, "by=region&format=csv")
    assert exported.mimetype == "text/csv" and "attachment" in exported.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert [(r["region"], r["cases"], r["approved"]) for r in rows] == [
        ("london", "4", "2"), ("north", "1", "0")]

    workbook = load_workbook(io.BytesIO(trends(client, auth, "by=region&format=xlsx").data))
    sheet = workbook["Trends"]
    assert [cell.value for cell in sheet[1]] == ["region", *ROWS_MEASURES]
    assert [cell.value for cell in sheet[2]][:4] == ["london", 4, 3, 2]


ROWS_MEASURES = ["cases", "decided", "approved", "approval_rate", "median_working_days"]


def test_an_unknown_dimension_or_filter_is_named(client, auth):
    bad = trends(client, auth, "by=colour")
    assert bad.status_code == 422 and bad.json["errors"][0]["field"].startswith("by")
    bad = trends(client, auth, "by=hub&nhs_number=9990000018")
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "nhs_number"
    assert client.get(f"/api/v1/cet/trends?{PERIOD}", headers=auth("demo-officer")).status_code == 403


def test_the_command_prints_the_table(fresh_env, tmp_path):
    run("db", "upgrade", env=fresh_env)
    run("reference", "load", env=fresh_env)
    source = tmp_path / "legacy.csv"
    source.write_text("".join(csv_lines(*ROWS)), encoding="utf-8")
    run("import", "cases", str(source), env=fresh_env)
    printed = run("cet", "trends", "--by", "route", "--from", "2024-01-01", "--to", "2024-12-31",
                  "--format", "csv", env=fresh_env).stdout
    assert printed.splitlines()[1].startswith("ifr,5,4,2,0.5,")
    refused = run("cet", "trends", "--by", "colour", "--from", "2024-01-01", "--to", "2024-12-31",
                  env=fresh_env, check=False)
    assert refused.returncode != 0 and "not dimensions: colour" in refused.stderr


def test_cohorts_and_equity_export_as_tables_too(app, client, auth, calendar):
    calendar.set(date(2024, 12, 31))
    cohort = [{**GOOD, "case_ref": f"K{i}", "commissioner": commissioner, "outcome": outcome}
              for i, (commissioner, outcome) in enumerate(
                  [("NHS Camden CCG", "approved")] * 3 + [("NHS Leeds West CCG", "declined")] * 2)]
    load(app, csv_lines(*cohort))

    cohorts = client.get("/api/v1/cet/cohorts?as_of=2024-12-31&format=csv", headers=auth("demo-cet"))
    [row] = list(csv.DictReader(io.StringIO(cohorts.get_data(as_text=True))))
    assert (row["count"], row["hubs"], row["case_refs"]) == ("5", "london; yorkshire-and-humber",
                                                             "K0; K1; K2; K3; K4")
    equity = client.get(f"/api/v1/cet/equity?{PERIOD}&format=xlsx", headers=auth("demo-cet"))
    assert "equity-between-hubs.xlsx" in equity.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(equity.data)).active
    assert [cell.value for cell in sheet[1]] == ["hub", "name", "n", "approvals", "rate", "national_rate",
                                                "lower_95", "upper_95", "lower_998", "upper_998", "flag"]
    assert [cell.value for cell in sheet[2]][:4] == ["london", "London", 3, 3]


JUNE = [  # all received on Monday 3 June 2024; working days to decision in the comments
    {**GOOD, "case_ref": "J1", "received_date": "2024-06-03", "decision_date": "2024-06-04",
     "outcome": "approved"},  # 1
    {**GOOD, "case_ref": "J2", "received_date": "2024-06-03", "decision_date": "2024-06-06",
     "outcome": "declined"},  # 3
    {**GOOD, "case_ref": "J3", "received_date": "2024-06-03", "decision_date": "2024-06-13",
     "outcome": "approved", "crg_code": ""},  # 8
    {**GOOD, "case_ref": "J4", "received_date": "2024-06-03", "decision_date": "2024-07-01",
     "outcome": "declined", "urgency": "urgent"},  # 20
    {**GOOD, "case_ref": "J5", "received_date": "2024-06-03", "decision_date": "2024-06-05",
     "outcome": "withdrawn", "crg_code": ""},  # 2, but not a decision
    {**GOOD, "case_ref": "J6", "received_date": "2024-06-03", "decision_date": "", "outcome": "pending"},
]


def rows_of(app, by: list[str], start: date = date(2024, 1, 1), end: date = date(2024, 12, 31),
            **filters: str) -> list[dict]:
    with app.app_context(), db.unit_of_work(app.extensions["ifr"].engine):
        return breakdown.breakdown(by, start, end, filters).rows


def test_the_median_of_an_even_count_is_the_mean_of_the_two_middle_decisions(app, client):
    load(app, csv_lines(*JUNE))
    assert rows_of(app, ["route"]) == [
        {"route": "ifr", "cases": 6, "decided": 4, "approved": 2, "approval_rate": 0.5,
         "median_working_days": 5.5}]  # 1, 3, 8 and 20: the withdrawn case's 2 days are no decision
    assert [row["median_working_days"] for row in rows_of(app, ["outcome"])] == [4.5, 11.5, None, None]


def test_the_median_of_an_odd_count_is_the_middle_decision_itself(app, client):
    load(app, csv_lines(*JUNE))
    routine, urgent = rows_of(app, ["urgency"])
    assert (routine["urgency"], routine["median_working_days"], urgent["median_working_days"]) == (
        "routine", 3, 20)
    assert isinstance(routine["median_working_days"], int)


def test_a_case_with_no_crg_is_a_group_of_its_own_and_the_filter_none_keeps_it(app, client):
    load(app, csv_lines(*JUNE))
    assert [(row["crg"], row["cases"]) for row in rows_of(app, ["crg"])] == [("CFS", 4), (None, 2)]
    assert [(row["outcome"], row["cases"]) for row in rows_of(app, ["outcome"], crg="None")] == [
        ("approved", 1), ("withdrawn", 1)]


def test_filters_on_periods_and_hubs_compare_their_labels(app, client):
    load(app, csv_lines(*ROWS))

    def cases(**filters: str) -> int | None:
        found = rows_of(app, ["route"], **filters)
        return found[0]["cases"] if found else None

    assert (cases(month="2024-01"), cases(quarter="2024-Q2"), cases(year="2024")) == (1, 3, 5)
    assert (cases(hub="yorkshire-and-humber"), cases(hub="london", quarter="2024-Q2")) == (1, 2)
    assert (cases(month="2024-1"), cases(year="2023"), cases(hub="nowhere")) == (None, None, None)


def test_a_period_with_no_cases_has_its_columns_and_no_rows(app, client, auth):
    load(app, csv_lines(*ROWS))
    assert rows_of(app, ["year"], date(2024, 12, 31), date(2024, 1, 1)) == []
    empty = client.get("/api/v1/cet/trends?from=2030-01-01&to=2030-12-31&by=month,hub",
                       headers=auth("demo-cet")).json
    assert (empty["columns"][:3], empty["rows"]) == (["month", "hub", "cases"], [])


def test_the_rows_streamed_for_an_export_are_the_breakdowns_rows_in_its_order(app, client):
    """iter_rows (the background export's reader) orders in the database what breakdown() sorts in
    Python: each label as text, "None" for none, code point by code point."""
    load(app, csv_lines(*ROWS, *[{**row, "case_ref": f"X{row['case_ref']}"} for row in JUNE]))
    for by in (["hub", "month"], ["crg"], ["outcome", "crg"], ["urgency", "quarter", "hub"], ["year"]):
        with app.app_context(), db.unit_of_work(app.extensions["ifr"].engine):
            expected = breakdown.breakdown(by, date(2023, 1, 1), date(2024, 12, 31)).rows
            streamed = list(breakdown.iter_rows(by, date(2023, 1, 1), date(2024, 12, 31), batch=2))
        assert streamed == expected, by
        assert len(streamed) > 1
