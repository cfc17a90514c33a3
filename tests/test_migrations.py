"""The migrations are the only way the schema is built, and they match the models."""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import JSON, Date, Integer, column, create_engine, inspect, select, table, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import DBAPIError, ProgrammingError

from ifr_service import migrate
from ifr_service.cet.deidentify import patient_pseudonym
from ifr_service.config import PROJECT_ROOT, Config
from ifr_service.models import metadata
from tests.conftest import backend_config, reset_database

VERSIONS = PROJECT_ROOT / "migrations" / "versions"


def test_migrations_are_numbered_in_one_chain_and_named_by_their_file():
    script = ScriptDirectory(str(PROJECT_ROOT / "migrations"))
    revisions = list(reversed(list(script.walk_revisions())))
    files = sorted(path.stem for path in VERSIONS.glob("*.py"))
    assert [revision.revision for revision in revisions] == files
    for number, revision in enumerate(revisions, start=1):
        assert re.fullmatch(rf"{number:04d}_[a-z0-9_]+", revision.revision)
        assert len(revision.revision) <= 32, "alembic_version holds 32 characters"
        assert revision.down_revision == (revisions[number - 2].revision if number > 1 else None)


def test_migrations_do_not_import_the_models():
    for path in VERSIONS.glob("*.py"):
        assert "ifr_service" not in path.read_text(), f"{path.name} imports application code"


def test_the_migrated_database_matches_the_models(app):
    with app.extensions["ifr"].engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), metadata)
    assert differences == []


@pytest.fixture
def scratch_config(backend, tmp_path) -> Config:
    """A database of its own for this test (PostgreSQL: a separate database)."""
    config = backend_config(backend, tmp_path)
    if config.is_embedded_database:
        yield config
        return
    admin = create_engine(config.database_url, isolation_level="AUTOCOMMIT")
    name = config.database_url.rsplit("/", 1)[1] + "_migrations"  # the checkout's own, as its test database
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    url = config.database_url.rsplit("/", 1)[0] + f"/{name}"
    yield Config(environment="test", database_url=url, secret_key=config.secret_key)
    try:
        drop_database(admin, name)
    finally:
        admin.dispose()


def drop_database(admin, name: str, seconds: float = 30) -> None:
    """Drop the scratch database, ending this suite's connections to it. PostgreSQL's autovacuum may
    be working in it, as a superuser our role may not stop: wait for it to finish, bounded."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with admin.connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            return
        except ProgrammingError as error:
            if "InsufficientPrivilege" not in type(error.orig).__name__ or time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_upgrade_downgrade_upgrade_leaves_the_same_schema(scratch_config):
    reset_database(scratch_config)
    migrate.upgrade(scratch_config)
    first = _tables(scratch_config)
    migrate.downgrade(scratch_config, "base")
    assert _tables(scratch_config) <= {"alembic_version"}
    migrate.upgrade(scratch_config)
    assert _tables(scratch_config) == first == set(metadata.tables) | {"alembic_version"}


def test_the_migration_gives_each_case_the_soonest_due_date_of_its_running_clocks(scratch_config):
    reset_database(scratch_config)
    migrate.upgrade(scratch_config, "0012_add_api_clients")
    engine = create_engine(scratch_config.database_url)
    now = datetime(2026, 12, 21, 9, tzinfo=UTC)
    with engine.begin() as connection:
        _insert_clinician(connection, now)
        for case_id in (1, 2):
            connection.execute(text(
                "INSERT INTO ifr_case (id, draft_reference, route, state, form_key, form_version, answers, "
                "urgency, urgency_rank, created_by_id, created_utc, updated_utc) VALUES (:id, :draft, 'ifr', "
                "'submitted', 'ifr-application', 1, '{}', 'routine', 2, 1, :now, :now)"),
                {"id": case_id, "draft": f"DRAFT-{case_id}", "now": now})
        # Case 1: two clocks running, one paused; case 2: its only clock paused.
        for case_id, clock, running_since, due_on in [
                (1, "decision", date(2026, 12, 21), date(2027, 2, 3)),
                (1, "screening", date(2026, 12, 21), date(2027, 1, 7)),
                (1, "completeness_check", None, None),
                (2, "completeness_check", None, None)]:
            connection.execute(text(
                "INSERT INTO case_clock (case_id, clock, cycle, target_working_days, started_on, "
                "running_since, used_working_days, due_on) "
                "VALUES (:case_id, :clock, 1, 10, :started, :running_since, 0, :due_on)"),
                {"case_id": case_id, "clock": clock, "started": date(2026, 12, 21),
                 "running_since": running_since, "due_on": due_on})
    migrate.upgrade(scratch_config)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, next_due_on FROM ifr_case ORDER BY id")
                                  .columns(id=Integer, next_due_on=Date)).all()
    engine.dispose()
    assert [tuple(row) for row in rows] == [(1, date(2027, 1, 7)), (2, None)]


def test_postgresql_refuses_to_change_or_delete_a_case_event(app, client, auth, application):
    engine = app.extensions["ifr"].engine
    if engine.dialect.name != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    client.post("/api/v1/cases", json=application, headers=auth("demo-clinician"))
    for statement in ["UPDATE case_event SET name = 'forged'", "DELETE FROM case_event"]:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))


def _tables(config: Config) -> set[str]:
    engine = create_engine(config.database_url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_the_migration_writes_stored_identifiers_in_the_digits_0_to_9_and_mends_unshowable_text(
        scratch_config):
    reset_database(scratch_config)
    migrate.upgrade(scratch_config, "0015_add_outbox_retries")
    engine = create_engine(scratch_config.database_url)
    answers_type = JSON().with_variant(JSONB(), "postgresql")
    cases = table("ifr_case", column("id", Integer), column("answers", answers_type))
    fullwidth = "\uff19\uff19\uff19\uff10\uff10\uff10\uff10\uff10\uff12\uff16"  # 999 000 0026
    sqlite = engine.dialect.name == "sqlite"  # only SQLite could store a lone surrogate
    answers = {"patient": {"nhs_number": fullwidth, "given_name": "Ann\u202e" + ("\ud800" if sqlite else ""),
                           "postal_address": "1 Example Street\nLeeds"},
               "diagnosis": {"icd10_code": "C\u0663\u0664.1"},
               "treatment": {"planned_start_date": "2026-11-30"}}
    now = datetime(2026, 12, 7, 9, tzinfo=UTC)
    with engine.begin() as connection:
        _insert_clinician(connection, now)
        connection.execute(text(
            "INSERT INTO ifr_case (id, draft_reference, route, state, form_key, form_version, answers, "
            "urgency, urgency_rank, created_by_id, created_utc, updated_utc) VALUES (1, 'DRAFT-1', 'cdf', "
            "'approved', 'cdf-application', 1, '{}', 'routine', 2, 1, :now, :now)"), {"now": now})
        connection.execute(cases.update().where(cases.c.id == 1).values(answers=answers))
        connection.execute(text(
            "INSERT INTO cdf_application (case_id, entry_key, entry_version, nhs_number, decided_on, "
            "unmet_criteria, treatment_break_weeks, funding_route, cost_unit, cost_unit_pence, cost_units, "
            "cycles_given) VALUES (1, 'example', 1, :number, :day, '[]', 4, 'cdf', 'cycle', 100, 1, 0)"),
            {"number": fullwidth, "day": date(2026, 11, 23)})
        keyed_from_fullwidth = patient_pseudonym(fullwidth, scratch_config.pseudonym_key)
        _national_record(connection, case_id=1, pseudonym=keyed_from_fullwidth)
    migrate.upgrade(scratch_config)
    with engine.connect() as connection:
        stored = connection.execute(select(cases.c.answers).where(cases.c.id == 1)).scalar_one()
        number = connection.execute(text("SELECT nhs_number FROM cdf_application")).scalar_one()
        pseudonym = connection.execute(text("SELECT patient_pseudonym FROM national_case")).scalar_one()
    engine.dispose()
    assert stored["patient"]["nhs_number"] == number == "9990000026"
    assert pseudonym == patient_pseudonym("9990000026", scratch_config.pseudonym_key)
    assert stored["diagnosis"]["icd10_code"] == "C34.1"
    assert stored["patient"]["given_name"] == "Ann\ufffd" + ("\ufffd" if sqlite else "")
    assert stored["patient"]["postal_address"] == "1 Example Street\nLeeds"


def _insert_clinician(connection, now: datetime) -> None:
    """The user a migration test's cases are created by, written as the migrated schema stands."""
    connection.execute(text(
        "INSERT INTO app_user (id, username, display_name, email, role, is_active, created_utc) "
        "VALUES (1, 'clinician', 'A clinician', 'clinician@example.org', 'clinician', :yes, :now)"),
        {"yes": True, "now": now})


def _national_record(connection, case_id: int, pseudonym: str) -> None:
    """A case's row in the national database, with the reference rows it points to."""
    day = {"day": date(2020, 1, 1)}
    connection.execute(text("INSERT INTO region (id, code, name, valid_from, source) "
                            "VALUES (1, 'london', 'London', :day, 'test')"), day)
    connection.execute(text("INSERT INTO hub (id, code, name, region_id, valid_from, source) "
                            "VALUES (1, 'london', 'London hub', 1, :day, 'test')"), day)
    connection.execute(text("INSERT INTO commissioner (id, code, name, kind, valid_from, source) "
                            "VALUES (1, '07P', 'NHS Example CCG', 'ccg', :day, 'test')"), day)
    connection.execute(text(
        "INSERT INTO national_case (case_ref, case_id, route, received_on, region_id, hub_id, "
        "commissioner_id, patient_pseudonym, age_band, sex, icd10_code, icd10_category, icd10_chapter, "
        "intervention_key, intervention_name, intervention_type, urgency, estimated_cost_pence, outcome, "
        "recorded_utc) "
        "VALUES ('CDF-2026-000001', :case_id, 'cdf', :day, 1, 1, 1, :pseudonym, '50-59', 'female', 'C34.1', "
        "'C34', 'II', 'example', 'Example', 'drug', 'routine', 100, 'approved', :now)"),
        {"case_id": case_id, "pseudonym": pseudonym, "day": date(2026, 11, 23),
         "now": datetime(2026, 11, 23, 9, tzinfo=UTC)})
