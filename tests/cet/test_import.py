"""Importing history from CSV: each row checked like a submitted case, bad rows set aside with their
line number and every problem, good rows loaded, and the same file twice changing nothing."""

from __future__ import annotations

import csv
import io

import pytest
from sqlmodel import select

from ifr_service import db
from ifr_service.cet.importer import COLUMNS, ImportRefused, import_cases
from ifr_service.cet.models import NationalCase
from ifr_service.reference.models import Hub
from tests.test_cli import run

GOOD = {"case_ref": "LEGACY-1", "route": "IFR", "received_date": "2024-02-01", "decision_date": "2024-03-01",
        "commissioner": "NHS Camden CCG", "nhs_number": "999 000 0018", "date_of_birth": "1961-07-30",
        "sex": "female", "diagnosis_icd10": "c341", "intervention_code": "",
        "intervention_name": "Example kinase inhibitor", "intervention_type": "drug", "crg_code": "CFS",
        "urgency": "routine", "estimated_cost_gbp": "62400.00", "outcome": "declined",
        "exceptionality_found": "no"}


def csv_lines(*rows: dict, header: list[str] = COLUMNS) -> list[str]:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row[column] for column in header])
    return out.getvalue().splitlines(keepends=True)


def load(app, lines: list[str]):
    rejects = io.StringIO()
    with app.app_context():
        report = import_cases(lines, rejects)
    return report, list(csv.DictReader(io.StringIO(rejects.getvalue())))


def test_a_good_row_is_loaded_pseudonymised_and_derived_from_the_reference_data(app, client, in_db, calendar):
    report, rejected = load(app, csv_lines(GOOD))
    assert (report.loaded, report.rejected, rejected) == (1, 0, [])

    row = in_db(lambda: db.session().exec(select(NationalCase)).one())
    assert (row.route, row.icd10_code, row.icd10_category, row.icd10_chapter) == ("ifr", "C34.1", "C34", "II")
    assert (row.age_band, row.working_days_to_decision, row.exceptionality_found) == ("60-69", 21, False)
    assert (row.crg_code, row.programme_of_care) == ("CFS", "internal-medicine-2013")
    assert len(row.patient_pseudonym) == 64 and "9990000018" not in row.patient_pseudonym
    assert in_db(lambda: db.session().get(Hub, row.hub_id).code) == "london"


@pytest.mark.parametrize(("changes", "problem"), [
    ({"nhs_number": "9990000017"}, "nhs_number: is not a valid NHS number"),
    ({"diagnosis_icd10": "X99.9"}, "diagnosis_icd10: 'X99.9' is not a WHO ICD-10 category"),
    ({"diagnosis_icd10": "II"}, "diagnosis_icd10: 'II' is not a WHO ICD-10 category"),
    ({"commissioner": "NHS Atlantis CCG"}, "commissioner: 'NHS Atlantis CCG' is not a commissioner"),
    ({"received_date": "2014-01-01", "decision_date": ""}, "commissioner: no hub served this commissioner"),
    ({"decision_date": "2024-01-01"}, "decision_date: is before received_date"),
    ({"date_of_birth": "2025-01-01"}, "date_of_birth: is after received_date"),
    ({"received_date": "01/02/2024"}, "received_date: '01/02/2024' is not an ISO 8601 date"),
    ({"outcome": "pending"}, "decision_date: is given for a pending case"),
    ({"outcome": "maybe"}, "outcome: 'maybe' is not one of"),
    ({"route": "ifr"}, "route: 'ifr' is not one of IFR, CDF"),
    ({"estimated_cost_gbp": "12.345"}, "estimated_cost_gbp: must be pounds and pence"),
    ({"crg_code": "ZZZ"}, "crg_code: 'ZZZ' is not a Clinical Reference Group code"),
    ({"case_ref": ""}, "case_ref: is empty"),
    ({"received_date": "2099-01-01", "decision_date": ""}, "received_date: is in the future"),
])
def test_a_bad_row_is_rejected_with_its_line_and_reason_and_the_good_ones_load(
        app, client, changes, problem):
    bad = {**GOOD, **changes}
    rows = ({**GOOD, "case_ref": "GOOD-1"}, bad, {**GOOD, "case_ref": "GOOD-2"})
    report, rejected = load(app, csv_lines(*rows))
    assert (report.rows, report.loaded, report.rejected) == (3, 2, 1)
    assert rejected[0]["line"] == "3"
    assert problem in rejected[0]["reason"]


def test_every_problem_of_a_row_is_named_at_once(app, client):
    bad = {**GOOD, "nhs_number": "123", "sex": "x", "intervention_type": "magic"}
    _, rejected = load(app, csv_lines(bad))
    reason = rejected[0]["reason"]
    assert all(field in reason for field in ("nhs_number:", "sex:", "intervention_type:"))


def test_importing_the_same_file_again_changes_nothing(app, client, in_db):
    lines = csv_lines(GOOD, {**GOOD, "case_ref": "LEGACY-2", "outcome": "approved"})
    first, _ = load(app, lines)
    again, _ = load(app, lines)
    assert (first.loaded, again.loaded, again.already_present) == (2, 0, 2)
    count = in_db(lambda: len(db.session().exec(select(NationalCase)).all()))
    assert count == 2


def test_a_file_without_the_formats_header_is_refused_whole(app, client):
    with pytest.raises(ImportRefused, match="missing nhs_number"):
        load(app, csv_lines({k: v for k, v in GOOD.items() if k != "nhs_number"},
                            header=[c for c in COLUMNS if c != "nhs_number"]))
    with pytest.raises(ImportRefused, match="wrong order"):
        load(app, csv_lines(GOOD, header=list(reversed(COLUMNS))))
    with pytest.raises(ImportRefused, match="empty"):
        load(app, [])


def test_the_command_prints_a_summary_and_writes_the_rejects(fresh_env, tmp_path):
    run("db", "upgrade", env=fresh_env)
    run("reference", "load", env=fresh_env)
    source = tmp_path / "legacy.csv"
    bad = {**GOOD, "case_ref": "BAD", "nhs_number": "1"}
    source.write_text("".join(csv_lines(GOOD, bad)), encoding="utf-8")

    result = run("import", "cases", str(source), env=fresh_env)
    assert "2 rows: 1 loaded, 0 already present, 1 rejected" in result.stdout
    rejects = list(csv.DictReader(io.StringIO((tmp_path / "legacy.rejects.csv").read_text(encoding="utf-8"))))
    assert [(r["line"], r["case_ref"]) for r in rejects] == [("3", "BAD")]
    assert "1 loaded" not in run("import", "cases", str(source), env=fresh_env).stdout

    refused = run("import", "cases", str(tmp_path / "legacy.rejects.csv"), env=fresh_env, check=False)
    assert refused.returncode != 0 and "not the import format" in refused.stderr


def test_a_row_that_is_not_utf8_is_rejected_with_its_line_and_the_rest_load(fresh_env, tmp_path):
    run("db", "upgrade", env=fresh_env)
    run("reference", "load", env=fresh_env)
    rows = [{**GOOD, "case_ref": f"LEGACY-{n}"} for n in range(1, 6)]
    text = "".join(csv_lines(*rows)).encode("utf-8")
    # line 4 (LEGACY-3): its intervention's name gets a Latin-1 byte and a lone surrogate's bytes
    lines = text.split(b"\n")
    lines[3] = lines[3].replace(b",,Example", b",,\xc9t\xed\xa0\x80")
    latin1 = b"\n".join(lines)
    assert latin1 != text
    source = tmp_path / "legacy.csv"
    source.write_bytes(latin1)

    result = run("import", "cases", str(source), env=fresh_env)
    assert "5 rows: 4 loaded, 0 already present, 1 rejected" in result.stdout
    rejects = list(csv.DictReader(io.StringIO((tmp_path / "legacy.rejects.csv").read_text(encoding="utf-8"))))
    assert [(r["line"], r["case_ref"]) for r in rejects] == [("4", "LEGACY-3")]
    assert "intervention_name: is not UTF-8 text" in rejects[0]["reason"]
    assert "5 rows: 0 loaded, 4 already present, 1 rejected" in run("import", "cases", str(source),
                                                                       env=fresh_env).stdout


BAD_BYTES = [
    ({"intervention_name": "Example\x00inhibitor"}, "intervention_name: This holds a NUL character"),
    ({"intervention_name": "\udcc9toposide"}, "intervention_name: is not UTF-8 text"),  # a Latin-1 byte
    ({"intervention_name": "Example \ud800"}, "intervention_name: This holds a broken character"),
    ({"intervention_name": "Example \x1b[2J"}, "intervention_name: This holds a control character"),
    ({"intervention_name": "Example \u202eenil"}, "intervention_name: This holds an invisible character"),
    ({"nhs_number": "\uff19\uff19\uff19\uff10\uff10\uff10\uff10\uff10\uff11\uff18"},
     "nhs_number: has digits other than 0 to 9"),
    ({"estimated_cost_gbp": "\u0661\u0662\u0663"}, "estimated_cost_gbp: has digits other than 0 to 9"),
    ({"case_ref": "LEGACY-\uff11"}, "case_ref: has digits other than 0 to 9"),
    ({"date_of_birth": "0001-01-01"}, "date_of_birth: is before 1900"),
    ({"commissioner": "Q" * 100_000}, "commissioner: 'QQQQ"),
]


@pytest.mark.parametrize(("changes", "problem"), BAD_BYTES)
def test_a_bad_row_in_the_middle_of_a_file_is_rejected_and_the_import_carries_on_across_batches(
        app, client, in_db, changes, problem):
    rows = [{**GOOD, "case_ref": f"LEGACY-{n}"} for n in range(1, 301)]
    rows[149] = {**rows[149], **changes}  # line 151, in the third batch of 50
    lines = csv_lines(*rows)  # as the command reads a file: undecodable bytes as lone surrogates
    rejects = io.StringIO()
    with app.app_context():
        report = import_cases(lines, rejects, batch_size=50)
    rejected = list(csv.DictReader(io.StringIO(rejects.getvalue())))
    assert (report.rows, report.loaded, report.already_present, report.rejected) == (300, 299, 0, 1)
    assert rejected[0]["line"] == "151"
    assert problem in rejected[0]["reason"]
    assert len(rejected[0]["reason"]) < 300
    assert in_db(lambda: len(db.session().exec(select(NationalCase)).all())) == 299

    with app.app_context():
        again = import_cases(lines, io.StringIO(), batch_size=50)
    assert (again.loaded, again.already_present, again.rejected) == (0, 299, 1)


def test_an_import_leaves_the_planner_knowing_how_many_rows_there_are(app, client, in_db):
    """Without fresh statistics after a bulk load, PostgreSQL planned the cohort query as if the table
    were empty and ran it for over ten minutes; the import analyses the table when it has loaded rows."""
    rows = [{**GOOD, "case_ref": f"LEGACY-{n}"} for n in range(30)]
    load(app, csv_lines(*rows))

    def known_rows():
        connection = db.session().connection()
        if connection.dialect.name == "postgresql":
            return connection.exec_driver_sql(
                "SELECT reltuples FROM pg_class WHERE relname = 'national_case'").scalar()
        stat = connection.exec_driver_sql("SELECT stat FROM sqlite_stat1 WHERE tbl = 'national_case' LIMIT 1")
        return int(stat.scalar().split()[0])  # SQLite's first figure is the table's rows
    assert in_db(known_rows) == 30


def test_a_file_may_add_the_response_reported_after_approval_as_its_last_column(app, client, in_db):
    from ifr_service.cet.importer import OPTIONAL_COLUMNS

    header = COLUMNS + OPTIONAL_COLUMNS
    rows = ({**GOOD, "outcome": "approved", "reported_response": "responding"},
            {**GOOD, "case_ref": "LEGACY-2", "outcome": "approved", "reported_response": ""},
            {**GOOD, "case_ref": "LEGACY-3", "outcome": "approved", "reported_response": "better"})
    report, rejected = load(app, csv_lines(*rows, header=header))
    assert (report.loaded, report.rejected) == (2, 1)
    assert "reported_response: 'better' is not one of responding, stable, progressing, stopped" in \
        rejected[0]["reason"]
    found = in_db(lambda: sorted((row.case_ref, row.reported_response)
                                 for row in db.session().exec(select(NationalCase))))
    assert found == [("LEGACY-1", "responding"), ("LEGACY-2", None)]
