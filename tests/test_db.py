"""The unit of work commits once, and a clash on a unique constraint is a 409, not a 500."""

from __future__ import annotations

import pytest

from ifr_service import db
from ifr_service.errors import Conflict
from ifr_service.users.models import User


def test_a_unique_constraint_clash_becomes_a_conflict(app):
    engine = app.extensions["ifr"].engine
    with pytest.raises(Conflict), app.app_context(), db.unit_of_work(engine):
        db.session().add(User(username="demo-admin", display_name="Twin", email="t@example.nhs.uk",
                              role="admin"))


def test_a_unit_of_work_that_raises_saves_nothing(app, in_db):
    from ifr_service.users.queries import find_user

    engine = app.extensions["ifr"].engine
    with pytest.raises(RuntimeError), app.app_context(), db.unit_of_work(engine):
        db.session().add(User(username="half-saved", display_name="x", email="x@example.nhs.uk",
                              role="admin"))
        db.session().flush()
        raise RuntimeError("something failed after the flush")
    assert in_db(find_user, "half-saved") is None


def test_a_nul_character_anywhere_in_a_request_is_refused_not_stored(app, client, auth, application):
    application["patient"]["given_name"] = "Al\x00ex"
    response = client.post("/api/v1/cases", json=application, headers=auth("demo-clinician"))
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "patient.given_name"
    query = client.get("/api/v1/hubs/london/queue?page=1\x00", headers=auth("demo-officer"))
    assert query.status_code == 422
    path = client.get("/api/v1/cases/IFR-\x00", headers=auth("demo-officer"))
    assert path.status_code == 404
