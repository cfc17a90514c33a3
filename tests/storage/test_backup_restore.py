"""Backup and restore as docs/operations.md describes them: the database is the whole store (the
files are in it, docs/decisions/0004), so a dump restored into a new database must give back every
row and every file's bytes, and verify-storage must pass on it.

PostgreSQL: `pg_dump --format=custom`, then `pg_restore --clean --if-exists --no-owner
--single-transaction` into a new, empty database. The embedded SQLite default: SQLite's online
backup (Python's sqlite3 Connection.backup, as `sqlite3 FILE ".backup OUT"` does).
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest
from sqlalchemy import Engine, make_url, text
from sqlmodel import select

from ifr_service import db
from ifr_service.cases.models import Case
from ifr_service.demo import load_demo_data
from ifr_service.models import metadata
from ifr_service.storage.verify import verify_storage
from tests.builders import CLINICIAN, pdf_with

ATTACHABLE = ["draft", "awaiting_information", "declined"]  # the states a clinician may attach in


@pytest.fixture
def demo_store(app, client, auth, in_db, run_jobs) -> None:
    """The demo data (an IFR in every state with its letters, CDF applications), and an attachment
    on every case a clinician may still attach to: one of them 300 KB."""
    in_db(load_demo_data)
    run_jobs()

    def attachable() -> list[str]:
        query = select(Case).where(Case.state.in_(ATTACHABLE), Case.route == "ifr").order_by(Case.id)
        return [case.public_reference for case in db.session().exec(query)]

    for number, reference in enumerate(in_db(attachable)):
        content = pdf_with(f"evidence {number} " + os.urandom(150_000 if number == 0 else 32).hex())
        response = client.post(f"/api/v1/cases/{reference}/attachments", headers=auth(CLINICIAN),
                               data={"file": (io.BytesIO(content), f"evidence {number}.pdf")})
        response.request.environ["wsgi.input"].close()  # a large body is spooled to a file
        assert response.status_code == 201, response.json
    run_jobs()


def snapshot(engine: Engine) -> dict:
    """Rows in every table, the migration revision, and the SHA-256 of every file's bytes."""
    with engine.connect() as connection:
        def rows(sql: str) -> list:
            return list(connection.execute(text(sql)))

        files = {("attachment", id_): hashlib.sha256(content).hexdigest()
                 for id_, content in rows("SELECT attachment_id, content FROM attachment_content")}
        files |= {("letter", id_): hashlib.sha256(content).hexdigest()
                  for id_, content in rows("SELECT id, content FROM letter")}
        return {"rows": {name: rows(f"SELECT count(*) FROM {name}")[0][0] for name in metadata.tables},
                "revision": rows("SELECT version_num FROM alembic_version"),
                "files": files}


def check_restored(source: Engine, restored: Engine) -> None:
    before, after = snapshot(source), snapshot(restored)
    assert before["rows"]["ifr_case"] >= 23 and before["rows"]["cdf_application"] == 5
    assert before["rows"]["letter"] > 0 and before["rows"]["attachment"] >= len(ATTACHABLE)
    assert before["rows"]["outbox_message"] > 0
    assert after == before
    source_report, restored_report = verify_storage(source), verify_storage(restored)
    assert restored_report.ok, [problem.describe() for problem in restored_report.problems]
    assert restored_report.as_dict() == source_report.as_dict()


def libpq(database_url: str) -> tuple[str, dict]:
    """The URL pg_dump and pg_restore take, and an environment with the password in PGPASSWORD."""
    url = make_url(database_url)
    plain = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return plain, {**os.environ, "PGPASSWORD": url.password or ""}


def run(*command: str, env: dict) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


@pytest.fixture
def new_database(app):
    """A new, empty PostgreSQL database beside the test database; dropped at the end."""
    engine = app.extensions["ifr"].engine
    if engine.dialect.name != "postgresql":
        pytest.skip("pg_dump and pg_restore are PostgreSQL's (CI always runs on it)")
    name = f"ifr_restore_{uuid.uuid4().hex[:8]}"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    url = engine.url.set(database=name)
    restored = db.make_engine(url.render_as_string(hide_password=False))
    yield restored
    restored.dispose()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))


def test_a_pg_dump_restored_into_a_new_database_gives_back_every_row_and_file(
        app, new_database, demo_store, tmp_path):
    source = app.extensions["ifr"].engine
    dump = tmp_path / "ifr.dump"
    source_url, env = libpq(app.config["IFR"].database_url)
    restored_url, _ = libpq(new_database.url.render_as_string(hide_password=False))

    run("pg_dump", "--format=custom", f"--file={dump}", f"--dbname={source_url}", env=env)
    run("pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
        f"--dbname={restored_url}", str(dump), env=env)

    check_restored(source, new_database)


@pytest.fixture
def embedded(app) -> None:
    if app.extensions["ifr"].engine.dialect.name != "sqlite":
        pytest.skip("the embedded default's backup")


def test_a_sqlite_online_backup_gives_back_every_row_and_file(app, embedded, demo_store, tmp_path):
    source = app.extensions["ifr"].engine
    live = Path(app.config["IFR"].database_url.removeprefix("sqlite:///"))
    backup, restored_file = tmp_path / "backup.sqlite3", tmp_path / "restored.sqlite3"
    with sqlite3.connect(live) as reading, sqlite3.connect(backup) as writing:
        reading.backup(writing)
    reading.close()
    writing.close()
    shutil.copyfile(backup, restored_file)  # a restore: the service stopped, the backup copied back

    restored = db.make_engine(f"sqlite:///{restored_file}")
    try:
        check_restored(source, restored)
    finally:
        restored.dispose()
