"""The CET's analyses of the national database against hand-written SQL for the same answers:
trends by month and hub over the whole history, equity between hubs over a year, and cohort
detection as of a day."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import text

from benchmarks.results import Figure
from benchmarks.timing import median, timings
from ifr_service import db
from ifr_service.cet.breakdown import breakdown
from ifr_service.cet.cohorts import find_candidates
from ifr_service.cet.equity import hub_equity
from ifr_service.runtime import runtime

REPEAT = 5
DECIDED = "('approved', 'approved_with_conditions', 'declined')"
APPROVED = "('approved', 'approved_with_conditions')"

TRENDS_SQL = f"""
SELECT to_char(n.received_on, 'YYYY-MM') AS month, h.code AS hub, count(*) AS cases,
       count(*) FILTER (WHERE n.outcome IN {DECIDED}) AS decided,
       count(*) FILTER (WHERE n.outcome IN {APPROVED}) AS approved,
       round(count(*) FILTER (WHERE n.outcome IN {APPROVED})::numeric
             / nullif(count(*) FILTER (WHERE n.outcome IN {DECIDED}), 0), 4) AS approval_rate,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY n.working_days_to_decision)
           FILTER (WHERE n.outcome IN {DECIDED}) AS median_working_days
FROM national_case n JOIN hub h ON h.id = n.hub_id
WHERE n.received_on BETWEEN :start AND :end
GROUP BY 1, 2 ORDER BY 1, 2"""

EQUITY_SQL = f"""
SELECT h.code, h.name, count(*) AS n, count(*) FILTER (WHERE n.outcome IN {APPROVED}) AS approvals
FROM national_case n JOIN hub h ON h.id = n.hub_id
WHERE n.route = 'ifr' AND n.outcome IN {DECIDED} AND n.decided_on BETWEEN :start AND :end
GROUP BY h.code, h.name ORDER BY h.code"""

COHORTS_SQL = f"""
WITH in_window AS (
    SELECT n.*, h.code AS hub FROM national_case n JOIN hub h ON h.id = n.hub_id
    WHERE n.route = 'ifr' AND n.outcome <> 'withdrawn' AND n.received_on BETWEEN :start AND :end),
candidates AS (
    SELECT intervention_key, icd10_category FROM in_window GROUP BY 1, 2
    HAVING count(*) >= :min_cases AND count(DISTINCT hub_id) >= :min_hubs)
SELECT w.intervention_key, w.icd10_category, mode() WITHIN GROUP (ORDER BY w.intervention_name),
       count(*), count(DISTINCT w.hub), array_agg(DISTINCT w.hub),
       array_agg(w.case_ref ORDER BY w.received_on, w.case_ref), min(w.received_on), max(w.received_on),
       sum(w.estimated_cost_pence), count(*) FILTER (WHERE w.outcome IN {DECIDED}),
       count(*) FILTER (WHERE w.outcome IN {APPROVED}), avg((w.urgency <> 'routine')::int),
       mode() WITHIN GROUP (ORDER BY w.crg_code)
FROM in_window w JOIN candidates USING (intervention_key, icd10_category)
GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2"""


def measure(app, as_of: date, years: int) -> list[Figure]:
    history_start = as_of - timedelta(days=365 * years + years // 4 + 1)
    year_start = as_of - timedelta(days=364)
    rule = None
    with app.app_context():
        rule = runtime().config.cohort_rule
    window = {"start": as_of - timedelta(days=rule.window_days), "end": as_of,
              "min_cases": rule.min_cases, "min_hubs": rule.min_hubs}
    return [
        _compare(app, "CET trends: cases and approval rate by month x hub, whole history",
                 lambda: breakdown(["month", "hub"], history_start, as_of).rows,
                 TRENDS_SQL, {"start": history_start, "end": as_of}, ratio_target=2, seconds_target=1),
        _compare(app, "equity analysis, one year", lambda: hub_equity(year_start, as_of)["hubs"],
                 EQUITY_SQL, {"start": year_start, "end": as_of}, ratio_target=2, seconds_target=1),
        _compare(app, "cohort detection as of a day", lambda: find_candidates(as_of),
                 COHORTS_SQL, window, ratio_target=3, seconds_target=5),
    ]


def _compare(app, name: str, ours, sql: str, parameters: dict, ratio_target: float,
             seconds_target: float) -> Figure:
    """Median seconds of the service's analysis against the hand-written SQL, which must give the
    same number of rows."""
    counts = {}

    def service():
        counts["service"] = len(ours())

    def hand_written():
        counts["sql"] = len(db.session().execute(text(sql), parameters).all())

    seconds = _median_in_sessions(app, service)
    baseline = _median_in_sessions(app, hand_written)
    if counts["service"] != counts["sql"]:
        raise RuntimeError(f"{name}: the service gave {counts['service']} rows, the SQL {counts['sql']}")
    ratio = seconds / baseline
    return Figure(name, seconds, "s", f"≤ {ratio_target}x the SQL; ≤ {seconds_target} s",
                  ratio <= ratio_target and seconds <= seconds_target, baseline, ratio,
                  note=f"{counts['sql']:,} rows; median of {REPEAT} runs each")


def _median_in_sessions(app, work) -> float:
    def in_session():
        with app.app_context(), db.unit_of_work(runtime().engine):
            work()

    return median(timings(in_session, REPEAT))
