"""The audit log's reads stay cheap as it grows: each filter alone is answered from an index, and a
page's rows are put into words with one query however many cases they name."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, text

from ifr_service import db
from ifr_service.audit import queries
from ifr_service.audit.models import AuditEvent
from tests.builders import Road

FILTERS = {
    "ix_audit_event_case_reference_occurred_utc": queries.AuditFilter(case_references=["IFR-2026-000001"]),
    "ix_audit_event_username_occurred_utc": queries.AuditFilter(usernames=["demo-officer", "Sam Patel"]),
    "ix_audit_event_organisation_occurred_utc": queries.AuditFilter(organisation="hub:london"),
    "ix_audit_event_action_occurred_utc": queries.AuditFilter(action="denied"),
    "ix_audit_event_occurred_utc": queries.AuditFilter(start=date(2026, 11, 1), end=date(2026, 11, 30)),
}

# 5,000 rows over 500 people, 50 organisations, 5,000 cases and a year, a few of them denials.
SPREAD_LOG = """
INSERT INTO audit_event (occurred_utc, username, role, organisation, action, case_reference, what,
                         method, path, status_code)
SELECT timestamptz '2026-01-01' + n * interval '1 hour', 'user-' || n % 500, 'case_officer',
       'hub:h' || n % 50, CASE WHEN n % 97 = 0 THEN 'denied' ELSE 'read' END,
       'IFR-2025-' || lpad(n::text, 6, '0'), 'api.cases.get_case', 'GET', '/api/v1/cases', 200
FROM generate_series(1, 5000) AS n
"""


@pytest.mark.parametrize("index", FILTERS)
def test_each_filter_alone_is_answered_from_its_index(app, in_db, index):
    """The planner's choice for a table this small would be to read it all; told not to (PostgreSQL's
    enable_seqscan), it shows that an index can answer the filter, and which."""
    def plan() -> str:
        session = db.session()
        statement = queries._ordered(FILTERS[index]).limit(25)  # the page's query
        compiled = statement.compile(dialect=session.bind.dialect,
                                     compile_kwargs={"render_postcompile": True})  # an IN's values
        if session.bind.dialect.name == "postgresql":
            # A log of some size, and its statistics: on a nearly empty table every index costs the
            # same, and which the planner takes depends on what the suite's earlier tests left.
            session.exec(text(SPREAD_LOG))
            session.exec(text("ANALYZE audit_event"))
            session.exec(text("SET LOCAL enable_seqscan = off"))
            explain, params = "EXPLAIN ", compiled.params
        else:
            params = tuple(compiled.params[name] for name in compiled.positiontup)
            explain = "EXPLAIN QUERY PLAN "
        rows = session.connection().exec_driver_sql(explain + str(compiled), params).all()
        return "\n".join(" ".join(str(cell) for cell in row) for row in rows)

    assert index in in_db(plan)


def test_a_pages_rows_are_put_in_words_with_one_query_however_many_cases_they_name(
        app, client, auth, application, in_db):
    from ifr_service.audit import routes  # after the app: the API's package imports it

    cases = [Road(client, auth, application).reference for _ in range(3)]
    events = [AuditEvent(id=number, username="demo-officer", role="case_officer", action="change",
                         case_reference=reference, what="api.cases.take_action", method="POST",
                         path=f"/api/v1/cases/{reference}/actions/approve", status_code=200)
              for number, reference in enumerate(cases * 2)]
    statements = []

    def described():
        engine = db.session().bind
        count = lambda *args: statements.append(args[2])  # noqa: E731 (the statement)
        event.listen(engine, "before_cursor_execute", count)
        try:
            with app.test_request_context("/audit"):
                return routes.in_words(events)
        finally:
            event.remove(engine, "before_cursor_execute", count)

    rows = in_db(described)

    assert [row["done"] for row in rows] == ["Recorded a decision through the API: Approve"] * 6
    assert len(statements) == 1
