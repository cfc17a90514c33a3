"""On a synthetic national history of 100,000 cases, with cohorts and an outlier hub planted by the
project's own generator, the import, cohort detection and equity analysis find exactly the plants,
on the embedded default and on PostgreSQL."""

from __future__ import annotations

import io
from datetime import date

from ifr_service.cet.importer import import_cases
from ifr_service.cet.synthetic import NEAR_MISSES, OUTLIER_HUB, PLANTED_COHORTS, write_history

AS_OF = date(2026, 10, 31)
CASES = 100_000


def test_a_national_history_yields_exactly_its_planted_cohorts_and_outlier(
        app, client, auth, in_db, calendar, tmp_path):
    calendar.set(AS_OF)
    history = tmp_path / "history.csv"
    planted = in_db(write_history, history, CASES, 2026, AS_OF)

    rejects = io.StringIO()
    with app.app_context(), history.open(encoding="utf-8", newline="") as lines:
        report = import_cases(lines, rejects)
    assert (report.rows, report.loaded, report.rejected) == (CASES, CASES, 0), rejects.getvalue()

    found = client.get(f"/api/v1/cet/cohorts?as_of={AS_OF}", headers=auth("demo-cet")).json
    assert [(c["intervention_key"], c["icd10_category"], c["count"], c["hub_count"]) for c in found] == [
        (p["intervention_key"], p["icd10_category"], p["count"], p["hub_count"]) for p in planted.cohorts]
    assert len(PLANTED_COHORTS) == 2 and len(NEAR_MISSES) == 6  # the near misses stay unfound
    assert all(ref.startswith("PLANT-") for c in found for ref in c["case_refs"])

    equity = client.get(f"/api/v1/cet/equity?from=2015-04-01&to={AS_OF}", headers=auth("demo-cet")).json
    flags = {hub["hub"]: hub["flag"] for hub in equity["hubs"]}
    assert len(flags) == 10
    assert {hub: flag for hub, flag in flags.items() if flag} == {OUTLIER_HUB: "low"}
    outlier = next(hub for hub in equity["hubs"] if hub["hub"] == OUTLIER_HUB)
    assert outlier["rate"] < outlier["limits_998"][0] < equity["national"]["rate"]
