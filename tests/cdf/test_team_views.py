"""The regional CDF team's pages beside its applications: the fund's spend against its budget
(nationally and for the region), the region's audit and the look-up of an approval number, each
table with its CSV and XLSX, and who may see them."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from ifr_service import db
from ifr_service.audit.models import EXPORT, AuditEvent
from ifr_service.cdf.models import CdfApplication
from tests.builders import CDF_ADMIN, CLINICIAN, OFFICER, apply_to_cdf
from tests.cdf.test_spend import budget, treated, year_so_far  # noqa: F401 (fixtures)
from tests.web.browsing import Person

FULLWIDTH_2026 = "\uff12\uff10\uff12\uff16"
UCLH = "University College London Hospitals NHS Foundation Trust"
NORTH_ADMIN = "cdf-admin-north"


@pytest.fixture
def team(client):
    return Person(client, CDF_ADMIN)


CELL = re.compile(r'<(td|th)[^>]*>\s*<span class="nhsuk-table__heading"[^>]*>.*?</span>(.*?)</\1>', re.S)


def cells(page: str, table_id: str) -> list[list[str]]:
    """The text of each body row's cells of one table (a list's items joined by "; ", as a file
    writes them), each cell's column heading left out."""
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', page, re.S).group(0)
    body = table.split("<tbody", 1)[1]
    return [[text(inner) for _, inner in CELL.findall(row)] for row in re.findall(r"<tr.*?</tr>", body, re.S)]


def text(html: str) -> str:
    items = re.findall(r"<li>(.*?)</li>", html, re.S)
    parts = items or [html]
    plain = "; ".join(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", part)).strip() for part in parts)
    return plain.replace("&#39;", "'").replace("&amp;", "&").replace("&#34;", '"')


def same_numbers(page_cell: str, file_cell) -> bool:
    """A page's cell and a file's say the same: money and counts compared as numbers."""
    shown = page_cell.replace("£", "").replace(",", "")
    try:
        return float(shown) == float(file_cell)
    except (TypeError, ValueError):
        return page_cell == str(file_cell)


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_the_regions_spend_shows_committed_and_forecast_by_month_and_by_drug(team, year_so_far):  # noqa: F811
    page = team.open("/cdf/regions/london/spend")
    assert "London: Cancer Drugs Fund spend in 2026/27" in page
    assert '<svg' in page and '<title id="chart-spend-title">' in page and 'role="img"' in page
    months = cells(page, "months-table")
    assert [row[0] for row in months][:2] == ["April 2026", "May 2026"] and len(months) == 12
    november = months[7]
    # Three approvals treated or expected in November; two atezolizumab cycles given (2 x 3,807.69).
    assert november[:4] == ["November 2026", "3", "£7,615.38", "£19,157.73"]
    assert months[1][:3] == ["May 2026", "1", "£3,807.69"]  # March's approval, still treated in May
    assert months[8][4] == "Not begun"  # December: committed to date is not known yet
    assert months[11][5] == "£109,603.35"  # the year's forecast, as the API gives it
    drugs = cells(page, "entries-table")
    assert [row[0].split()[0] for row in drugs] == ["Atezolizumab", "Olaparib", "Sotorasib"]
    assert drugs[2][1:] == ["1", "£13,814.70", "£48,351.45", "List"]  # two months given, five expected
    assert "£5,260" in page  # routinely commissioned, shown apart


def test_a_spend_table_downloads_as_csv_and_xlsx_with_the_rows_the_page_shows(app, team, year_so_far):  # noqa: F811
    page = team.open("/cdf/regions/london/spend")
    for table, table_id in (("months", "months-table"), ("entries", "entries-table")):
        shown = cells(page, table_id)
        response = team.client.get(f"/cdf/regions/london/spend?table={table}&download=csv")
        assert response.status_code == 200 and response.mimetype == "text/csv"
        assert "attachment" in response.headers["Content-Disposition"]
        header, *rows = csv_rows(response.text)
        assert len(rows) == len(shown)
        for page_row, file_row in zip(shown, rows, strict=True):
            assert all(same_numbers(a, b) for a, b in zip(page_row, file_row, strict=True)), file_row
        workbook = load_workbook(io.BytesIO(team.client.get(
            f"/cdf/regions/london/spend?table={table}&download=xlsx").data))
        sheet_rows = list(workbook.active.iter_rows(values_only=True))
        assert list(sheet_rows[0]) == header and len(sheet_rows) - 1 == len(shown)

    def exports():
        return list(db.session().exec(select(AuditEvent.subject).where(AuditEvent.action == EXPORT,
                                                                        AuditEvent.username == CDF_ADMIN)))

    with app.app_context(), db.unit_of_work(app.extensions["ifr"].engine):
        assert {"export:cdf-spend:london:months", "export:cdf-spend:london:entries"} <= set(exports())


def test_the_national_spend_shows_each_region_by_name_and_the_budget(team, year_so_far, budget):  # noqa: F811
    budget(100_000)
    page = team.open("/cdf/spend")
    assert "National: Cancer Drugs Fund spend in 2026/27" in page
    assert "The forecast passes the budget" in page and "Budget" in page  # the budget's line in the key
    assert [row[:2] for row in cells(page, "regions-table")] == [["London", "4"]]
    assert 'href="/cdf/regions/london/spend?financial_year=2026"' in page  # the team's own region
    analyst = Person(team.client.application.test_client(), "demo-cet")  # the CET, as the API allows
    national = analyst.open("/cdf/spend")
    assert "National: Cancer Drugs Fund spend" in national and "/cdf/regions/london/spend" not in national
    analyst.open("/cdf/regions/london/spend", expect=403)


def test_another_financial_year_is_chosen_from_a_select_and_a_bad_one_is_named(team, year_so_far):  # noqa: F811
    earlier = team.open("/cdf/regions/london/spend?financial_year=2025")
    [march] = cells(earlier, "entries-table")
    assert "2025/26" in earlier and march[1:3] == ["1", "£7,615.38"]  # March's two cycles
    assert '<option value="2025" selected' in earlier
    assert "No approval this year." in team.open("/cdf/regions/london/spend?financial_year=2024")
    for bad in ("1999", "2027", "twenty", FULLWIDTH_2026):  # 2027/28 has not begun: not in the list
        response = team.client.get(f"/cdf/spend?financial_year={bad}")
        assert response.status_code == 422, bad
        assert "Choose a financial year from the list." in response.text
        assert 'href="#field-financial_year"' in response.text
    assert team.client.get("/cdf/spend?download=pdf").status_code == 422
    assert team.client.get("/cdf/regions/london/spend?table=regions&download=csv").status_code == 422


def test_another_regions_team_and_other_roles_cannot_see_a_regions_spend_or_audit(client, year_so_far):  # noqa: F811
    north = Person(client, NORTH_ADMIN)
    north.open("/cdf/regions/london/spend", expect=404)
    north.open("/cdf/regions/london/audit", expect=404)
    north.open("/cdf/regions/london/audit?download=csv", expect=404)
    north.open("/cdf/regions/nowhere/spend", expect=404)
    assert "No application was decided" in north.open("/cdf/regions/north/audit")  # their own: none
    clinician = Person(client, CLINICIAN)
    clinician.open("/cdf/regions/london/spend", expect=403)
    clinician.open("/cdf/regions/london/audit", expect=403)
    clinician.open("/cdf/spend", expect=403)
    Person(client, OFFICER).open("/cdf/approvals", expect=403)


def test_the_regions_audit_counts_applications_approvals_unmet_criteria_and_stops(app, team, year_so_far):  # noqa: F811
    since_march = "from[day]=1&from[month]=3&from[year]=2026"
    page = team.open(f"/cdf/regions/london/audit?{since_march}")
    assert "London: Cancer Drugs Fund audit" in page
    rows = {row[0].split()[0]: row for row in cells(page, "audit-table")}
    atezolizumab = rows["Atezolizumab"]
    assert atezolizumab[1:4] == ["3", "2", "1"]
    assert "(1)" in atezolizumab[4] and atezolizumab[4] != "None"  # the performance status criterion
    assert atezolizumab[-1] == "Unacceptable toxicity (1)"
    assert atezolizumab[0].startswith("Atezolizumab for locally advanced or metastatic urothelial")
    assert atezolizumab[0].endswith("(list version 1)")
    response = team.client.get(f"/cdf/regions/london/audit?{since_march}&download=csv")
    header, *file_rows = csv_rows(response.text)
    assert header[0] == "Drug and indication" and len(file_rows) == len(rows)
    in_file = next(row for row in file_rows if row[0].startswith("Atezolizumab"))
    assert in_file[-1] == "Unacceptable toxicity (1)"
    with app.app_context(), db.unit_of_work(app.extensions["ifr"].engine):
        assert db.session().exec(select(AuditEvent).where(
            AuditEvent.action == EXPORT, AuditEvent.subject == "export:cdf-audit:london")).first() is not None


def test_the_audit_link_in_the_header_opens_the_teams_own_region(team):
    response = team.client.get("/cdf/audit")
    assert response.status_code == 302 and response.headers["Location"].endswith("/cdf/regions/london/audit")


def test_the_audits_period_is_typed_in_day_month_and_year_and_a_bad_date_is_named(team, year_so_far):  # noqa: F811
    before = team.open("/cdf/regions/london/audit?from[day]=1&from[month]=4&from[year]=2026"
                       "&to[day]=31&to[month]=8&to[year]=2026")
    assert "No application was decided in this period." in before
    response = team.client.get("/cdf/regions/london/audit?from[day]=31&from[month]=2&from[year]=2026")
    assert response.status_code == 422 and "The &#39;from&#39; date must be a real date" in response.text
    response = team.client.get("/cdf/regions/london/audit?from[day]=1&from[month]=1&from[year]=2027"
                               "&to[day]=1&to[month]=12&to[year]=2026")
    assert response.status_code == 422 and "no later than the" in response.text


def approval_number(app) -> str:
    with app.app_context(), db.unit_of_work(app.extensions["ifr"].engine):
        return db.session().exec(select(CdfApplication.approval_number)
                                 .where(CdfApplication.approval_number.is_not(None))).first()


def test_an_approval_number_looked_up_shows_what_it_covers_and_the_trust_by_name(app, client, auth, team,
                                                                                 cdf_application):
    apply_to_cdf(client, auth, cdf_application)
    number = approval_number(app)
    assert "Approval number" in team.open("/cdf/approvals")
    page = team.open(f"/cdf/approvals?number={number.lower().replace('-', ' - ')}")
    assert number in page and "Atezolizumab" in page and UCLH in page and "ODS code RRV" in page
    fullwidth = "".join(chr(ord(char) + 0xFEE0) for char in number)  # CDFA-2026-... typed full width
    assert number in team.open(f"/cdf/approvals?number={fullwidth}")


def test_a_wrong_check_digit_an_unknown_number_and_a_blank_are_said_on_the_page(app, client, auth, team,
                                                                                cdf_application):
    apply_to_cdf(client, auth, cdf_application)
    number = approval_number(app)
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    response = team.client.get(f"/cdf/approvals?number={wrong}")
    assert response.status_code == 422 and "its check digit does not match" in response.text
    assert 'href="#field-number"' in response.text and f'value="{wrong}"' in response.text
    response = team.client.get("/cdf/approvals?number=CDFA-2026-999999-9")
    assert response.status_code == 404 and "There is no CDF approval CDFA-2026-999999-9" in response.text
    response = team.client.get("/cdf/approvals?number=%20%20")
    assert response.status_code == 422 and "Enter the approval number" in response.text
    response = team.client.get("/cdf/approvals?number=not-a-number")
    assert response.status_code == 422 and "looks like CDFA-2026-000123-3" in response.text


def test_a_clinician_looks_up_only_their_own_trusts_approvals(app, client, auth, cdf_application):
    apply_to_cdf(client, auth, cdf_application)
    number = approval_number(app)
    assert UCLH in Person(client, CLINICIAN).open(f"/cdf/approvals?number={number}")
    other_trust = Person(client, "demo-clinician-2")
    response = other_trust.client.get(f"/cdf/approvals?number={number}")
    assert response.status_code == 404 and "for your trust" in response.text
    assert "Atezolizumab" not in response.text


def test_the_applications_list_and_result_name_the_trust(app, client, auth, team, cdf_application):
    reference = apply_to_cdf(client, auth, cdf_application)["reference"]
    listed = team.open("/cdf/applications")
    assert UCLH in listed and "ODS code RRV" in listed
    assert 'href="/cdf/regions/london/spend"' in listed and 'href="/cdf/regions/london/audit"' in listed
    assert UCLH in team.open(f"/cdf/applications/{reference}")


def test_the_header_names_the_cdf_administrator_and_links_each_of_their_pages(team):
    page = team.open("/cdf/applications")
    assert "Jo Evans (Regional CDF administrator)" in page and "cdf admin" not in page
    for address in ("/cdf/applications", "/cdf/spend", "/cdf/audit", "/cdf/approvals"):
        assert f'href="{address}"' in page
