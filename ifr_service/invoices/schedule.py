"""A trust's patient-level invoice schedule, read from CSV: the format of docs/invoice-format.md.

Reading is all or nothing. The whole file is checked before anything is looked up or kept, and a file
with any bad line is refused (422) naming each line and column at fault, up to MAX_PROBLEMS of them:
a schedule half read would be checked half, and challenged lines of a half would be a trust's muddle.
A file over MAX_BYTES or MAX_LINES is refused before its lines are read (413, 422). No database here.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

import nhs_number

from ifr_service.errors import IfrError, ValidationFailed
from ifr_service.funding import numbers as funding_numbers
from ifr_service.text import quoted, text_problem

MAX_BYTES = 1024 * 1024  # 1 MiB: some 8,000 lines of a typical schedule
MAX_LINES = 5_000  # lines of charges a schedule (a trust's month of one commissioner's is a few hundred)
MAX_PROBLEMS = 20  # named in one refusal: enough to fix a file, not a wall of text
# A line's amount above this is a typing slip (pence typed as pounds, a digit doubled), not a charge:
# the dearest single drug charges are tens of thousands of pounds a cycle.
MAX_AMOUNT = Decimal("250000.00")
MAX_QUANTITY = Decimal("10000")
EARLIEST_DAY = date(2016, 7, 1)  # the managed-access CDF began in July 2016 (docs/cdf.md)

COLUMNS = ["provider_code", "invoice_number", "line_number", "nhs_number", "authorisation_reference",
           "treatment", "dmd_code", "treatment_date", "quantity", "amount_gbp", "commissioner_code"]
TITLES = {"provider_code": "provider ODS code", "invoice_number": "invoice number",
          "line_number": "line number", "nhs_number": "NHS number",
          "authorisation_reference": "authorisation reference", "treatment": "drug or treatment",
          "dmd_code": "dm+d code", "treatment_date": "date of treatment", "quantity": "quantity",
          "amount_gbp": "amount (£)", "commissioner_code": "commissioner code"}
ODS_CODE = re.compile(r"[A-Z0-9]{3,5}")
INVOICE_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_.-]{0,29}")
COMMISSIONER_CODE = re.compile(r"[a-z0-9][a-z0-9-]{1,59}")  # as the reference data writes it: ccg-camden
DMD_CODE = re.compile(r"[0-9]{6,18}")  # a dm+d identifier is a SNOMED CT id: 6 to 18 digits
AMOUNT = re.compile(r"[0-9]{1,9}(\.[0-9]{1,2})?")
QUANTITY = re.compile(r"[0-9]{1,6}(\.[0-9]{1,3})?")
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class ScheduleLine:
    row: int  # the line of the file (the header is line 1)
    provider_code: str
    invoice_number: str
    line_number: int
    nhs_number: str
    authorisation_reference: str
    treatment: str
    dmd_code: str | None
    treatment_date: date
    quantity: Decimal
    amount_pence: int
    commissioner_code: str


class FileTooLarge(IfrError):
    status_code = 413


def read_schedule(content: bytes, today: date) -> list[ScheduleLine]:
    """Every line of the schedule, checked; or the refusal naming each bad line and column."""
    if len(content) > MAX_BYTES:
        raise FileTooLarge(f"The file is {len(content):,} bytes; a schedule may be at most {MAX_BYTES:,} "
                           f"bytes ({MAX_LINES:,} lines). Split it into smaller schedules.", field="file")
    rows = _rows(_text(content))
    header = rows[0] if rows else None
    if header is None or [cell.strip().lower() for cell in header] != COLUMNS:
        raise ValidationFailed({"file": _header_problem(header)})
    body = [(number, row) for number, row in enumerate(rows[1:], start=2) if any(c.strip() for c in row)]
    if not body:
        raise ValidationFailed({"file": "The file has its header but no lines to check."})
    if len(body) > MAX_LINES:
        raise ValidationFailed({"file": f"The file has {len(body):,} lines; a schedule may have at most "
                                        f"{MAX_LINES:,}. Split it into smaller schedules."})
    problems: dict[str, str] = {}
    lines = [line for number, row in body if (line := _line(number, row, today, problems)) is not None]
    _check_whole(lines, problems)
    if problems:
        raise ValidationFailed(dict(list(problems.items())[:MAX_PROBLEMS]))
    return lines


def _text(content: bytes) -> str:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationFailed({"file": "This is not a CSV file saved as UTF-8 text (byte "
                                        f"{error.start + 1:,} is not text). Save the schedule as CSV "
                                        "UTF-8 and upload it again."}) from None
    if "\x00" in text:
        raise ValidationFailed({"file": "This is not a CSV file: it holds a NUL byte, as a spreadsheet or "
                                        "PDF does. Save the schedule as CSV UTF-8 and upload it again."})
    return text


def _rows(text: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > MAX_LINES + 1:  # the count is refused above; no need to read further
                rows.append(["", ""])
                break
    except csv.Error as error:
        raise ValidationFailed({f"line {reader.line_num}": f"Line {reader.line_num} is not a CSV line "
                                                           f"({error})."}) from None
    return rows


def _header_problem(header: list[str] | None) -> str:
    expected = ",".join(COLUMNS)
    if not header:
        return f"The file is empty. Its first line must be the header: {expected}"
    return (f"The first line must be the header {expected} (docs/invoice-format.md); this file's begins "
            f"{quoted(','.join(header))}. Is it the schedule, saved as CSV?")


def _line(number: int, row: list[str], today: date, problems: dict[str, str]) -> ScheduleLine | None:
    if len(row) != len(COLUMNS):
        problems[f"line {number}"] = (f"Line {number} has {len(row)} columns; a line has {len(COLUMNS)}, "
                                      "as the header names them.")
        return None
    values = dict(zip(COLUMNS, (cell.strip() for cell in row), strict=True))
    found: dict[str, object] = {}
    for column, check in CHECKS.items():
        value = values[column]
        problem = text_problem(value) or (None if value or column in OPTIONAL else "is empty")
        if problem is None and value:
            try:
                found[column] = check(value, today)
                continue
            except ValueError as error:
                problem = str(error)
        if problem is not None:
            problems[f"line {number}, {column}"] = (f"Line {number}, column {column} "
                                                    f"({TITLES[column]}): {_sentence(problem)}")
        else:
            found[column] = None
    if len(found) != len(COLUMNS):
        return None
    return ScheduleLine(row=number, amount_pence=found.pop("amount_gbp"), **found)


def _sentence(problem: str) -> str:
    return problem[0].lower() + problem[1:] if problem[:4] == "This" else problem


def _check_whole(lines: list[ScheduleLine], problems: dict[str, str]) -> None:
    """One trust's schedule: every line its provider's, and no invoice line twice."""
    providers = sorted({line.provider_code for line in lines})
    if len(providers) > 1:
        first = lines[0].provider_code
        other = next(line for line in lines if line.provider_code != first)
        problems[f"line {other.row}, provider_code"] = (
            f"Line {other.row}, column provider_code: {other.provider_code} differs from line "
            f"{lines[0].row}'s {first}. A schedule is one trust's: send each trust's separately.")
    seen: dict[tuple[str, int], int] = {}
    for line in lines:
        key = (line.invoice_number, line.line_number)
        if key in seen:
            problems[f"line {line.row}, line_number"] = (
                f"Line {line.row}, column line_number: invoice {line.invoice_number} line "
                f"{line.line_number} is already line {seen[key]} of the file.")
        seen.setdefault(key, line.row)


def _ascii(value: str, what: str) -> None:
    if any(character.isdigit() and not character.isascii() for character in value):
        raise ValueError(f"{quoted(value)} has digits other than 0 to 9 (a fullwidth or another "
                         f"script's digit): type the {what} in the digits 0 to 9.")


def _ods_code(value: str, _today: date) -> str:
    _ascii(value, "code")
    if not ODS_CODE.fullmatch(value):
        raise ValueError(f"{quoted(value)} is not an ODS code (3 to 5 capital letters and digits, such as "
                         "RRV).")
    return value


def _commissioner_code(value: str, _today: date) -> str:
    _ascii(value, "code")
    code = value.lower()
    if not COMMISSIONER_CODE.fullmatch(code):
        raise ValueError(f"{quoted(value)} is not a commissioner's code (letters, digits and hyphens, "
                         "such as ccg-camden).")
    return code


def _invoice_number(value: str, _today: date) -> str:
    _ascii(value, "invoice number")
    if not INVOICE_NUMBER.fullmatch(value):
        raise ValueError(f"{quoted(value)} is not an invoice number (up to 30 letters, digits, / _ . or -).")
    return value


def _line_number(value: str, _today: date) -> int:
    _ascii(value, "line number")
    if not value.isdigit() or not 1 <= int(value) <= 99_999:
        raise ValueError(f"{quoted(value)} is not a line number: a whole number from 1 to 99999.")
    return int(value)


def _nhs_number(value: str, _today: date) -> str:
    _ascii(value, "NHS number")
    digits = re.sub(r"[\s-]", "", value)
    if not re.fullmatch(r"[0-9]{10}", digits):
        raise ValueError(f"{quoted(value)} is not an NHS number: 10 digits, such as 943 476 5919.")
    if nhs_number.calculate_checksum(digits[:9]) != int(digits[9]) or not nhs_number.is_valid(digits):
        raise ValueError(f"{quoted(value)} is not a valid NHS number: its check digit does not match.")
    return digits


def normalise_reference(value: str) -> str:
    """An IFR (IFRA-…) or CDF (CDFA-…) authorisation reference as stored, or ValueError saying why not:
    the look-up's own rule (funding/numbers.py), on a file's text, which must be plain ASCII."""
    _ascii(value, "reference")
    try:
        return funding_numbers.normalise_reference(value)
    except ValidationFailed as refused:
        raise ValueError(f"{quoted(value)} is not an authorisation reference: "
                         f"{refused.fields['reference'][0]}") from None


def _treatment(value: str, _today: date) -> str:
    if len(value) > 200:
        raise ValueError("is longer than 200 characters.")
    return value


def _dmd_code(value: str, _today: date) -> str:
    _ascii(value, "dm+d code")
    if not DMD_CODE.fullmatch(value):
        raise ValueError(f"{quoted(value)} is not a dm+d code (6 to 18 digits), or leave it empty.")
    return value


def _treatment_date(value: str, today: date) -> date:
    _ascii(value, "date")
    try:
        day = date.fromisoformat(value) if DAY.fullmatch(value) else None
    except ValueError:
        raise ValueError(f"{quoted(value)} is not a day of the calendar.") from None
    if day is None:
        raise ValueError(f"{quoted(value)} is not a date written YYYY-MM-DD, such as 2026-11-23.")
    if day > today:
        raise ValueError(f"{value} is in the future: bill treatment once it is given.")
    if day < EARLIEST_DAY:
        raise ValueError(f"{value} is before {EARLIEST_DAY:%-d %B %Y}, when the schemes billed here began.")
    return day


def _quantity(value: str, _today: date) -> Decimal:
    _ascii(value, "quantity")
    if value.startswith("-"):
        raise ValueError(f"{quoted(value)} is negative: a quantity is more than 0.")
    if not QUANTITY.fullmatch(value) or not Decimal(0) < Decimal(value) <= MAX_QUANTITY:
        raise ValueError(f"{quoted(value)} is not a quantity: a number more than 0 and up to "
                         f"{MAX_QUANTITY:,}, with at most 3 decimal places.")
    return Decimal(value)


def _amount(value: str, _today: date) -> int:
    _ascii(value, "amount")
    if value.startswith(("-", "(")):
        raise ValueError(f"{quoted(value)} is negative: a schedule bills charges. Send a credit note "
                         "to the commissioner separately.")
    if not AMOUNT.fullmatch(value):
        raise ValueError(f"{quoted(value)} is not an amount in pounds: digits with at most 2 decimal "
                         "places, without a £ sign or commas, such as 1234.50.")
    try:
        amount = Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise ValueError(f"{quoted(value)} is not an amount in pounds.") from None
    if amount <= 0:
        raise ValueError(f"{quoted(value)} is nothing to bill: an amount is more than £0.")
    if amount > MAX_AMOUNT:
        raise ValueError(f"£{amount:,.2f} is more than any one line can be (£{MAX_AMOUNT:,.2f}): is it "
                         "in pence, or a digit typed twice?")
    return int(amount * 100)


CHECKS = {"provider_code": _ods_code, "invoice_number": _invoice_number, "line_number": _line_number,
          "nhs_number": _nhs_number,
          "authorisation_reference": lambda value, _today: normalise_reference(value),
          "treatment": _treatment, "dmd_code": _dmd_code, "treatment_date": _treatment_date,
          "quantity": _quantity, "amount_gbp": _amount, "commissioner_code": _commissioner_code}
OPTIONAL = {"dmd_code"}
