"""Each test's tier comes from what it uses (tests/tiers.py), and a unit test may not reach a database."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine

from tests.tiers import TOUCHED, UnitTestTouchedTheDatabase


def test_a_test_that_uses_no_database_fixture_is_a_unit_test(request):
    assert [marker.name for marker in request.node.iter_markers() if marker.name in ("unit", "integration")] \
        == ["unit"]


def test_a_test_that_uses_the_app_is_an_integration_test(request, app):
    assert [marker.name for marker in request.node.iter_markers() if marker.name in ("unit", "integration")] \
        == ["integration"]


def test_a_unit_test_that_connects_to_a_database_is_refused_and_fails_even_if_the_error_is_caught(request):
    with pytest.raises(UnitTestTouchedTheDatabase, match="sqlite://"):
        create_engine("sqlite://").connect()
    assert request.node.stash[TOUCHED] == ["sqlite://"]  # which fails the test as it ends...
    request.node.stash[TOUCHED].clear()  # ...but here connecting was the point
