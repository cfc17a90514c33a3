"""What the fault tests assert afterwards, read straight from the database: nothing lost, nothing
twice, nothing half-written."""

from __future__ import annotations

from sqlalchemy import text

HALF_WRITTEN_CASES = """
SELECT count(*) FROM ifr_case c
WHERE c.reference IS NOT NULL AND (
  NOT EXISTS (SELECT 1 FROM case_event e WHERE e.case_id = c.id AND e.name = 'case_submitted')
  OR NOT EXISTS (SELECT 1 FROM national_case n WHERE n.case_id = c.id)
  OR NOT EXISTS (SELECT 1 FROM outbox_message m WHERE m.job = 'send_case_acknowledgement'
                 AND CAST(m.payload ->> 'case_id' AS INTEGER) = c.id))
"""


def scalar(app, sql: str) -> int:
    with app.extensions["ifr"].engine.connect() as connection:
        return connection.execute(text(sql)).scalar_one()


def outbox_states(app) -> dict[str, int]:
    """How many outbox messages are completed, failed, and open; and the most runs any one took."""
    with app.extensions["ifr"].engine.connect() as connection:
        row = connection.execute(text(
            "SELECT count(completed_utc), count(failed_utc), "
            "count(*) FILTER (WHERE completed_utc IS NULL AND failed_utc IS NULL), "
            "coalesce(max(attempts), 0) FROM outbox_message")).one()
    return {"completed": row[0], "failed": row[1], "open": row[2], "most_attempts": row[3]}


def delivered_notifications(app) -> int:
    return scalar(app, "SELECT count(*) FROM notification WHERE delivered_utc IS NOT NULL")


def notifications(app) -> int:
    return scalar(app, "SELECT count(*) FROM notification")
