"""The audit log as a test sees it: only the rows written since the test began.

The harness empties audit_event after each test (tests/seed.py), but a fixture or an earlier step of
the same test may have written to it, so a test looks only past the last row there when it began."""

from __future__ import annotations

import pytest
from sqlalchemy import text


class AuditLog:
    def __init__(self, engine):
        self.engine = engine
        with engine.connect() as connection:
            self.start = connection.execute(text("SELECT coalesce(max(id), 0) FROM audit_event")).scalar_one()

    def rows(self, **match) -> list[dict]:
        """The rows written since the test began, oldest first, whose columns equal `match`."""
        with self.engine.connect() as connection:
            found = connection.execute(text("SELECT * FROM audit_event WHERE id > :start ORDER BY id"),
                                       {"start": self.start}).mappings().all()
        return [dict(row) for row in found if all(row[key] == value for key, value in match.items())]

    def one(self, **match) -> dict:
        rows = self.rows(**match)
        assert len(rows) == 1, (match, rows)
        return rows[0]


@pytest.fixture
def audit_log(app) -> AuditLog:
    return AuditLog(app.extensions["ifr"].engine)
