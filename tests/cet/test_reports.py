"""The CET reports performance against each working-day target, by hub and month."""

from __future__ import annotations

from datetime import date

from tests.builders import CHAIR, DECISION, OFFICER, Road

MONDAY = date(2026, 12, 21)


def test_performance_counts_targets_met_and_missed_with_mean_and_median(
        client, auth, application, calendar):
    calendar.set(MONDAY)
    on_time = Road(client, auth, application)
    late = Road(client, auth, application)
    calendar.set(date(2026, 12, 23))
    on_time.act(OFFICER, "confirm_complete")  # two working days: within five
    calendar.set(date(2027, 1, 6))
    late.act(OFFICER, "confirm_complete")  # nine working days (three bank holidays skipped): missed
    late.screen("screen_to_panel", {"reason": "An individual request for the panel."})
    late.hold_meeting()
    late.act(CHAIR, "approve", DECISION)

    report = client.get("/api/v1/cet/reports/clock-performance?from=2026-12-01&to=2027-01-31",
                        headers=auth("demo-cet")).json
    rows = {(row["month"], row["clock"]): row for row in report if row["hub"] == "london"}
    assert rows[("2026-12", "completeness_check")] == {
        "hub": "london", "month": "2026-12", "clock": "completeness_check", "unit": "working_days",
        "count": 1, "within_target": 1, "percent_within_target": 100.0, "mean_used": 2.0, "median_used": 2.0,
        "mean_working_days": 2.0, "median_working_days": 2.0}
    january = rows[("2027-01", "completeness_check")]
    assert (january["count"], january["within_target"], january["mean_working_days"]) == (1, 0, 9.0)
    assert rows[("2027-01", "screening")]["within_target"] == 1
    assert rows[("2027-01", "decision")]["count"] == 1


def test_the_report_asks_for_a_sensible_period_and_is_for_the_cet(client, auth):
    bad = client.get("/api/v1/cet/reports/clock-performance?from=2027-02-01&to=2027-01-01",
                     headers=auth("demo-cet"))
    assert bad.status_code == 422
    assert bad.json["errors"][0]["field"] == "from"
    missing = client.get("/api/v1/cet/reports/clock-performance", headers=auth("demo-cet"))
    assert {e["field"] for e in missing.json["errors"]} == {"from", "to"}
    assert client.get("/api/v1/cet/reports/clock-performance?from=2027-01-01&to=2027-01-31",
                      headers=auth(OFFICER)).status_code == 403
