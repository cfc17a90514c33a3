"""Approvals the shipped SACT extract (docs/examples/sact-extract.csv) fits: atezolizumab, sotorasib and
olaparib, decided on 5 October 2026 for the demo's CDF patients at UCLH (the London region), and the
extract imported on 7 December 2026."""

from __future__ import annotations

from datetime import date

import pytest

from ifr_service.config import PROJECT_ROOT
from ifr_service.sact.service import import_extract
from tests.builders import apply_to_cdf, cdf_application_for

EXTRACT = PROJECT_ROOT / "docs" / "examples" / "sact-extract.csv"
DECIDED = date(2026, 10, 5)
IMPORTED = date(2026, 12, 7)
PATIENTS = {"atezolizumab-urothelial-after-platinum": "9990000255", "sotorasib-nsclc-kras-g12c": "9990000271",
            "olaparib-ovarian-brca-maintenance": "9990000298"}


@pytest.fixture
def approvals(client, auth, cdf_application, calendar) -> dict[str, dict]:
    """The three approvals, by drug (atezolizumab, sotorasib, olaparib): each case as the API gives it."""
    calendar.set(DECIDED)
    cdf_application["treatment"]["planned_start_date"] = "2026-10-12"
    made = {}
    for entry_key, nhs_number in PATIENTS.items():
        body = cdf_application_for(client, auth, cdf_application, entry_key, nhs_number)
        made[entry_key.split("-")[0]] = apply_to_cdf(client, auth, body)
        assert made[entry_key.split("-")[0]]["state"] == "approved"
    calendar.set(IMPORTED)
    return made


@pytest.fixture
def imported(app, in_db, approvals):
    """The shipped extract imported once; its import's counts."""
    record = in_db(import_extract, EXTRACT.name, EXTRACT.read_bytes())
    return record
