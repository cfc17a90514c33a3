"""No identifiers in logs. A whole journey through the API and the pages, logged at DEBUG, names no
patient; nor do the access logs of gunicorn (production) and of the local server (browser tests), nor a
database error logged with its traceback. The scan that runs over the whole test run's log
(tests/log_scan.py) is checked here too."""

from __future__ import annotations

import io
import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config as GunicornConfig
from gunicorn.glogging import Logger as GunicornLogger
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from ifr_service import gunicorn_conf
from ifr_service.config import PROJECT_ROOT
from ifr_service.web.live import PathOnlyRequestHandler
from tests.builders import CHAIR, CLINICIAN, DECISION, OFFICER, Road, apply_to_cdf
from tests.log_scan import find_identifiers, written_nhs_numbers
from tests.web.browsing import Person

PATIENT = {"given_name": "Zebulon", "family_name": "Quillfeather", "date_of_birth": "1968-04-12"}
BAD_NUMBER = "999 000 0017"  # its check digit is wrong


def identifiers_in(log_text: str) -> list:
    return find_identifiers(log_text.splitlines(), written_nhs_numbers())


def test_a_whole_journey_through_the_api_and_the_pages_logs_no_patient_identifier(
        client, auth, application, cdf_application, run_jobs, caplog):
    caplog.set_level(logging.DEBUG)  # the root logger, as verbose as it gets
    application["patient"].update(PATIENT)
    road = Road(client, auth, application, urgency="urgent")  # submitted: the acknowledgement
    road.to_panel()
    road.act(CHAIR, "approve", DECISION)  # the decision: its letter and the clinician's emails
    cdf_application["patient"].update(PATIENT)
    approved = apply_to_cdf(client, auth, cdf_application)  # decided at once: the approval email
    refused = client.post("/api/v1/cases", headers=auth(CLINICIAN), json={
        **application, "patient": {**application["patient"], "nhs_number": BAD_NUMBER}})
    run_jobs()
    officer = Person(client, OFFICER)
    officer.open("/queue")
    officer.open(f"/cases/{road.reference}")
    Person(client, CLINICIAN).open(f"/cases/{approved['reference']}")

    assert refused.status_code == 422
    assert "email to" in caplog.text  # the development mail relay logged what it sent
    assert road.case()["letters"]
    assert identifiers_in(caplog.text) == []
    for value in PATIENT.values():
        assert value not in caplog.text


def test_a_database_error_names_no_value_it_was_given(app):
    """Its message (logged with the traceback of an unexpected error) says the parameters were hidden."""
    engine = app.extensions["ifr"].engine
    with pytest.raises(DBAPIError) as raised, engine.connect() as connection:
        connection.execute(text("SELECT no_such_column FROM app_user WHERE username = :number"),
                           {"number": "9990000018"})
    assert "9990000018" not in str(raised.value)
    assert "hidden" in str(raised.value)


def test_gunicorns_access_log_leaves_out_the_query_string_and_the_referer(tmp_path):
    """As production runs it (Procfile) and `ifr-service serve` does: a query string may name a patient."""
    config = GunicornConfig()
    config.set("access_log_format", gunicorn_conf.access_log_format)
    config.set("accesslog", str(tmp_path / "access.log"))
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/api/v1/cet/trends?nhs_number=9990000018",
               "PATH_INFO": "/api/v1/cet/trends", "QUERY_STRING": "nhs_number=9990000018",
               "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "10.0.0.1",
               "HTTP_REFERER": "https://ifr.example/queue?search=999+000+0018"}
    answer = SimpleNamespace(status="422 UNPROCESSABLE ENTITY", sent=120, headers=[])
    logger = GunicornLogger(config)
    logger.access(answer, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=12))
    for handler in logger.access_log.handlers:
        handler.flush()

    line = (tmp_path / "access.log").read_text()
    assert '"GET /api/v1/cet/trends HTTP/1.1" 422' in line
    assert identifiers_in(line) == [] and "nhs_number" not in line and "search" not in line


def test_the_procfile_serves_with_the_same_gunicorn_settings():
    lines = (PROJECT_ROOT / "Procfile").read_text().splitlines()
    web = next(line for line in lines if line.startswith("web:"))
    assert "-c python:ifr_service.gunicorn_conf" in web


def test_the_local_servers_access_log_leaves_out_the_query_string(caplog):
    """The server of the browser tests and the screenshots (web/live.py)."""
    handler = PathOnlyRequestHandler.__new__(PathOnlyRequestHandler)
    handler.command, handler.request_version = "GET", "HTTP/1.1"
    handler.path = "/queue?search=999%20000%200018&nhs_number=9990000018"
    handler.client_address, handler.wfile = ("127.0.0.1", 50000), io.BytesIO()
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        handler.log_request(200, 512)
    assert '"GET /queue HTTP/1.1" 200' in caplog.text
    assert identifiers_in(caplog.text) == [] and "nhs_number" not in caplog.text


# The scan of the whole run's log (tests/log_scan.py), proved on a planted number.

SAMPLE_LOG = """\
2026-11-23 10:00:01 INFO ifr_service.notifications.relay email to a@nhs.net: IFR-2026-000001 received
2026-11-23 10:00:02 ERROR ifr_service.errors unhandled error
Traceback (most recent call last):
sqlalchemy.exc.IntegrityError: (sqlite3.IntegrityError) [parameters: ('999 000 0018', 'Alex')]
2026-11-23 10:00:03 DEBUG somewhere row 19990000018 of 99900000181
2026-11-23 10:00:04 DEBUG somewhere refused 9990000017, then looked up 999-000-0026
"""


def test_the_scan_finds_a_planted_number_in_either_form_and_says_where():
    found = find_identifiers(SAMPLE_LOG.splitlines(), written_nhs_numbers())
    assert [(line, number) for line, number, _ in found] == [
        (4, "9990000018"), (6, "9990000017"), (6, "9990000026")]
    assert "[parameters: ('999 000 0018', 'Alex')]" in found[0][2]


@pytest.mark.parametrize("spelling", [
    "\uff19\uff19\uff19 \uff10\uff10\uff10 \uff10\uff10\uff11\uff18",  # fullwidth
    "\u0669\u0669\u0669\u0660\u0660\u0660\u0660\u0660\u0661\u0668",  # Arabic-Indic
    "999\u00a0000\u00a00018",  # no-break spaces
    "\\uff19\\uff19\\uff19\\uff10\\uff10\\uff10\\uff10\\uff10\\uff11\\uff18",  # JSON's escapes of it
])
def test_the_scan_finds_a_number_in_any_scripts_digits(spelling):
    line = f"2026-11-23 10:00:05 WARNING somewhere refused {spelling} for a draft"
    assert [number for _, number, _ in find_identifiers([line], written_nhs_numbers())] == ["9990000018"]


def test_the_scan_looks_for_every_number_of_the_demo_the_examples_and_the_tests():
    from ifr_service.demo import CDF_JOURNEYS, JOURNEYS, test_range_nhs_numbers

    written = written_nhs_numbers()
    assert {"9990000018", "9990000026", "9990000034", "9990000017", "9434765918"} <= written
    demo = test_range_nhs_numbers(len(JOURNEYS) + len(CDF_JOURNEYS))
    assert all(identifiers_in(f"a {number[:3]} {number[3:6]} {number[6:]} b") for number in demo)
    assert identifiers_in("an ODS code RRV, a reference IFR-2026-000001, a time 1700000000") == []
