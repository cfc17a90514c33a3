"""Applications for one patient's drug at the same moment on PostgreSQL: one approval, the rest
refused as duplicates naming it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

APPLICANTS = 6


def test_simultaneous_applications_for_one_patient_and_drug_make_one_approval(
        production, app, client, auth, cdf_application):
    def one(_):
        with app.test_client() as each:
            return each.post("/api/v1/cases", json=cdf_application, headers=auth("demo-clinician"))

    with ThreadPoolExecutor(APPLICANTS) as pool:
        responses = list(pool.map(one, range(APPLICANTS)))

    assert sorted(r.status_code for r in responses) == [201] + [409] * (APPLICANTS - 1)
    [approved] = [r.json for r in responses if r.status_code == 201]
    assert {r.json["approval_number"] for r in responses if r.status_code == 409} == {
        approved["approval_number"]}
