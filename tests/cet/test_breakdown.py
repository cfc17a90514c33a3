"""Trends of the national database by any dimension, filtered on the same, as JSON, CSV and XLSX."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

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
    from datetime import date

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
