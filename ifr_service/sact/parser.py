"""Reading a monthly SACT-shaped extract (docs/sact-format.md): pure, no database.

A file is read whole or refused whole. Its size and row count are bounded; its header must be the
format's columns; each row is checked column by column. Every problem is collected (up to a limit)
with the line and the column it is on, so the sender can fix the file in one go, and a file with any
unreadable row is refused with nothing saved: a SACT extract is a month's activity for one trust,
and half of it recorded would leave the approvals' treatment wrong in a way nobody could see.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import date

import nhs_number
from stdnum import verhoeff

from ifr_service.interventions import normalise_intervention
from ifr_service.text import ascii_digits_problem, shortened, text_problem

# The columns, in order. Each is modelled on a SACT data item (docs/sact-format.md names them).
COLUMNS = ["nhs_number", "provider_ods_code", "regimen", "start_date_of_regimen", "cycle_number",
           "drug_name", "drug_dmd_code", "administration_date", "regimen_end_date",
           "end_of_regimen_summary"]
REQUIRED = ("nhs_number", "provider_ods_code", "start_date_of_regimen", "cycle_number", "drug_name",
            "administration_date")
# A month of one trust's SACT activity is some thousands of rows; these bounds leave room for a large
# cancer centre while keeping an import to seconds and a refusal's list readable.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
MAX_PROBLEMS = 50
MAX_CYCLE_NUMBER = 999  # SACT's Cycle Number is at most three digits
TEXT_LIMITS = {"regimen": 150, "drug_name": 55}  # SACT's Regimen (an150) and Drug Name (an55)
EARLIEST_DATE = date(2000, 1, 1)  # SACT began in 2012; an earlier date is a typing slip
# SACT v4's End of Regimen Summary (data item 88), each national code with its words, and the CDF
# workflow's stop reason it is recorded as (workflows/cdf.yaml, record_stop).
END_OF_REGIMEN = {
    "1": ("Completed pre-determined number of cycles", "completed"),
    "2": ("Disease progression", "progression"),
    "3": ("Toxicity", "toxicity"),
    "4": ("Patient choice to stop treatment", "patient_choice"),
    "5": ("Organisation (trust) issues or reason", "other"),
    "6": ("Minimal residual disease (MRD) negativity", "other"),
    "7": ("Death of patient", "death"),
    "8": ("Other", "other"),
}


class SactFileRefused(ValueError):
    """The file cannot be imported; `problems` lists each one with its line and column."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class SactRow:
    """One drug administration of one cycle of one regimen, as the extract gives it."""

    line: int
    nhs_number: str
    provider_ods_code: str
    regimen: str
    regimen_started_on: date
    cycle_number: int
    drug_name: str
    dmd_code: str | None
    administered_on: date
    regimen_ended_on: date | None
    end_of_regimen: str | None  # the national code, "1" to "8"

    @property
    def drug_key(self) -> str:
        """The drug as rows are grouped and matched: its dm+d code, else its name normalised."""
        return self.dmd_code or normalise_intervention(self.drug_name)

    @property
    def cycle_key(self) -> str:
        """The cycle's key, the same in every extract that holds it: the trust, patient, drug,
        regimen start and cycle number (not the day, so a cycle's day 8 is not a second cycle)."""
        parts = (self.provider_ods_code, self.nhs_number, self.drug_key,
                 self.regimen_started_on.isoformat(), str(self.cycle_number))
        return "sact-" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:40]

    @property
    def stop_reason(self) -> str | None:
        return END_OF_REGIMEN[self.end_of_regimen][1] if self.end_of_regimen else None

    @property
    def end_of_regimen_words(self) -> str | None:
        return END_OF_REGIMEN[self.end_of_regimen][0] if self.end_of_regimen else None


def read_extract(content: bytes, today: date) -> list[SactRow]:
    """The rows of an extract, or SactFileRefused listing why the file as a whole is refused. No
    date may be after `today`: an extract reports treatment given, never planned."""
    if len(content) > MAX_FILE_BYTES:
        raise SactFileRefused([f"The file is {len(content):,} bytes; an extract may be at most "
                               f"{MAX_FILE_BYTES:,} bytes (5 MB). Split it by month or by trust."])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[:error.start].count(b"\n") + 1
        problem = f"Line {line}: the file is not UTF-8 text (byte {error.start + 1})."
        raise SactFileRefused([problem]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        _check_header(header)
        return _read_rows(reader, today)
    except csv.Error as error:
        raise SactFileRefused([f"Line {reader.line_num}: the CSV cannot be read ({error})."]) from None


def _check_header(header: list[str] | None) -> None:
    if header is None:
        raise SactFileRefused(["The file is empty: it needs the header line and at least one row."])
    if [name.strip().lower() for name in header] != COLUMNS:
        raise SactFileRefused([f"Line 1: the header must be exactly {','.join(COLUMNS)} "
                               "(docs/sact-format.md)."])


def _read_rows(reader, today: date) -> list[SactRow]:
    rows, problems = [], []
    for values in reader:
        line = reader.line_num
        if not any(value.strip() for value in values):
            continue  # a blank line (a trailing one, say) is no row
        if len(rows) + len(problems) >= MAX_ROWS:
            raise SactFileRefused([f"The file has more than {MAX_ROWS:,} rows; an extract may have at "
                                   "most that many. Split it by month or by trust."])
        row, found = _read_row(line, values, today)
        if found:
            problems += found
        else:
            rows.append(row)
        if len(problems) >= MAX_PROBLEMS:
            raise SactFileRefused([*problems[:MAX_PROBLEMS], f"… and the file stops being checked at "
                                   f"{MAX_PROBLEMS} problems."])
    if problems:
        raise SactFileRefused(problems)
    if not rows:
        raise SactFileRefused(["The file has a header and no rows."])
    return rows


def _read_row(line: int, values: list[str], today: date) -> tuple[SactRow | None, list[str]]:
    if len(values) != len(COLUMNS):
        return None, [f"Line {line}: {len(values)} values; every row has {len(COLUMNS)}, one for each "
                      "column of the header."]
    cells = {name: value.strip() for name, value in zip(COLUMNS, values, strict=True)}
    checker = _RowChecker(line, cells, today)
    row = SactRow(
        line=line, nhs_number=checker.nhs_number(), provider_ods_code=checker.ods_code(),
        regimen=checker.text("regimen"), regimen_started_on=checker.day("start_date_of_regimen"),
        cycle_number=checker.cycle_number(), drug_name=checker.text("drug_name"),
        dmd_code=checker.dmd_code(), administered_on=checker.day("administration_date"),
        regimen_ended_on=checker.day("regimen_end_date"), end_of_regimen=checker.end_of_regimen())
    checker.dates_in_order(row)
    return (None, checker.problems) if checker.problems else (row, [])


class _RowChecker:
    """Each column read once; a problem recorded as 'Line N, column name: what is wrong'."""

    def __init__(self, line: int, cells: dict[str, str], today: date) -> None:
        self.line, self.cells, self.today, self.problems = line, cells, today, []
        for name in REQUIRED:
            if not cells[name]:
                self.problem(name, "is blank; it is required")
        for name, value in cells.items():
            found = text_problem(value) or ascii_digits_problem(value, name.replace("_", " "))
            if found:
                self.problem(name, found)
                cells[name] = ""

    def problem(self, column: str, message: str) -> None:
        self.problems.append(f"Line {self.line}, column {column}: {message}")

    def nhs_number(self) -> str:
        value = self.cells["nhs_number"].replace(" ", "")
        if value and not (value.isdigit() and len(value) == 10 and nhs_number.is_valid(value)):
            self.problem("nhs_number", f"{shortened(value)!r} is not a valid NHS number (10 digits, "
                                       "the last a check digit)")
        return value

    def ods_code(self) -> str:
        value = self.cells["provider_ods_code"].upper()
        if value and not (3 <= len(value) <= 5 and value.isalnum()):
            self.problem("provider_ods_code", f"{shortened(value)!r} is not an ODS code (3 to 5 letters "
                                              "and digits, like RRV)")
        return value

    def text(self, column: str) -> str:
        value = self.cells[column]
        if len(value) > TEXT_LIMITS[column]:
            self.problem(column, f"is {len(value)} characters; at most {TEXT_LIMITS[column]}")
        return value

    def day(self, column: str) -> date | None:
        value = self.cells[column]
        if not value:
            return None
        try:
            day = date.fromisoformat(value)
        except ValueError:
            day = None
        if day is None or len(value) != 10:
            self.problem(column, f"{shortened(value)!r} is not a date written YYYY-MM-DD")
            return None
        if day < EARLIEST_DATE:
            self.problem(column, f"{value} is before {EARLIEST_DATE:%Y}")
        elif day > self.today:
            self.problem(column, f"{value} is after today: an extract reports what was given")
        return day

    def cycle_number(self) -> int:
        value = self.cells["cycle_number"]
        if value and not (value.isdigit() and 1 <= int(value) <= MAX_CYCLE_NUMBER):
            self.problem("cycle_number", f"{shortened(value)!r} is not a cycle number (1 to "
                                         f"{MAX_CYCLE_NUMBER})")
            return 0
        return int(value) if value else 0

    def dmd_code(self) -> str | None:
        value = self.cells["drug_dmd_code"]
        if not value:
            return None
        if not (value.isdigit() and 6 <= len(value) <= 18 and verhoeff.is_valid(value)):
            self.problem("drug_dmd_code", f"{shortened(value)!r} is not a dm+d code (6 to 18 digits, "
                                          "the last a Verhoeff check digit)")
        return value

    def end_of_regimen(self) -> str | None:
        value = self.cells["end_of_regimen_summary"]
        if value and value not in END_OF_REGIMEN:
            self.problem("end_of_regimen_summary", f"{shortened(value)!r} is not a code of SACT's End of "
                                                   "Regimen Summary (1 to 8)")
            return None
        if value and not self.cells["regimen_end_date"]:
            self.problem("regimen_end_date", "is blank; give it with the end of regimen summary")
        if self.cells["regimen_end_date"] and not value:
            self.problem("end_of_regimen_summary", "is blank; give it with the regimen end date")
        return value or None

    def dates_in_order(self, row: SactRow) -> None:
        started, given, ended = row.regimen_started_on, row.administered_on, row.regimen_ended_on
        if started and given and given < started:
            self.problem("administration_date", f"{given} is before the regimen's start, {started}")
        if ended and given and ended < given:
            self.problem("regimen_end_date", f"{ended} is before the administration date, {given}")
