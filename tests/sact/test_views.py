"""The CDF team's SACT pages, after the shipped extract is imported against its approvals
(tests/sact/conftest.py): approvals never started, patients treated without an approval, rows refused,
each agreement's completeness, each as CSV; and who may see which."""

from __future__ import annotations

import csv
import io

import pytest

from tests.builders import CDF_ADMIN, CLINICIAN, OFFICER
from tests.cdf.test_team_views import NORTH_ADMIN, cells
from tests.web.browsing import Person

PAGES = ["/cdf/sact/never-started", "/cdf/sact/without-approval", "/cdf/sact/refused",
         "/cdf/sact/completeness", "/cdf/sact/imports"]


@pytest.fixture
def team(client):
    return Person(client, CDF_ADMIN)  # the London region's


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_an_approval_past_its_start_window_with_no_start_is_listed_as_never_started(team, approvals,
                                                                                    imported):
    page = team.open("/cdf/sact/never-started")

    assert "London: CDF approvals never started" in page
    rows = cells(page, "never-started-table")
    assert [row[2] for row in rows] == ["999 000 0298"]  # olaparib; the other two started in SACT
    olaparib = rows[0]
    assert olaparib[0] == approvals["olaparib"]["approval_number"]
    assert olaparib[1] == approvals["olaparib"]["reference"]
    assert olaparib[5:7] == ["5 October 2026", "2 November 2026"]
    assert olaparib[7] == ("No start recorded by 2 November 2026, the end of its start window; "
                           "No SACT data 8 weeks after approval")


def test_the_weeks_without_sact_data_can_be_chosen_and_a_bad_number_is_refused(team, approvals, imported):
    page = team.open("/cdf/sact/never-started?weeks=10")  # 14 December: not yet ten weeks

    assert cells(page, "never-started-table")[0][7] == (
        "No start recorded by 2 November 2026, the end of its start window")
    response = team.client.get("/cdf/sact/never-started?weeks=0")
    assert response.status_code == 422 and "from 1 to 52" in response.text


def test_a_cdf_drug_given_without_an_approval_is_listed_for_the_region(team, imported):
    rows = cells(team.open("/cdf/sact/without-approval"), "exceptions-table")

    assert len(rows) == 1
    nhs, trust, drug, cycle, given, why, line = rows[0]
    assert (nhs, drug, cycle, given) == ("999 000 0336", "Nivolumab (37937211005)", "1", "16 November 2026")
    assert trust == "University College London Hospitals NHS Foundation Trust"
    assert why.startswith("No approval of Nivolumab") and line.startswith("7 of import")


def test_a_row_the_rules_refused_is_listed_with_the_rules_words(team, approvals, imported):
    rows = cells(team.open("/cdf/sact/refused"), "exceptions-table")

    assert [row[0] for row in rows] == ["999 000 0298"]
    assert "expired on 02 November 2026" in rows[0][5]


def test_each_data_collection_agreement_shows_its_completeness(team, approvals, imported):
    page = team.open("/cdf/sact/completeness")
    rows = {row[0].split()[0]: row[1:] for row in cells(page, "completeness-table")}

    assert rows["Atezolizumab"] == ["31 December 2027", "1", "1", "100", "0", "0"]
    assert rows["Sotorasib"] == ["31 March 2028", "1", "1", "100", "1", "100"]
    assert rows["Olaparib"] == ["30 September 2027", "1", "0", "0", "0", "0"]
    assert rows["Daratumumab"][1:] == ["0", "0", "No approvals", "0", "No approvals"]


def test_the_completeness_downloads_as_csv_with_the_rows_the_page_shows(team, approvals, imported):
    page = cells(team.open("/cdf/sact/completeness"), "completeness-table")
    response = team.client.get("/cdf/sact/completeness?download=csv")

    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = csv_rows(response.text)
    assert rows[0][:3] == ["Drug and indication", "Data collection ends", "Approvals"]
    assert [row[0] for row in rows[1:]] == [row[0] for row in page]
    assert team.client.get("/cdf/sact/completeness?download=pdf").status_code == 422


def test_every_list_downloads_as_csv(team, approvals, imported):
    for page in PAGES:
        response = team.client.get(f"{page}?download=csv")
        assert response.status_code == 200 and response.mimetype == "text/csv", page


def test_a_cdf_admin_of_another_region_sees_none_of_it(client, approvals, imported):
    north = Person(client, NORTH_ADMIN)

    assert "No approval is waiting to start" in north.open("/cdf/sact/never-started")
    assert "There are none" in north.open("/cdf/sact/without-approval")
    assert "There are none" in north.open("/cdf/sact/refused")
    for row in cells(north.open("/cdf/sact/completeness"), "completeness-table"):
        assert row[2:4] == ["0", "0"]
    for page in PAGES:
        body = client.get(f"{page}?download=csv").text
        assert "9990000298" not in body and "999 000 0298" not in body and "999 000 0336" not in body


def test_the_cet_and_an_administrator_see_the_whole_country(client, approvals, imported):
    for username in ("demo-cet", "demo-admin"):
        person = Person(client.application.test_client(), username)
        page = person.open("/cdf/sact/never-started")
        assert "England: CDF approvals never started" in page
        assert [row[2] for row in cells(page, "never-started-table")] == ["999 000 0298"]


def test_clinicians_and_hub_officers_may_not_open_the_sact_pages(client, imported):
    for username in (CLINICIAN, OFFICER):
        person = Person(client.application.test_client(), username)
        for page in PAGES:
            person.open(page, expect=403)


def test_each_import_is_listed_with_its_counts(team, imported):
    rows = cells(team.open("/cdf/sact/imports"), "imports-table")

    assert len(rows) == 1
    assert rows[0][1:] == ["sact-extract.csv", "8", "5", "4", "0", "2", "1", "1", "1", "2"]
