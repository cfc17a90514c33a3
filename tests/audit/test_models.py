"""The audit log is append-only in the database itself, on either backend."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from ifr_service import db
from tests.builders import CLINICIAN, Road


@pytest.mark.parametrize("statement", [
    "UPDATE audit_event SET username = 'someone-else' WHERE id = :id",
    "DELETE FROM audit_event WHERE id = :id",
])
def test_the_database_refuses_to_change_or_delete_an_audit_row(client, auth, application, audit_log, in_db,
                                                               statement):
    road = Road(client, auth, application)
    client.get(f"/api/v1/cases/{road.reference}", headers=auth(CLINICIAN))
    row = audit_log.one(what="api.cases.get_case")

    with pytest.raises(DBAPIError, match="append-only"):
        in_db(lambda: db.session().exec(text(statement), params={"id": row["id"]}))

    assert audit_log.one(what="api.cases.get_case") == row
