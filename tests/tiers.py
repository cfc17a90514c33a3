"""The suite's tiers, as pytest markers given by where a test lives and what it uses (never by hand on
each test), and the guard that keeps the unit tier off the database.

- `browser`: tests/browser/;  `faults`: tests/faults/;
- `integration`: any other test using a fixture that builds a database or names a backend
  (BUILDS_A_DATABASE), directly or through another (`client`, `auth`, `in_db`, ... all use `app`);
- `unit`: the rest. A unit test that connects to a database fails, naming the database: a test that
  builds one of its own (the migrations' tests, say) says `pytestmark = pytest.mark.integration`.

`make test-unit`, `make test-integration`, `make test-faults` and `make test-browser` run one tier each
(`pytest -m unit`, ...); `make test` runs them all. docs/operations.md#testing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, event

TIERS = ("unit", "integration", "browser", "faults")
OWN_FOLDERS = {"browser": "browser", "faults": "faults"}  # tests/<folder>/ -> its tier
BUILDS_A_DATABASE = {"app", "backend", "stack", "fresh_env"}
TESTS = Path(__file__).parent
TOUCHED = pytest.StashKey[list]()  # per unit test, the databases it connected to


class UnitTestTouchedTheDatabase(AssertionError):
    pass


def tier_of(item: pytest.Item) -> str:
    for tier in TIERS:
        if item.get_closest_marker(tier) is not None:
            return tier
    folder = Path(item.path).relative_to(TESTS).parts[0]
    if folder in OWN_FOLDERS:
        return OWN_FOLDERS[folder]
    return "integration" if BUILDS_A_DATABASE & set(item.fixturenames) else "unit"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        tier = tier_of(item)
        if item.get_closest_marker(tier) is None:
            item.add_marker(tier)


@pytest.fixture(autouse=True)
def no_database_in_a_unit_test(request):
    """Fails a unit test that connects to any database, even one whose code swallowed the error."""
    if request.node.get_closest_marker("unit") is None:
        yield
        return
    touched: list[str] = []
    request.node.stash[TOUCHED] = touched

    def refuse(connection) -> None:
        touched.append(connection.engine.url.render_as_string(hide_password=True))
        raise UnitTestTouchedTheDatabase(f"a unit test connected to {touched[-1]}: mark its module "
                                         "pytest.mark.integration, or keep the test off the database")

    event.listen(Engine, "engine_connect", refuse)
    try:
        yield
    finally:
        event.remove(Engine, "engine_connect", refuse)
    if touched:
        pytest.fail(f"a unit test connected to a database ({', '.join(sorted(set(touched)))}): mark its "
                    "module pytest.mark.integration, or keep the test off the database", pytrace=False)
