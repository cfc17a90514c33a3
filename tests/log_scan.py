"""No identifiers in logs: every log record of the test run, at DEBUG and with its traceback, is written
to a file (test-results/run-*.log), and when the run ends the file is searched for the NHS numbers the
demo and the tests use. If one is there the run fails, naming the number and the lines.

Loaded by tests/conftest.py (`pytest_plugins`). The numbers searched for:
- every number of the range reserved for testing (999 000 0000 up) with a good check digit: the demo's
  (`demo.test_range_nhs_numbers`), the synthetic national history's and the tests' own;
- every NHS number written out in the tests, the demo and docs/examples, good check digit or not
  (the refused ones of the 422 tests included);
each found with or without its spaces (999 000 0018, 9990000018, 999-000-0018), and in any script's
digits (fullwidth, Arabic-Indic...) or as JSON's \\uXXXX escapes of them: a number is folded to the
digits 0 to 9 before it is looked for, so no spelling of a patient's number slips past.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import nhs_number
import pytest

from ifr_service.config import PROJECT_ROOT

RESULTS = PROJECT_ROOT / "test-results"
# Ten digits as 3-3-4, spaced (any space), hyphenated or not, and not part of a longer number; looked
# for in a line whose digits are folded to 0 to 9.
CANDIDATE = re.compile(r"(?<![0-9])([0-9]{3})[\s-]?([0-9]{3})[\s-]?([0-9]{4})(?![0-9])")
JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


class _AsciiDigits(dict):
    """A str.translate table folding every script's decimal digits to 0 to 9, filled as met."""

    def __missing__(self, codepoint: int) -> int:
        value = unicodedata.decimal(chr(codepoint), None)
        self[codepoint] = folded = ord(str(value)) if value is not None else codepoint
        return folded


ASCII_DIGITS = _AsciiDigits()


def folded(line: str) -> str:
    """The line with JSON's \\uXXXX escapes read and every digit written as 0 to 9."""
    return JSON_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), line).translate(ASCII_DIGITS)
TEST_RANGE_PREFIX = "999"
LITERAL_SOURCES = ["tests/**/*.py", "ifr_service/demo.py", "docs/examples/*.json"]
# A quoted NHS number: of the test range, or given as a patient's `nhs_number`.
LITERAL = re.compile(r"""["'](999[ -]?\d{3}[ -]?\d{4})["']""")
NAMED_LITERAL = re.compile(r"""nhs_number["']?\s*[:=]\s*["'](\d{3}[ -]?\d{3}[ -]?\d{4})["']""")
FORMAT = "%(asctime)s %(levelname)s %(name)s %(threadName)s %(message)s"


def written_nhs_numbers(root: Path = PROJECT_ROOT) -> set[str]:
    """The NHS numbers written out in the tests, the demo and the examples, as ten digits."""
    found = set()
    for pattern in LITERAL_SOURCES:
        for path in root.glob(pattern):
            text = path.read_text(encoding="utf-8")
            found |= {re.sub(r"\D", "", number) for regex in (LITERAL, NAMED_LITERAL)
                      for number in regex.findall(text)}
    return found


def is_known_nhs_number(digits: str, written: set[str]) -> bool:
    return digits in written or (digits.startswith(TEST_RANGE_PREFIX) and nhs_number.is_valid(digits))


def find_identifiers(lines: Iterable[str], written: set[str]) -> list[tuple[int, str, str]]:
    """(line number, NHS number as ten digits, line) for every known NHS number in the lines."""
    found = []
    for number, line in enumerate(lines, start=1):
        for match in CANDIDATE.finditer(folded(line)):
            digits = "".join(match.groups())
            if is_known_nhs_number(digits, written):
                found.append((number, digits, line.rstrip("\n")))
    return found


class RunLog:
    """The handler on the root logger for the whole run, and what was found in its file at the end."""

    def __init__(self) -> None:
        RESULTS.mkdir(exist_ok=True)
        descriptor, name = tempfile.mkstemp(prefix="run-", suffix=".log", dir=RESULTS)
        os.close(descriptor)
        self.path = Path(name)
        self.handler = logging.FileHandler(self.path, encoding="utf-8")
        self.handler.setLevel(logging.DEBUG)
        self.handler.setFormatter(logging.Formatter(FORMAT))
        self.root_level = logging.getLogger().level
        self.found: list[tuple[int, str, str]] = []

    def start(self) -> None:
        root = logging.getLogger()
        root.addHandler(self.handler)
        root.setLevel(logging.DEBUG)

    def stop(self) -> None:
        root = logging.getLogger()
        if self.handler in root.handlers:
            root.removeHandler(self.handler)
            root.setLevel(self.root_level)
            self.handler.close()

    def scan(self) -> list[tuple[int, str, str]]:
        self.stop()
        with self.path.open(encoding="utf-8", errors="replace") as log:
            self.found = find_identifiers(log, written_nhs_numbers())
        return self.found

    def remove_unless_found(self) -> None:
        self.stop()
        if not self.found:  # kept only when it holds what it must not
            self.path.unlink(missing_ok=True)


RUN_LOG = pytest.StashKey[RunLog]()


def pytest_configure(config: pytest.Config) -> None:
    run_log = RunLog()
    config.stash[RUN_LOG] = run_log
    run_log.start()


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    if session.config.stash[RUN_LOG].scan():
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_unconfigure(config: pytest.Config) -> None:
    config.stash[RUN_LOG].remove_unless_found()


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    run_log = config.stash[RUN_LOG]
    if not run_log.found:
        return
    numbers = sorted({digits for _, digits, _ in run_log.found})
    terminalreporter.section("NHS numbers in the logs", red=True)
    terminalreporter.write_line(f"The log of this run ({run_log.path}) holds {len(numbers)} NHS "
                                f"number(s), on {len(run_log.found)} line(s): logs must not carry "
                                "identifiers.")
    for line_number, digits, line in run_log.found[:50]:
        terminalreporter.write_line(f"  {digits} at line {line_number}: {line[:300]}")

