"""`ifr-service sact import FILE`, run as an operator would run it: the example's counts on a database
with no approvals, and a bad file refused whole, each problem named, nothing imported."""

from __future__ import annotations

from tests.sact.conftest import EXTRACT
from tests.test_cli import run


def test_the_command_imports_the_example_and_prints_its_counts(fresh_env):
    run("db", "upgrade", env=fresh_env)
    run("reference", "load", env=fresh_env)

    result = run("sact", "import", str(EXTRACT), env=fresh_env)

    # No approvals here: the CDF drugs' rows are treated without one; carboplatin and paclitaxel are not
    # the fund's.
    assert result.stdout.strip() == (
        "import 1: 8 rows, 0 matched to approvals; 0 cycles recorded (0 starts), 0 already held, 0 stops; "
        "6 treated without an approval, 0 refused by the rules, 2 not CDF drugs")


def test_the_command_refuses_a_bad_file_naming_each_problem_and_imports_nothing(fresh_env, tmp_path):
    run("db", "upgrade", env=fresh_env)
    bad = tmp_path / "bad.csv"
    lines = EXTRACT.read_text().splitlines()
    lines[2] = lines[2].replace("9990000255", "9990000256")
    lines[4] = lines[4].replace(",2,", ",two,")
    bad.write_text("\n".join(lines) + "\n")

    result = run("sact", "import", str(bad), env=fresh_env, check=False)

    assert result.returncode == 1
    assert "nothing imported, 2 problems" in result.stderr
    assert "Line 3, column nhs_number: '9990000256' is not a valid NHS number" in result.stderr
    assert "Line 5, column cycle_number: 'two' is not a cycle number (1 to 999)" in result.stderr
    again = run("sact", "import", str(EXTRACT), env=fresh_env, check=False)
    assert again.stdout.startswith("import 1:")  # the refused file left no import behind
