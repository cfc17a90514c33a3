"""Reading a trust's invoice schedule: a good file gives its lines; a bad one is refused whole, naming
each line and column at fault (docs/invoice-format.md). No database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ifr_service.errors import ValidationFailed
from ifr_service.invoices.schedule import COLUMNS, MAX_BYTES, MAX_LINES, FileTooLarge, read_schedule

TODAY = date(2026, 12, 7)
HEADER = ",".join(COLUMNS)
FULLWIDTH_AMOUNT = "\uff13\uff18\uff10\uff17.\uff16\uff19"  # 3807.69 in fullwidth digits
FULLWIDTH_NHS_NUMBER = "".join(chr(0xFF10 + int(digit)) for digit in "9990000026")
GOOD = ("RRV,INV-1001,1,999 000 0026,CDFA-2026-000001-1,Atezolizumab 1200mg,12345678,2026-11-30,1,3807.69,"
        "ccg-camden")


def schedule(*lines: str, header: str = HEADER) -> bytes:
    return "\n".join([header, *lines]).encode("utf-8")


def refusal(content: bytes) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as refused:
        read_schedule(content, TODAY)
    return refused.value.fields


def with_cell(column: str, value: str, line: str = GOOD) -> str:
    cells = line.split(",")
    cells[COLUMNS.index(column)] = value
    return ",".join(cells)


def test_a_good_schedule_gives_each_line_with_its_amount_in_pence():
    [line] = read_schedule(schedule(GOOD), TODAY)
    assert line.row == 2
    assert line.nhs_number == "9990000026"
    assert line.authorisation_reference == "CDFA-2026-000001-1"
    assert line.treatment_date == date(2026, 11, 30)
    assert line.quantity == Decimal("1")
    assert line.amount_pence == 380769
    assert line.commissioner_code == "ccg-camden"


def test_a_byte_order_mark_and_blank_lines_are_no_problem():
    content = b"\xef\xbb\xbf" + schedule(GOOD, "", with_cell("line_number", "2"), ",,,,,,,,,,")
    assert [line.row for line in read_schedule(content, TODAY)] == [2, 4]


def test_the_example_schedule_reads_whole():
    from ifr_service.config import PROJECT_ROOT

    content = (PROJECT_ROOT / "docs" / "examples" / "invoice-schedule.csv").read_bytes()
    assert len(read_schedule(content, date(2027, 7, 15))) == 14


@pytest.mark.parametrize(("column", "value", "words"), [
    ("treatment_date", "30/11/2026", "is not a date written YYYY-MM-DD"),
    ("treatment_date", "2026-02-30", "is not a day of the calendar"),
    ("treatment_date", "2027-01-01", "is in the future"),
    ("amount_gbp", FULLWIDTH_AMOUNT, "digits other than 0 to 9"),
    ("amount_gbp", "-3807.69", "is negative"),
    ("amount_gbp", "(3807.69)", "is negative"),
    ("amount_gbp", "999999999", "more than any one line can be"),
    ("amount_gbp", "£3807.69", "without a £ sign or commas"),
    ("amount_gbp", "\"3,807.69\"", "without a £ sign or commas"),
    ("amount_gbp", "0.00", "nothing to bill"),
    ("amount_gbp", "12.345", "at most 2 decimal places"),
    ("nhs_number", "9990000027", "check digit does not match"),
    ("nhs_number", "12345", "10 digits"),
    ("nhs_number", FULLWIDTH_NHS_NUMBER, "digits other than 0 to 9"),
    ("authorisation_reference", "CDFA-2026-000001-4", "check digit does not match"),
    ("authorisation_reference", "APPROVED", "is not an authorisation reference"),
    ("quantity", "-1", "is negative"),
    ("line_number", "0", "a whole number from 1 to 99999"),
    ("provider_code", "rrv!", "is not an ODS code"),
    ("invoice_number", "", "is empty"),
    ("treatment", "Atezolizumab\u202e", "reverses text direction"),
])
def test_a_malformed_line_is_refused_naming_its_line_and_column(column, value, words):
    fields = refusal(schedule(GOOD, with_cell(column, value, with_cell("line_number", "2"))))
    assert list(fields) == [f"line 3, {column}"]
    [message] = fields[f"line 3, {column}"]
    assert message.startswith(f"Line 3, column {column}")
    assert words in message


def test_every_bad_line_is_named_at_once():
    fields = refusal(schedule(with_cell("amount_gbp", "-1"), with_cell("treatment_date", "yesterday",
                                                                      with_cell("line_number", "2"))))
    assert set(fields) == {"line 2, amount_gbp", "line 3, treatment_date"}


def test_a_line_with_too_few_columns_is_refused():
    assert "has 3 columns" in refusal(schedule("RRV,INV-1,1"))["line 2"][0]


def test_a_file_that_is_not_the_schedule_is_refused_by_its_header():
    [message] = refusal(b"name,age\nx,1\n")["file"]
    assert "The first line must be the header" in message


def test_a_spreadsheet_or_pdf_is_refused_as_not_csv():
    assert "not a CSV file" in refusal(b"%PDF-1.7\n\xe2\xe3\xcf\xd3 binary")["file"][0]
    assert "not a CSV file" in refusal(b"PK\x03\x04\x00\x00xl/workbook.xml")["file"][0]


def test_a_schedule_is_one_trusts():
    fields = refusal(schedule(GOOD, with_cell("provider_code", "RJ1", with_cell("line_number", "2"))))
    assert "A schedule is one trust's" in fields["line 3, provider_code"][0]


def test_the_same_invoice_line_twice_is_refused():
    fields = refusal(schedule(GOOD, GOOD))
    assert "is already line 2 of the file" in fields["line 3, line_number"][0]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    with pytest.raises(FileTooLarge) as refused:
        read_schedule(b"x" * (MAX_BYTES + 1), TODAY)
    assert refused.value.status_code == 413
    assert f"{MAX_BYTES:,} bytes" in refused.value.message


def test_a_file_over_the_line_limit_is_refused_naming_the_limit():
    lines = [with_cell("line_number", str(number)) for number in range(1, MAX_LINES + 2)]
    [message] = refusal(schedule(*lines))["file"]
    assert f"at most {MAX_LINES:,}" in message


def test_an_empty_schedule_is_refused():
    assert "no lines" in refusal(schedule())["file"][0]
    assert "The file is empty" in refusal(b"")["file"][0]
