"""Reading a SACT-shaped extract: the shipped example reads, and a file the format does not allow
is refused whole, each problem named by its line and column."""

from __future__ import annotations

from datetime import date

import pytest

from ifr_service.config import PROJECT_ROOT
from ifr_service.sact import parser
from ifr_service.sact.parser import COLUMNS, SactFileRefused, read_extract

EXAMPLE = PROJECT_ROOT / "docs" / "examples" / "sact-extract.csv"
TODAY = date(2026, 12, 7)
HEADER = ",".join(COLUMNS)
GOOD = "9990000255,RRV,ATEZOLIZUMAB,2026-10-12,1,Atezolizumab,37752611002,2026-10-12,,"


def refusal(text: str, today: date = TODAY) -> list[str]:
    with pytest.raises(SactFileRefused) as refused:
        read_extract(text.encode(), today)
    return refused.value.problems


def test_the_shipped_example_reads_row_by_row():
    rows = read_extract(EXAMPLE.read_bytes(), TODAY)

    assert len(rows) == 8
    first = rows[0]
    assert (first.line, first.nhs_number, first.provider_ods_code, first.cycle_number) == (
        2, "9990000255", "RRV", 1)
    assert first.dmd_code == "37752611002" and first.administered_on == date(2026, 10, 12)
    stopped = rows[3]
    assert (stopped.regimen_ended_on, stopped.end_of_regimen, stopped.stop_reason) == (
        date(2026, 11, 20), "2", "progression")


def test_a_drug_without_its_code_is_keyed_by_its_name_normalised():
    rows = read_extract(EXAMPLE.read_bytes(), TODAY)

    assert rows[0].drug_key == "37752611002"
    assert rows[1].dmd_code is None and rows[1].drug_key == "atezolizumab"


def test_a_cycle_has_one_key_whatever_the_day_of_the_cycle():
    day_one = read_extract(f"{HEADER}\n{GOOD}\n".encode(), TODAY)[0]
    later = GOOD.replace(",2026-10-12,,", ",2026-10-19,,")
    day_eight = read_extract(f"{HEADER}\n{later}\n".encode(), TODAY)[0]
    next_cycle = read_extract(f"{HEADER}\n{GOOD.replace(',1,', ',2,')}\n".encode(), TODAY)[0]

    assert day_one.cycle_key == day_eight.cycle_key != next_cycle.cycle_key


def test_a_file_without_the_formats_header_is_refused():
    assert refusal("nhs,drug\n" + GOOD) == [
        f"Line 1: the header must be exactly {HEADER} (docs/sact-format.md)."]


def test_an_empty_file_and_a_header_alone_are_refused():
    assert "empty" in refusal("")[0]
    assert refusal(HEADER + "\n") == ["The file has a header and no rows."]


def test_each_bad_cell_is_named_by_its_line_and_column_and_nothing_is_read():
    bad_nhs = GOOD.replace("9990000255", "9990000256")
    bad_date = GOOD.replace(",2026-10-12,1,", ",30/11/2026,1,")
    problems = refusal("\n".join([HEADER, GOOD, bad_nhs, bad_date]))

    assert problems == [
        "Line 3, column nhs_number: '9990000256' is not a valid NHS number (10 digits, the last a check "
        "digit)",
        "Line 4, column start_date_of_regimen: '30/11/2026' is not a date written YYYY-MM-DD"]


def test_a_row_with_a_missing_value_or_too_many_values_is_refused():
    blank_drug = GOOD.replace("Atezolizumab,", ",")
    problems = refusal("\n".join([HEADER, blank_drug, GOOD + ",extra"]))

    assert problems[0] == "Line 2, column drug_name: is blank; it is required"
    assert problems[1] == "Line 3: 11 values; every row has 10, one for each column of the header."


def test_codes_the_format_does_not_know_are_refused():
    bad = (GOOD.replace("37752611002", "37752611003").replace("RRV", "R-RV")
           .replace(",1,Atez", ",0,Atez").rstrip(",") + ",2026-12-01,9")
    problems = refusal(f"{HEADER}\n{bad}")

    assert any("column provider_ods_code: 'R-RV' is not an ODS code" in p for p in problems)
    assert any("column cycle_number: '0' is not a cycle number" in p for p in problems)
    assert any("column drug_dmd_code: '37752611003' is not a dm+d code" in p for p in problems)
    assert any("column end_of_regimen_summary: '9' is not a code of SACT's End of Regimen Summary" in p
               for p in problems)


def test_a_regimen_end_needs_its_summary_and_the_summary_its_date():
    no_summary = GOOD.rstrip(",") + ",2026-12-01,"
    no_date = GOOD.rstrip(",") + ",,3"
    problems = refusal("\n".join([HEADER, no_summary, no_date]))

    assert problems == ["Line 2, column end_of_regimen_summary: is blank; give it with the regimen end date",
                        "Line 3, column regimen_end_date: is blank; give it with the end of regimen summary"]


def test_dates_out_of_order_or_after_today_are_refused():
    before_start = GOOD.replace(",2026-10-12,,", ",2026-10-11,,")
    problems = refusal("\n".join([HEADER, before_start, GOOD]), today=date(2026, 10, 11))

    assert ("Line 2, column administration_date: 2026-10-11 is before the regimen's start, 2026-10-12"
            in problems)
    assert ("Line 3, column administration_date: 2026-10-12 is after today: an extract reports what was "
            "given") in problems


def test_fullwidth_digits_and_control_characters_are_refused():
    fullwidth = GOOD.replace("9990000255", "\uff19\uff19\uff19\uff10\uff10\uff10\uff10\uff12\uff15\uff15")
    control = GOOD.replace("Atezolizumab", "Atezo\x1b[31mlizumab")
    problems = refusal("\n".join([HEADER, fullwidth, control]))

    assert problems[0].startswith("Line 2, column nhs_number: Type the nhs number in the digits 0 to 9")
    assert problems[-1].startswith("Line 3, column drug_name:")


def test_a_file_that_is_not_utf8_is_refused_naming_its_line():
    content = f"{HEADER}\n{GOOD}\n".encode() + "9990000255,RRV,\xe9".encode("latin-1")
    with pytest.raises(SactFileRefused) as refused:
        read_extract(content, TODAY)

    assert refused.value.problems[0].startswith("Line 3: the file is not UTF-8 text")


def test_a_file_over_the_size_or_row_limit_is_refused_saying_the_limit(monkeypatch):
    monkeypatch.setattr(parser, "MAX_FILE_BYTES", 100)
    assert "at most 100 bytes" in refusal(f"{HEADER}\n{GOOD}\n")[0]
    monkeypatch.setattr(parser, "MAX_FILE_BYTES", 10_000)
    monkeypatch.setattr(parser, "MAX_ROWS", 2)
    assert refusal("\n".join([HEADER, GOOD, GOOD, GOOD])) == [
        "The file has more than 2 rows; an extract may have at most that many. Split it by month or by "
        "trust."]


def test_the_list_of_problems_stops_at_its_limit(monkeypatch):
    monkeypatch.setattr(parser, "MAX_PROBLEMS", 3)
    bad = GOOD.replace("RRV", "R-RV")
    problems = refusal("\n".join([HEADER, *[bad] * 10]))

    assert len(problems) == 4 and problems[-1].startswith("… and the file stops being checked at 3 problems")
