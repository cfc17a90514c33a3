"""`ifr-service invoices import FILE`: the example checked for the London hub from the command line,
its challenges written beside it; a bad file refused naming its lines, with nothing kept."""

from __future__ import annotations

import csv
import shutil

import pytest
from click.testing import CliRunner

from ifr_service.cli import main
from ifr_service.config import PROJECT_ROOT
from ifr_service.invoices import commands
from tests.conftest import count_rows
from tests.invoices.conftest import EXAMPLE
from tests.invoices.test_schedule import GOOD, HEADER, with_cell


@pytest.fixture
def command(app, monkeypatch):
    monkeypatch.setattr(commands, "load_app", lambda: app)  # the suite's app and database
    return lambda *args: CliRunner().invoke(main, ["invoices", "import", *args])


def test_the_example_is_checked_for_a_hub_and_its_challenges_written_for_the_trust(command, invoice_world,
                                                                                    tmp_path):
    source = tmp_path / "invoice-schedule.csv"
    shutil.copy(PROJECT_ROOT / EXAMPLE, source)
    result = command(str(source), "--hub", "london")
    assert result.exit_code == 0, result.output
    assert "from RRV: 14 lines: 3 accepted (£16,507.35), 11 challenged (£108,222.69)" in result.output
    with (tmp_path / "invoice-schedule.challenges.csv").open(encoding="utf-8") as written:
        rows = list(csv.DictReader(written))
    assert [row["line_number"] for row in rows][:2] == ["1", "2"] and len(rows) == 11


def test_a_bad_file_is_refused_naming_each_line_and_nothing_is_kept(app, command, tmp_path):
    source = tmp_path / "bad.csv"
    bad_lines = [HEADER, with_cell("nhs_number", "999 000 0027"),
                 with_cell("amount_gbp", "-5", with_cell("line_number", "2"))]
    source.write_text("\n".join(bad_lines), encoding="utf-8")
    before = count_rows(app)
    result = command(str(source), "--region", "london")
    assert result.exit_code == 1
    assert "nothing checked or kept" in result.output
    assert "Line 2, column nhs_number" in result.output and "Line 3, column amount_gbp" in result.output
    assert count_rows(app) == before
    assert not (tmp_path / "bad.challenges.csv").exists()


def test_the_command_needs_one_region_or_hub(command, tmp_path):
    source = tmp_path / "s.csv"
    source.write_text("\n".join([HEADER, GOOD]), encoding="utf-8")
    assert command(str(source)).exit_code == 2
    assert command(str(source), "--region", "london", "--hub", "london").exit_code == 2
    unknown = command(str(source), "--hub", "atlantis")
    assert unknown.exit_code == 1 and "There is no hub 'atlantis'" in unknown.output
